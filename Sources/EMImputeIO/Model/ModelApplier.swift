import EMImputeCore
import Foundation

/// Imputes a CSV with a saved model, streaming: one record at a time, so memory does not
/// grow with the number of rows and standard input works in a pipe.
///
/// A regular file is completed in byte ranges (`RangeCompletion`: values and field spans from
/// pass 1's quote-free scanner, or from libcsv where a range holds quotes); a stream is read by
/// libcsv, each record's raw text kept only until it has been written. Observed cells are
/// copied byte for byte either way.
public enum ModelApplier {
    /// Counts of what `apply` did.
    public struct Summary: Sendable {
        /// Data rows read.
        public var rows = 0
        /// Cells imputed.
        public var imputedCells = 0
        /// Rows with at least one imputed cell.
        public var rowsWithImputedCells = 0
        /// What the reader noticed about the input (`.missingFinalLineEnd`).
        public var warnings: [CSVWarning] = []
        /// Per output stream of a pass that draws (multiple imputation), its redraws.
        var drawCounts: [RowDrawer.Counts] = []
    }

    /// Reads `name` (a path or `-`), imputes the model's columns, writes to `output`;
    /// with `deviations`, writes `row,column,imputed,conditional_sd` for every imputed cell.
    ///
    /// - Parameter adjustment: rounding and clamping of the imputed cells (usually
    ///   `ModelFile.appliedAdjustment(…)`), aligned with the model's columns; the written value is
    ///   the adjusted one, in the output and in `deviations` alike.
    /// - Throws: `CSVError`, `ModelFileError.missingColumn`, `OutputError`, and
    ///   `ImputedValueAdjustment.ShapeError` when `adjustment` does not fit the model.
    public static func apply(_ model: GaussianModel, input name: String, options: CSVReadOptions,
                             output: OutputTarget, deviations: OutputTarget? = nil,
                             adjustment: ImputedValueAdjustment? = nil, threads: Int? = nil) throws -> Summary {
        try apply(.gaussian(model), input: name, options: options, output: output, deviations: deviations, adjustment: adjustment,
                  threads: threads)
    }

    /// As `apply(_:input:options:output:deviations:adjustment:)`, with a model of any kind:
    /// a mixture imputes the responsibility-weighted conditional means, a t the conditional means.
    ///
    /// - Parameter threads: threads to complete a regular file with (default: all cores); the
    ///   output does not depend on it. Standard input is read on one.
    public static func apply(_ model: FittedModel, input name: String, options: CSVReadOptions,
                             output: OutputTarget, deviations: OutputTarget? = nil,
                             adjustment: ImputedValueAdjustment? = nil, threads: Int? = nil) throws -> Summary {
        let file = try deviations.map { try ConditionalDeviationsWriter($0, columnNames: model.columnNames) }
        return try apply(model, path: name == "-" ? nil : name, display: name == "-" ? "<stdin>" : name, options: options,
                         output: output, adjustment: adjustment, computesDeviations: deviations != nil,
                         consumers: file.map { [$0] } ?? [], threads: threads)
    }

