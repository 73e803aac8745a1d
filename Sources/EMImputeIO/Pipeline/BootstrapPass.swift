import EMImputeCore
import Foundation

/// The pass that multiple imputation under the normal model adds between pass 1 and pass 2:
/// the input read once more, on all cores, and every row added, in row order, to the
/// Bayesian-bootstrap pattern sums of all M imputations (`BootstrapPatternSums`) — after
/// which each weighted refit is EM on statistics and no row of the table is held. The same
/// pass completes each row with its conditional mean under the full-data fit for the report's
/// column summaries and `--sd-output` (`RowCompleter`), in row order.
///
/// Ranges are parsed on up to `threads` threads and folded in file order; each imputation's
/// sums are added by one thread in row order (`BootstrapPatternSums.add`), so the sums are
/// the same for any thread count, and the same as the library's on the loaded matrix.
package enum BootstrapPass {
    /// Reads `input` (the file pass 1 read, `snapshot`) into `sums` and, when `completer` is
    /// given, hands every row completed by it to `consumers`, in row order.
    ///
    /// - Parameters:
    ///   - columnNames: the modelled columns, as pass 1 found them.
    ///   - rowCount: the data rows pass 1 read.
    /// - Throws: `CSVError` (`.inputChanged` when the input is not the one pass 1 read),
    ///   the completer's and the consumers' errors.
    static func run(into sums: BootstrapPatternSums, input: CSVInput, snapshot: InputSnapshot, options: CSVReadOptions,
                    columnNames: [String], rowCount: Int, completer: RowCompleter?, consumers: [any CompletedRowConsumer],
                    threads: Int) throws {
        let display = input.displayName
        let file = try snapshot.reopen(input.path, display: display)
        guard file.isRegular else {
            throw CSVError(file: display, kind: .cannotOpen(reason: "cannot read the input again to draw the multiple imputations"))
        }
        let fd = file.fd, size = file.size, threads = max(1, threads)
        let layout = try ModelledRanges(fd: fd, size: size, columnNames: columnNames, options: options, file: display,
                                        chunkSize: RecordBoundaries.defaultChunkSize, threads: threads, whenEmpty: .inputChanged(.rewritten))
        let columns = layout.columns, ranges = layout.chunks
        let p = columnNames.count
        var next = 0
        let fold = OrderedFold<Values>(window: 2 * threads) { _, part in
            let n = part.values.count / max(p, 1)
            do {
                try part.values.withUnsafeBufferPointer { x in
                    if let base = x.baseAddress { try sums.add(base, count: n, threads: threads) }
                }
            } catch {
                // A pattern pass 1 did not see: the input changed in between.
                throw CSVError(file: display, kind: .inputChanged(.rewritten))
            }
            if let completer {
                for r in 0..<n {
                    let row = try completer.complete(Array(part.values[(r * p)..<((r + 1) * p)]), index: next + r)
                    for consumer in consumers { try consumer.consume(row) }
                }
            }
            next += n
        }
        try WorkerPool.run(count: ranges.count, threads: threads) { k in
            fold.waitForTurn(k)
            if fold.hasFailed { fold.deliver(k, nil); return }
            let sink = RangeValues(columns: columns, skipsHeader: k == 0 && options.hasHeader)
            do {
                let reader = try CSVReader(delimiter: options.delimiter, file: display)
                do {
                    try reader.read(fd: fd, range: ranges[k].bytes, firstLine: ranges[k].firstLine, into: sink)
                } catch {
                    throw sink.error ?? error
                }
                if let error = sink.error { throw error }
                fold.deliver(k, .success(Values(values: sink.values)))
            } catch {
                fold.deliver(k, .failure(error))
            }
        }
        _ = try fold.result()
        if next != rowCount { throw CSVError(file: display, kind: .inputChanged(.rewritten)) }
    }

    /// A range's modelled values, row-major.
    private struct Values: @unchecked Sendable {
        var values: [Double]
    }
}
