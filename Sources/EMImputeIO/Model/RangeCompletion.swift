import EMImputeCore
import Foundation

/// Pass 2 over a regular file on several threads, in file order: the file is split into byte
/// ranges at record boundaries (`RecordBoundaries`, which depend on the file alone); each range
/// is parsed by its own libcsv parser, its records found in its bytes by `RecordScanner`, and
/// completed into a buffer per output stream; the buffers are written, and the completed rows
/// handed to each stream's consumers, in range order (`OrderedFold`). Rows are numbered as a
/// sequential read numbers them (`RowOffsets`), so every output, row index and consumer state
/// is the same for any number of threads.
///
/// The bytes are checked, in order, against what pass 1 read (`InputSnapshot.Verifier`), and
/// each range's bytes as copied against those its parser read.
enum RangeCompletion {
    /// One output of the pass: the completer of each thread, where the completed CSV goes and
    /// who reads the completed rows.
    struct Stream {
        /// Makes a completer for one range (a completer is not shared between threads).
        let makeCompleter: @Sendable () -> RowCompleter
        let output: OutputTarget
        let consumers: [any CompletedRowConsumer]
        /// One imputation of a long-format file (`LongFormat`), or nil.
        var longFormat: LongFormat? = nil
    }

    /// One imputation of a long-format file (multiple imputation to one stream): every record
    /// is prefixed by `label` and the delimiter; the header (prefixed by `imputation`) and a
    /// byte-order mark only when `isFirst`; a final line end is added when the input lacks one.
    struct LongFormat: Sendable {
        /// The value of the leading column (the imputation number).
        var label: String
        /// Whether this is the first imputation written to the stream.
        var isFirst: Bool
    }

    /// What a range produced: per stream, its completed bytes and rows.
    fileprivate struct Part: @unchecked Sendable {
        var input: [UInt8] = []
        var outputs: [[UInt8]] = []
        var rows: [[CompletedRow]] = []
        var rowCount = 0
        var rowsWithImputedCells = 0
        var imputedCells = 0
        var lastLine: (line: Int, text: String)?
        var drawCounts: [RowDrawer.Counts] = []
    }

    /// Completes the regular file `fd` of `size` bytes into `streams`.
    ///
    /// - Throws: as `ModelApplier.apply`.
    static func run(fd: Int32, size: Int, columnNames: [String], options: CSVReadOptions, file: String, streams: [Stream],
                    snapshot: InputSnapshot?, threads: Int, chunkSize: Int = RecordBoundaries.defaultChunkSize) throws -> ModelApplier.Summary {
        // The columns first, from the first record, so that every range knows them.
        let head = FirstRecord()
        let headReader = try CSVReader(delimiter: options.delimiter, file: file)
        do {
            try headReader.read(fd: fd, range: 0..<size, firstLine: 1, into: head)
        } catch {
            // An error after the first record belongs to the range that holds it.
            if !head.isComplete { throw error }
        }
        guard head.isComplete else { throw CSVError(file: file, kind: .empty) }
        let columns = try ModelColumns(columnNames, firstFields: head.fields, options: options, file: file, line: head.line)

        var chunks = try RecordBoundaries.split(fd: fd, size: size, chunkSize: chunkSize, threads: threads, file: file)
        // The first range holds the whole header, which blank lines may push past the first cut.
        let headerEnd = options.hasHeader ? try firstRecordEnd(fd: fd, size: size, delimiter: options.delimiter, file: file) : 0
        while chunks.count > 1, chunks[0].bytes.upperBound < headerEnd {
            chunks[0] = RecordBoundaries.Chunk(bytes: chunks[0].bytes.lowerBound..<chunks[1].bytes.upperBound, firstLine: chunks[0].firstLine)
            chunks.remove(at: 1)
        }
        let ranges = chunks
        let offsets = RowOffsets(count: chunks.count)
        var summary = ModelApplier.Summary()
        summary.drawCounts = streams.map { _ in RowDrawer.Counts() }
        var verifier = snapshot.map(InputSnapshot.Verifier.init)
        let fold = OrderedFold<Part>(window: 2 * threads) { _, part in
            if verifier != nil {
                if let change = part.input.withUnsafeBytes({ verifier!.update($0) }) {
                    throw CSVError(file: file, kind: .inputChanged(change))
                }
            }
            for (s, stream) in streams.enumerated() {
                try part.outputs[s].withUnsafeBytes { try stream.output.write($0) }
                for row in part.rows[s] { for consumer in stream.consumers { try consumer.consume(row) } }
            }
            summary.rows += part.rowCount
            summary.rowsWithImputedCells += part.rowsWithImputedCells
            summary.imputedCells += part.imputedCells
            for (s, counts) in part.drawCounts.enumerated() {
                summary.drawCounts[s].redrawn += counts.redrawn
                summary.drawCounts[s].setToBound += counts.setToBound
            }
            if let last = part.lastLine { summary.warnings.append(.missingFinalLineEnd(line: last.line, text: last.text)) }
        }
        let shared = Unchecked(fold: fold, streams: streams)
        try WorkerPool.run(count: ranges.count, threads: threads) { k in
            let fold = shared.fold, streams = shared.streams
            fold.waitForTurn(k)
            if fold.hasFailed { offsets.publish(k, rows: nil); fold.deliver(k, nil); return }
            do {
                let part = try complete(ranges[k], isFirst: k == 0, isLast: k == ranges.count - 1, fd: fd, size: size, columns: columns,
                                        options: options, file: file, streams: streams, offsets: offsets, k: k)
                fold.deliver(k, .success(part))
            } catch {
                offsets.publish(k, rows: nil)
                fold.deliver(k, .failure(error))
            }
        }
        _ = try fold.result()
        if let change = verifier?.finish() { throw CSVError(file: file, kind: .inputChanged(change)) }
        return summary
    }

