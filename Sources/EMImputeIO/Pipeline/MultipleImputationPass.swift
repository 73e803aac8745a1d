import EMImputeCore
import Foundation

/// Pass 2 of multiple imputation: the input read again, once, on all cores, each row
/// completed M times — each missing cell drawn under imputation m's parameter draw
/// (`ImputationDraw`, with random numbers from (seed, m, row) only) and adjusted by
/// `RowCompleter`, the one place an imputed value becomes a written one — into M files with
/// observed cells copied byte for byte; each completed data set analysed as it streams past.
///
/// The long format on one stream (imputation 1's rows, then 2's, …) is written as M passes,
/// one per imputation, so nothing is buffered.
package enum MultipleImputationPass {
    /// Where the completed data sets go.
    package enum Destination {
        /// File m − 1 gets imputation m.
        case files([OutputTarget])
        /// One long CSV with a leading `imputation` column.
        case longFormat(OutputTarget)
    }

    /// What the pass measured of each completed data set.
    package struct Outcome {
        /// Per imputation, the moments of its completed rows (its summary and regressions).
        package var moments: [CompletedDataMoments]
        /// Per imputation, the cells redrawn for their bounds and those set to a bound.
        package var counts: [RowDrawer.Counts]
        /// Each column's observed values and drawn values, when kept (the HTML report).
        package var values: DrawnValues?
    }

    /// Completes `table`'s input M times, m = 1 … `draws.count`.
    ///
    /// - Parameters:
    ///   - keepsValues: whether to keep the drawn and observed values for the HTML report.
    ///   - threads: threads to complete with; nothing written depends on it.
    /// - Throws: `CSVError` (`.inputChanged` when the input is not the one loaded), the draws'
    ///   errors, `CSVInconsistency` and the outputs' errors.
    package static func run(_ draws: [ImputationDraw], table: LoadedTable, adjustment: ImputedValueAdjustment,
                            to destination: Destination, keepsValues: Bool, threads: Int) throws -> Outcome {
        try run(draws, input: table.input, snapshot: table.snapshot, options: table.options, adjustment: adjustment, to: destination,
                keepsValues: keepsValues, threads: threads)
    }

    /// Completes `input` — the file read with `options` into `snapshot` — M times.
    static func run(_ draws: [ImputationDraw], input: CSVInput, snapshot: InputSnapshot, options: CSVReadOptions,
                    adjustment: ImputedValueAdjustment, to destination: Destination, keepsValues: Bool, threads: Int) throws -> Outcome {
        guard let first = draws.first else { return Outcome(moments: [], counts: [], values: nil) }
        let names = first.model.columnNames, p = names.count
        let display = input.displayName
        let file = try snapshot.reopen(input.path, display: display)
        guard file.isRegular else {
            throw CSVError(file: display, kind: .cannotOpen(reason: "cannot read the input again to write the completed data sets"))
        }
        let analyses = draws.indices.map { m in
            ImputationAnalysis(columnCount: p, keepsDrawnValues: keepsValues, keepsObservedValues: keepsValues && m == 0)
        }
        let active = adjustment.isActive ? adjustment : nil
        func stream(_ m: Int, output: OutputTarget, longFormat: RangeCompletion.LongFormat?) -> RangeCompletion.Stream {
            let draw = draws[m]
            return RangeCompletion.Stream(makeCompleter: { RowCompleter(drawing: draw, adjustment: active) }, output: output,
                                          consumers: [analyses[m]], longFormat: longFormat)
        }
        var counts: [RowDrawer.Counts]
        switch destination {
        case .files(let targets):
            precondition(targets.count == draws.count, "one file per imputation")
            let streams = draws.indices.map { stream($0, output: targets[$0], longFormat: nil) }
            // M outputs per range: smaller ranges keep the memory of the ranges in flight that of one output.
            let chunkSize = max(1 << 18, RecordBoundaries.defaultChunkSize / draws.count)
            counts = try RangeCompletion.run(fd: file.fd, size: file.size, columnNames: names, options: options, file: display,
                                             streams: streams, snapshot: snapshot, threads: threads, chunkSize: chunkSize).drawCounts
        case .longFormat(let target):
            counts = []
            for m in draws.indices {
                let longFormat = RangeCompletion.LongFormat(label: String(draws[m].index), isFirst: m == 0)
                counts += try RangeCompletion.run(fd: file.fd, size: file.size, columnNames: names, options: options, file: display,
                                                  streams: [stream(m, output: target, longFormat: longFormat)],
                                                  snapshot: snapshot, threads: threads).drawCounts
            }
        }
        let values = keepsValues ? DrawnValues(columnNames: names, observed: analyses[0].observed, drawn: analyses.map(\.drawn)) : nil
        return Outcome(moments: analyses.map(\.moments), counts: counts, values: values)
    }
}
