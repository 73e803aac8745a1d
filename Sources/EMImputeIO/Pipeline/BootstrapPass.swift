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
        let head = FirstFields()
        let headReader = try CSVReader(delimiter: options.delimiter, file: display)
        do {
            try headReader.read(fd: fd, range: 0..<size, firstLine: 1, into: head)
        } catch {
            if !head.isComplete { throw error }
        }
        guard head.isComplete else { throw CSVError(file: display, kind: .inputChanged(.rewritten)) }
        let columns = try ModelColumns(columnNames, firstFields: head.fields, options: options, file: display, line: head.line)
        var chunks = try RecordBoundaries.split(fd: fd, size: size, chunkSize: RecordBoundaries.defaultChunkSize, threads: threads, file: display)
        // The first range holds the whole header, which blank lines may push past the first cut.
        let headerEnd = options.hasHeader ? try firstRecordEnd(fd: fd, size: size, delimiter: options.delimiter, file: display) : 0
        while chunks.count > 1, chunks[0].bytes.upperBound < headerEnd {
            chunks[0] = RecordBoundaries.Chunk(bytes: chunks[0].bytes.lowerBound..<chunks[1].bytes.upperBound, firstLine: chunks[0].firstLine)
            chunks.remove(at: 1)
        }
        let ranges = chunks
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
            let sink = ModelledValues(columns: columns, skipsHeader: k == 0 && options.hasHeader)
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

    /// The offset just past the first record (after a byte-order mark and blank lines), as
    /// `RecordScanner` finds it; 0 when there is none (as pass 2 finds it).
    private static func firstRecordEnd(fd: Int32, size: Int, delimiter: UInt8, file: String) throws -> Int {
        let scanner = RecordScanner(delimiter: delimiter)
        var record = RecordScanner.Record()
        var length = min(size, 1 << 16)
        while true {
            var bytes = [UInt8](repeating: 0, count: length)
            var done = 0
            while done < length {
                let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, length - done, off_t(done)) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw CSVError(file: file, kind: .cannotOpen(reason: String(cString: strerror(errno))))
                }
                if got == 0 { throw CSVError(file: file, kind: .inputChanged(.resized(from: size, to: done))) }
                done += got
            }
            let start = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            let isFinal = length == size
            if bytes.withUnsafeBufferPointer({ scanner.next(in: $0, from: start, isFinal: isFinal, into: &record) }) { return record.end }
            if isFinal { return 0 }
            length = min(size, 4 * length)
        }
    }
}

/// The first record's fields (header cells, or the first data row's), then stop.
private final class FirstFields: CSVRecordSink {
    private(set) var fields: [[UInt8]] = []
    private(set) var line = 1
    private(set) var isComplete = false
    var shouldStop: Bool { isComplete }
    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) { if !isComplete { fields.append(Array(bytes)) } }
    func endRecord(line: Int) {
        guard !isComplete else { return }
        self.line = line
        isComplete = true
    }
}

/// A range's modelled values, by libcsv: one row of the model's columns (NaN = missing) per
/// data record, read as pass 2 reads them.
private final class ModelledValues: CSVRecordSink {
    let columns: ModelColumns
    private var skipsHeader: Bool
    private(set) var values: [Double] = []
    private var fieldIndex = 0
    private(set) var error: (any Error)?
    var shouldStop: Bool { error != nil }
    private let modelIndex: [Int]
    private let tokens: MissingTokens
    /// The current record's modelled values.
    private var row: [Double]

    init(columns: ModelColumns, skipsHeader: Bool) {
        self.columns = columns
        self.skipsHeader = skipsHeader
        modelIndex = columns.modelIndex
        row = [Double](repeating: .nan, count: columns.columnNames.count)
        tokens = columns.tokens
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        guard error == nil else { return }
        let j = fieldIndex
        fieldIndex += 1
        guard !skipsHeader, j < modelIndex.count else { return }
        let k = modelIndex[j]
        guard k >= 0 else { return }
        let cell = bytes.trimmingSpaces()
        if tokens.matches(cell) { row[k] = .nan; return }
        if case .success(let v) = DecimalParser.parse(cell) { row[k] = v; return }
        do {
            _ = try columns.value(of: bytes, model: k, column: j, line: line)
        } catch {
            self.error = error
        }
    }

    func endRecord(line: Int) {
        guard error == nil else { return }
        defer { fieldIndex = 0 }
        if skipsHeader { skipsHeader = false; return }
        guard fieldIndex == columns.columnCount else {
            error = CSVError(file: columns.file, line: line, kind: .raggedRow(expected: columns.columnCount, found: fieldIndex))
            return
        }
        values.append(contentsOf: row)
        for k in row.indices { row[k] = .nan }
    }
}