    /// Parses and completes one range.
    private static func complete(_ chunk: RecordBoundaries.Chunk, isFirst: Bool, isLast: Bool, fd: Int32, size: Int, columns: ModelColumns,
                                 options: CSVReadOptions, file: String, streams: [Stream], offsets: RowOffsets, k: Int) throws -> Part {
        // The bytes to copy (a file cut short is a change, whatever the parser would say of it).
        var part = Part()
        part.input = try readBytes(fd: fd, range: chunk.bytes, size: size, file: file)
        // The values, by libcsv, which reads the range again: the bytes must be the same.
        let sink = RangeValues(columns: columns, skipsHeader: isFirst && options.hasHeader)
        let reader = try CSVReader(delimiter: options.delimiter, file: file)
        do {
            try reader.read(fd: fd, range: chunk.bytes, firstLine: chunk.firstLine, into: sink)
        } catch {
            throw sink.error ?? error
        }
        if let error = sink.error { throw error }
        var check = StreamingChecksum()
        part.input.withUnsafeBytes { check.update($0) }
        if check.value != reader.checksum.value || part.input.count != reader.bytesRead {
            throw CSVError(file: file, kind: .inputChanged(.rewritten))
        }
        if isLast { part.lastLine = reader.unterminatedLastLine }
        let rowCount = sink.lines.count
        offsets.publish(k, rows: rowCount)
        guard let firstRow = offsets.offset(of: k) else { return part }  // an earlier range failed: skipped

        let p = columns.columnNames.count
        let scanner = RecordScanner(delimiter: options.delimiter)
        let writers = streams.map { CompletedRecordWriter(columns: columns, completer: $0.makeCompleter(), delimiter: options.delimiter) }
        part.outputs = streams.map { _ in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(chunk.bytes.count + chunk.bytes.count / 4)
            return buffer
        }
        // Rows are kept for the consumers only.
        let keepsRows = streams.map { !$0.consumers.isEmpty }
        part.rows = streams.map { stream in
            var rows: [CompletedRow] = []
            rows.reserveCapacity(stream.consumers.isEmpty ? 0 : rowCount)
            return rows
        }
        part.rowCount = rowCount
        let delimiter = String(decoding: [options.delimiter], as: UTF8.self)
        let labels = streams.map { $0.longFormat.map { Array(($0.label + delimiter).utf8) } }
        try part.input.withUnsafeBufferPointer { bytes in
            var record = RecordScanner.Record()
            var position = 0
            if isFirst, FieldBytes.byteOrderMarkLength(bytes) > 0 {
                // A byte-order mark is copied as is and never taken as part of a field; a long
                // file has it once.
                position = FieldBytes.byteOrderMark.count
                for (s, stream) in streams.enumerated() where stream.longFormat?.isFirst != false {
                    part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<position]))
                }
            }
            if isFirst, options.hasHeader {
                guard scanner.next(in: bytes, from: position, isFinal: true, into: &record) else {
                    throw CSVInconsistency(description: "line \(chunk.firstLine): no header record while writing")
                }
                guard record.fieldCount == columns.columnCount else {
                    throw CSVInconsistency(description: "line \(chunk.firstLine): \(record.fieldCount) fields while writing, \(columns.columnCount) while reading")
                }
                for (s, stream) in streams.enumerated() {
                    part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<record.start]))
                    guard let longFormat = stream.longFormat else {
                        part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[record.start..<record.end]))
                        continue
                    }
                    // A long file has one header, with the leading column's.
                    if longFormat.isFirst {
                        part.outputs[s].append(contentsOf: ("imputation" + delimiter).utf8)
                        part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[record.start..<record.end]))
                    }
                }
                position = record.end
            }
            var values = [Double](repeating: .nan, count: p)
            for r in 0..<rowCount {
                guard scanner.next(in: bytes, from: position, isFinal: true, into: &record) else {
                    throw CSVInconsistency(description: "line \(sink.lines[r]): fewer records while writing than while reading")
                }
                for c in 0..<p { values[c] = sink.values[r * p + c] }
                var imputedCount = 0
                for s in streams.indices {
                    var from = position
                    if let label = labels[s] {
                        part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<record.start]))
                        part.outputs[s].append(contentsOf: label)
                        from = record.start
                    }
                    let row = try writers[s].write(values, index: firstRow + r, line: sink.lines[r], bytes: bytes, from: from,
                                                  record: record, into: &part.outputs[s])
                    imputedCount = row.imputed.count
                    if keepsRows[s] { part.rows[s].append(row) }
                }
                if imputedCount > 0 {
                    part.rowsWithImputedCells += 1
                    part.imputedCells += imputedCount
                }
                position = record.end
            }
            if scanner.next(in: bytes, from: position, isFinal: true, into: &record) {
                throw CSVInconsistency(description: "line \(chunk.firstLine): more records while writing than while reading")
            }
            // Whatever follows the last record (blank lines).
            for s in streams.indices { part.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position...])) }
            // The next imputation of a long file starts on a line of its own.
            if isLast, let last = bytes.last, last != 0x0A, last != 0x0D {
                for (s, label) in labels.enumerated() where label != nil { part.outputs[s].append(0x0A) }
            }
        }
        part.drawCounts = writers.map(\.completer.drawCounts)
        return part
    }

    /// The offset just past the first record (after a byte-order mark and blank lines), as
    /// `RecordScanner` finds it; 0 when there is none.
    private static func firstRecordEnd(fd: Int32, size: Int, delimiter: UInt8, file: String) throws -> Int {
        let scanner = RecordScanner(delimiter: delimiter)
        var record = RecordScanner.Record()
        var length = min(size, 1 << 16)
        while true {
            let bytes = try readBytes(fd: fd, range: 0..<length, size: size, file: file)
            let start = FieldBytes.byteOrderMarkLength(bytes)
            let isFinal = length == size
            if bytes.withUnsafeBufferPointer({ scanner.next(in: $0, from: start, isFinal: isFinal, into: &record) }) { return record.end }
            if isFinal { return 0 }
            length = min(size, 4 * length)
        }
    }

    /// The bytes `range` of `fd`.
    private static func readBytes(fd: Int32, range: Range<Int>, size: Int, file: String) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < range.count {
                let got = pread(fd, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw CSVError(file: file, kind: .cannotOpen(reason: String(cString: strerror(errno))))
                }
                if got == 0 { break }
                done += got
            }
        }
        if done < range.count { throw CSVError(file: file, kind: .inputChanged(.resized(from: size, to: range.lowerBound + done))) }
        return bytes
    }
}