    /// The second pass of `impute` and all of `apply`: reads `path` (nil: standard input),
    /// writes the completed CSV to `output`, and hands every completed row, with its typed
    /// imputed cells, to `consumers` in order.
    ///
    /// A regular file (without `CSVReadOptions.headerRecord`) is completed in byte ranges on
    /// `threads` threads (`RangeCompletion`); the output, the row order and every consumer's
    /// state are the same for any number of threads. Other inputs are read sequentially.
    ///
    /// - Parameters:
    ///   - computesDeviations: whether the imputed cells carry their conditional standard deviations.
    ///   - snapshot: what pass 1 read; the input must be those bytes (`CSVError.Kind.inputChanged`).
    ///   - threads: default all cores.
    static func apply(_ model: FittedModel, path: String?, display: String, options: CSVReadOptions,
                      output: OutputTarget, adjustment: ImputedValueAdjustment?, computesDeviations: Bool,
                      consumers: [any CompletedRowConsumer], snapshot: InputSnapshot? = nil, threads: Int? = nil,
                      chunkSize: Int = RecordBoundaries.completionChunkSize) throws -> Summary {
        if let adjustment, adjustment.observed.count != model.dimension {
            throw ImputedValueAdjustment.ShapeError.columnCount(expected: adjustment.observed.count, found: model.dimension)
        }
        let file = try snapshot.map { try $0.reopen(path, display: display) } ?? InputFile(path, display: display)
        let fd = file.fd
        let active = adjustment?.isActive == true ? adjustment : nil
        if path != nil, file.isRegular, options.headerRecord == nil {
            let stream = RangeCompletion.Stream(
                makeCompleter: { RowCompleter(model: model, adjustment: active, computesDeviations: computesDeviations) },
                output: output, consumers: consumers)
            return try RangeCompletion.run(fd: fd, size: file.size, columnNames: model.columnNames, options: options, file: display, streams: [stream],
                                           snapshot: snapshot, threads: max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount),
                                           chunkSize: chunkSize)
        }
        let sink = ApplySink(model: model, options: options, file: display, output: output, computesDeviations: computesDeviations,
                             adjustment: active, consumers: consumers, snapshot: snapshot)
        let reader = try CSVReader(delimiter: options.delimiter, file: display)
        do {
            try reader.read(fd: fd, into: sink, onSegment: { try sink.consume($0) }, prefix: options.headerPrefix)
        } catch {
            throw sink.error ?? error
        }
        if let error = sink.error { throw error }
        try sink.drain(isFinal: true)
        if let error = sink.error { throw error }
        try sink.verifyEnd()
        if !sink.sawHeader { throw CSVError(file: display, kind: .empty) }
        var summary = sink.summary
        if let last = reader.unterminatedLastLine {
            summary.warnings.append(.missingFinalLineEnd(line: last.line, text: last.text))
        }
        return summary
    }
}

/// The sequential pass 2 (standard input, or a header given apart): pairs libcsv's parsed
/// records with their raw bytes as they stream past and writes each completed record.
private final class ApplySink: CSVRecordSink {
    /// A record parsed by libcsv, waiting for its raw text to be complete.
    struct Parsed {
        var values: [Double]
        var line: Int
        var isHeader: Bool
    }

    let model: FittedModel
    let options: CSVReadOptions
    let file: String
    let output: OutputTarget
    let computesDeviations: Bool
    let adjustment: ImputedValueAdjustment?
    let consumers: [any CompletedRowConsumer]
    var verifier: InputSnapshot.Verifier?
    let scanner: RecordScanner
    var error: (any Error)?
    var shouldStop: Bool { error != nil }
    var summary = ModelApplier.Summary()

    var sawHeader: Bool { writer != nil }
    /// Set from the first record.
    var writer: CompletedRecordWriter?
    var firstFields: [[UInt8]] = []

    var pending: [Parsed] = []
    var current: [Double] = []
    var fieldIndex = 0
    var raw: [UInt8] = []
    var rawPosition = 0
    var record = RecordScanner.Record()
    var skippedByteOrderMark = false
    var written: [UInt8] = []

    init(model: FittedModel, options: CSVReadOptions, file: String, output: OutputTarget, computesDeviations: Bool,
         adjustment: ImputedValueAdjustment?, consumers: [any CompletedRowConsumer], snapshot: InputSnapshot?) {
        self.model = model
        self.options = options
        self.file = file
        self.output = output
        self.computesDeviations = computesDeviations
        self.adjustment = adjustment
        self.consumers = consumers
        verifier = snapshot.map(InputSnapshot.Verifier.init)
        scanner = RecordScanner(delimiter: options.delimiter)
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        // The reader asks `shouldStop` once per chunk: ignore what follows an error.
        guard error == nil else { return }
        let j = fieldIndex
        fieldIndex += 1
        guard let columns = writer?.columns else { firstFields.append(Array(bytes)); return }
        if current.isEmpty { current = [Double](repeating: .nan, count: model.dimension) }
        if j < columns.modelIndex.count, columns.modelIndex[j] >= 0 { parse(bytes, columns: columns, column: j, line: line) }
    }