/// What the worker closure shares: the fold (thread-safe) and the streams, whose completers
/// each thread makes for itself and whose outputs and consumers only the folding thread uses.
private struct Unchecked: @unchecked Sendable {
    let fold: OrderedFold<RangeCompletion.Part>
    let streams: [RangeCompletion.Stream]
}

/// The first record's fields (header cells, or the first data row's), then stop.
private final class FirstRecord: CSVRecordSink {
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
/// data record, and the line each record ends on.
private final class RangeValues: CSVRecordSink {
    let columns: ModelColumns
    private var skipsHeader: Bool
    private(set) var values: [Double] = []
    private(set) var lines: [Int] = []
    private var fieldIndex = 0
    private(set) var error: (any Error)?
    var shouldStop: Bool { error != nil }
    /// `columns.modelIndex`, read once per field without reference counting.
    private let modelIndex: UnsafeMutableBufferPointer<Int>
    private let tokens: MissingTokens
    /// The current record's modelled values.
    private let row: UnsafeMutableBufferPointer<Double>

    init(columns: ModelColumns, skipsHeader: Bool) {
        self.columns = columns
        self.skipsHeader = skipsHeader
        modelIndex = .allocate(capacity: columns.modelIndex.count)
        _ = modelIndex.initialize(from: columns.modelIndex)
        row = .allocate(capacity: max(1, columns.columnNames.count))
        row.initialize(repeating: .nan)
        tokens = columns.tokens
    }

    deinit {
        modelIndex.deallocate()
        row.deallocate()
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
        row.update(repeating: .nan)
        lines.append(line)
    }
}