    func endRecord(line: Int) {
        guard error == nil else { return }
        if let writer {
            guard fieldIndex == writer.columns.columnCount else {
                error = CSVError(file: file, line: line, kind: .raggedRow(expected: writer.columns.columnCount, found: fieldIndex))
                return
            }
            pending.append(Parsed(values: current, line: line, isHeader: false))
        } else {
            let columns: ModelColumns
            do {
                columns = try ModelColumns(model.columnNames, firstFields: firstFields, options: options, file: file, line: line)
            } catch {
                self.error = error
                return
            }
            writer = CompletedRecordWriter(columns: columns, completer: RowCompleter(model: model, adjustment: adjustment,
                                                                                     computesDeviations: computesDeviations),
                                           delimiter: options.delimiter)
            if options.hasHeader {
                pending.append(Parsed(values: [], line: line, isHeader: true))
            } else {
                current = [Double](repeating: .nan, count: model.dimension)
                for (j, cell) in firstFields.enumerated() where columns.modelIndex[j] >= 0 {
                    cell.withUnsafeBufferPointer { parse($0, columns: columns, column: j, line: line) }
                }
                pending.append(Parsed(values: current, line: line, isHeader: false))
            }
            firstFields = []
        }
        current = []
        fieldIndex = 0
    }

    private func parse(_ raw: UnsafeBufferPointer<UInt8>, columns: ModelColumns, column j: Int, line: Int) {
        let k = columns.modelIndex[j]
        do {
            current[k] = try columns.value(of: raw, model: k, column: j, line: line)
        } catch {
            self.error = error
        }
    }

    func consume(_ bytes: UnsafeRawBufferPointer) throws {
        if let change = verifier?.update(bytes) { throw CSVError(file: file, kind: .inputChanged(change)) }
        raw.append(contentsOf: bytes)
        try drain(isFinal: false)
    }

    /// At the end of the input: it must be all the bytes pass 1 read.
    func verifyEnd() throws {
        if let change = verifier?.finish() { throw CSVError(file: file, kind: .inputChanged(change)) }
    }

    /// Writes every pending record whose raw text is complete; at the end of the input,
    /// also whatever follows the last record (blank lines).
    func drain(isFinal: Bool) throws {
        guard error == nil else { return }
        var done = 0
        if !skippedByteOrderMark, raw.count >= 3 || isFinal {
            // A byte-order mark is copied as is and never taken as part of a field.
            skippedByteOrderMark = true
            let mark = FieldBytes.byteOrderMarkLength(raw)
            if mark > 0 {
                if options.headerRecord == nil { try raw[0..<mark].withUnsafeBytes { try output.write($0) } }
                rawPosition = mark
            }
        }
        guard skippedByteOrderMark else { return }
        try raw.withUnsafeBufferPointer { bytes in
            while done < pending.count, scanner.next(in: bytes, from: rawPosition, isFinal: isFinal, into: &record) {
                try write(pending[done], bytes)
                rawPosition = record.end
                done += 1
            }
            if isFinal, rawPosition < bytes.count {
                try output.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[rawPosition...]))
                rawPosition = bytes.count
            }
        }
        pending.removeFirst(done)
        if rawPosition == raw.count || rawPosition > 1 << 16 {
            raw.removeFirst(rawPosition)
            rawPosition = 0
        }
    }

    private func write(_ item: Parsed, _ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let writer else { return }
        if item.isHeader {
            guard record.fieldCount == writer.columns.columnCount else {
                throw CSVInconsistency(description: "line \(item.line): \(record.fieldCount) fields while writing, \(writer.columns.columnCount) while reading")
            }
            // A header given apart (`CSVReadOptions.headerRecord`) is not the output's.
            if options.headerRecord != nil { return }
            try output.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[rawPosition..<record.end]))
            return
        }
        let index = summary.rows
        summary.rows += 1
        written.removeAll(keepingCapacity: true)
        let completed = try writer.write(item.values, index: index, line: item.line, bytes: bytes, from: rawPosition,
                                         record: record, into: &written)
        try written.withUnsafeBytes { try output.write($0) }
        if !completed.imputed.isEmpty {
            summary.rowsWithImputedCells += 1
            summary.imputedCells += completed.imputed.count
        }
        for consumer in consumers { try consumer.consume(completed) }
    }
}
