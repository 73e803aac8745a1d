import EMImputeCore
import Foundation

/// Pass 2 over a regular file on several threads, in file order: the file is split into byte
/// ranges at record boundaries (`RecordBoundaries`, which depend on the file alone); each range
/// is read once into memory, its records split — by `QuoteFreeScanner`, pass 1's splitter, when
/// the range holds no quote byte, else by libcsv with `RecordScanner` finding the same records
/// in the bytes — and completed into a buffer per output stream; the buffers are written, and
/// the completed rows handed to each stream's consumers a batch per range, in range order
/// (`OrderedFold`). Rows are numbered as a sequential read numbers them (`RowOffsets`), so every
/// output, row index and consumer state is the same for any number of threads.
///
/// The bytes are checked, in order, against what pass 1 read (`InputSnapshot.Verifier`).
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

    /// What a range produced: its workspace (per stream, its completed bytes and rows) and counts.
    fileprivate struct Part: @unchecked Sendable {
        var workspace: RangeWorkspace
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
        let layout = try ModelledRanges(fd: fd, size: size, columnNames: columnNames, options: options, file: file,
                                        chunkSize: chunkSize, threads: threads, whenEmpty: .empty)
        let columns = layout.columns, ranges = layout.chunks
        let offsets = RowOffsets(count: ranges.count)
        var summary = ModelApplier.Summary()
        summary.drawCounts = streams.map { _ in RowDrawer.Counts() }
        var verifier = snapshot.map(InputSnapshot.Verifier.init)
        let pool = RangeWorkspace.Pool()
        let fold = OrderedFold<Part>(window: 2 * threads) { _, part in
            let workspace = part.workspace
            if verifier != nil {
                if let change = verifier!.update(UnsafeRawBufferPointer(workspace.bytes)) {
                    throw CSVError(file: file, kind: .inputChanged(change))
                }
            }
            for (s, stream) in streams.enumerated() {
                try workspace.outputs[s].withUnsafeBytes { try stream.output.write($0) }
                for consumer in stream.consumers { try consumer.consumeRows(of: workspace.batches[s]) }
            }
            pool.give(workspace)
            summary.rows += part.rowCount
            summary.rowsWithImputedCells += part.rowsWithImputedCells
            summary.imputedCells += part.imputedCells
            for (s, counts) in part.drawCounts.enumerated() {
                summary.drawCounts[s].redrawn += counts.redrawn
                summary.drawCounts[s].setToBound += counts.setToBound
            }
            if let last = part.lastLine { summary.warnings.append(.missingFinalLineEnd(line: last.line, text: last.text)) }
        }
        let shared = Unchecked(fold: fold, streams: streams, pool: pool)
        try WorkerPool.run(count: ranges.count, threads: threads) { k in
            let fold = shared.fold, streams = shared.streams
            fold.waitForTurn(k)
            if fold.hasFailed { offsets.publish(k, rows: nil); fold.deliver(k, nil); return }
            do {
                let part = try complete(ranges[k], isFirst: k == 0, isLast: k == ranges.count - 1, fd: fd, size: size, columns: columns,
                                        options: options, file: file, streams: streams, offsets: offsets, k: k,
                                        workspace: shared.pool.take())
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

    /// Reads, splits and completes one range.
    private static func complete(_ chunk: RecordBoundaries.Chunk, isFirst: Bool, isLast: Bool, fd: Int32, size: Int, columns: ModelColumns,
                                 options: CSVReadOptions, file: String, streams: [Stream], offsets: RowOffsets, k: Int,
                                 workspace: RangeWorkspace) throws -> Part {
        // The bytes, read once (a file cut short is a change, whatever a parser would say of it).
        var part = Part(workspace: workspace)
        workspace.reset(streams: streams.count)
        workspace.reserveInput(chunk.bytes.count)
        try ModelledRanges.readBytes(fd: fd, range: chunk.bytes, size: size, file: file, into: workspace.input)
        let bytes = workspace.bytes
        let delimiter = String(decoding: [options.delimiter], as: UTF8.self)
        let labels = streams.map { $0.longFormat.map { Array(($0.label + delimiter).utf8) } }
        let scanner = RecordScanner(delimiter: options.delimiter)
        var record = RecordScanner.Record()

        // Before the data: a byte-order mark and the header, copied (or not) as they are.
        var position = 0
        var line = chunk.firstLine
        if isFirst, FieldBytes.byteOrderMarkLength(bytes) > 0 {
            // A byte-order mark is copied as is and never taken as part of a field; a long
            // file has it once.
            position = FieldBytes.byteOrderMark.count
            for (s, stream) in streams.enumerated() where stream.longFormat?.isFirst != false {
                workspace.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<position]))
            }
        }
        // The data records, by the quote-free scanner when the range has no quote byte.
        let isQuoteFree = memchr(bytes.baseAddress! + position, Int32(FieldBytes.quote), bytes.count - position) == nil
        var header: (start: Int, end: Int)?
        if isFirst, options.hasHeader {
            guard scanner.next(in: bytes, from: position, isFinal: true, into: &record) else {
                throw CSVInconsistency(description: "line \(chunk.firstLine): no header record while writing")
            }
            guard record.fieldCount == columns.columnCount else {
                throw CSVInconsistency(description: "line \(chunk.firstLine): \(record.fieldCount) fields while writing, \(columns.columnCount) while reading")
            }
            header = (record.start, record.end)
        }
        if isQuoteFree {
            let dataStart = header?.end ?? position
            for b in UnsafeBufferPointer(rebasing: bytes[0..<dataStart]) where b == 0x0A { line += 1 }
            let reader = RangeRecords.QuoteFreeReader(base: bytes.baseAddress!, lower: dataStart, upper: bytes.count, columns: columns,
                                                      delimiter: options.delimiter, keepsStarts: labels.contains { $0 != nil },
                                                      records: workspace.records)
            _ = QuoteFreeScanner(delimiter: options.delimiter).scan(UnsafeBufferPointer(rebasing: bytes[dataStart...]), isFinal: true,
                                                                    line: &line, into: reader)
            if let error = reader.error { throw error }
            workspace.records = reader.takeRecords()
            if isLast {
                var ending = InputEnding()
                ending.update(UnsafeRawBufferPointer(bytes))
                part.lastLine = ending.unterminatedLastLine(line: line)
            }
        } else {
            let (records, lastLine) = try libcsvRecords(chunk, bytes: bytes, from: header?.end ?? position, fd: fd, columns: columns,
                                                        options: options, file: file, skipsHeader: isFirst && options.hasHeader,
                                                        keepsStarts: labels.contains { $0 != nil },
                                                        records: workspace.records)
            workspace.records = records
            if isLast { part.lastLine = lastLine }
        }
        let rowCount = workspace.records.count
        offsets.publish(k, rows: rowCount)
        guard let firstRow = offsets.offset(of: k) else { return part }  // an earlier range failed: skipped
        part.rowCount = rowCount

        // The header: a long file has one, with the leading column's.
        if let header {
            for (s, stream) in streams.enumerated() {
                workspace.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<header.start]))
                guard let longFormat = stream.longFormat else {
                    workspace.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[header.start..<header.end]))
                    continue
                }
                if longFormat.isFirst {
                    workspace.outputs[s].append(contentsOf: ("imputation" + delimiter).utf8)
                    workspace.outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[header.start..<header.end]))
                }
            }
            position = header.end
        }
        try write(workspace, bytes: bytes, from: position, firstRow: firstRow, columns: columns, options: options, streams: streams,
                  labels: labels, part: &part)
        // The next imputation of a long file starts on a line of its own.
        if isLast, let last = bytes.last, last != 0x0A, last != 0x0D {
            for (s, label) in labels.enumerated() where label != nil { workspace.outputs[s].append(0x0A) }
        }
        return part
    }

    /// Completes the records of `workspace` (bytes from `position` on) into each stream's
    /// output and batch: the bytes copied, each missing modelled cell's field replaced by its
    /// imputed number.
    private static func write(_ workspace: RangeWorkspace, bytes: UnsafeBufferPointer<UInt8>, from position: Int, firstRow: Int,
                              columns: ModelColumns, options: CSVReadOptions, streams: [Stream], labels: [[UInt8]?],
                              part: inout Part) throws {
        let p = columns.columnNames.count
        let rowCount = workspace.records.count
        let completers = streams.map { $0.makeCompleter() }
        // Whether imputed numbers can be written as they are: no numeric-looking missing code
        // to spell apart from, and a delimiter that cannot occur in a number.
        let plainNumbers = !Array("0123456789.eE+-\"".utf8).contains(options.delimiter) && !columns.tokens.includesNumber
        let keepsRows = streams.map { !$0.consumers.isEmpty }
        let inPlace = streams.count == 1
        var outputs = workspace.outputs
        var batches = workspace.batches
        workspace.outputs = []
        workspace.batches = []
        var records = workspace.records
        workspace.records = RangeRecords()
        defer {
            workspace.outputs = outputs
            workspace.batches = batches
            workspace.records = records
        }
        for s in streams.indices {
            outputs[s].reserveCapacity(bytes.count + bytes.count / 4)
            guard keepsRows[s] else { continue }
            batches[s].firstIndex = firstRow
            batches[s].count = rowCount
            batches[s].columnCount = p
            batches[s].imputedStarts.reserveCapacity(rowCount + 1)
            if !inPlace { batches[s].values.reserveCapacity(rowCount * p) }
        }
        let scratch = workspace.reserveRow(p)
        var copied = [Int](repeating: position, count: streams.count)
        var cells: [ImputedCell] = []
        var missingIndex = 0
        let missing = records.missing, starts = records.starts
        try records.values.withUnsafeMutableBufferPointer { values in
            for r in 0..<rowCount {
                let original = values.baseAddress! + r * p
                var imputedCount = 0
                for s in streams.indices {
                    if let label = labels[s] {
                        let start = starts[r]
                        outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied[s]..<start]))
                        outputs[s].append(contentsOf: label)
                        copied[s] = start
                    }
                    let row: UnsafeMutablePointer<Double>
                    if inPlace {
                        row = original
                    } else {
                        row = scratch
                        row.update(from: original, count: p)
                    }
                    if keepsRows[s] {
                        imputedCount = try completers[s].complete(row: row, count: p, index: firstRow + r, into: &batches[s].imputed)
                        batches[s].imputedStarts.append(batches[s].imputed.count)
                        if !inPlace { batches[s].values.append(contentsOf: UnsafeBufferPointer(start: row, count: p)) }
                    } else {
                        cells.removeAll(keepingCapacity: true)
                        imputedCount = try completers[s].complete(row: row, count: p, index: firstRow + r, into: &cells)
                    }
                    for a in missingIndex..<(missingIndex + imputedCount) {
                        let field = missing[a]
                        outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied[s]..<field.start]))
                        if plainNumbers {
                            ShortestDecimal.append(row[field.column], to: &outputs[s])
                        } else {
                            let number = ShortestDecimal.format(row[field.column])
                            outputs[s].append(contentsOf: CSVField.escaped(columns.tokens.spelledApart(number), delimiter: options.delimiter).utf8)
                        }
                        copied[s] = field.end
                    }
                }
                missingIndex += imputedCount
                if imputedCount > 0 {
                    part.rowsWithImputedCells += 1
                    part.imputedCells += imputedCount
                }
            }
        }
        // Whatever follows the last record (blank lines).
        for s in streams.indices {
            outputs[s].append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied[s]...]))
            if inPlace, keepsRows[s] { swap(&batches[s].values, &records.values) }
        }
        part.drawCounts = completers.map(\.drawCounts)
    }

    /// The records of a range that holds a quote byte: the values by libcsv (which reads the
    /// range from the file again: the bytes must be the same), the spans by `RecordScanner`
    /// in `bytes` from `position` (after a byte-order mark and a header); and, for the last
    /// range, its unterminated last line.
    private static func libcsvRecords(_ chunk: RecordBoundaries.Chunk, bytes: UnsafeBufferPointer<UInt8>, from position: Int, fd: Int32,
                                      columns: ModelColumns, options: CSVReadOptions, file: String, skipsHeader: Bool,
                                      keepsStarts: Bool, records: RangeRecords) throws -> (RangeRecords, (line: Int, text: String)?) {
        let sink = RangeValues(columns: columns, skipsHeader: skipsHeader)
        let reader = try CSVReader(delimiter: options.delimiter, file: file)
        do {
            try reader.read(fd: fd, range: chunk.bytes, firstLine: chunk.firstLine, into: sink)
        } catch {
            throw sink.error ?? error
        }
        if let error = sink.error { throw error }
        var check = StreamingChecksum()
        check.update(UnsafeRawBufferPointer(bytes))
        if check.value != reader.checksum.value || bytes.count != reader.bytesRead {
            throw CSVError(file: file, kind: .inputChanged(.rewritten))
        }
        var records = records
        records.removeAll()
        let p = columns.columnNames.count
        let scanner = RecordScanner(delimiter: options.delimiter)
        var record = RecordScanner.Record()
        var position = position
        records.values = sink.values
        records.count = sink.lines.count
        for r in 0..<records.count {
            guard scanner.next(in: bytes, from: position, isFinal: true, into: &record) else {
                throw CSVInconsistency(description: "line \(sink.lines[r]): fewer records while writing than while reading")
            }
            guard record.fieldCount == columns.columnCount else {
                throw CSVInconsistency(description: "line \(sink.lines[r]): \(record.fieldCount) fields while writing, \(columns.columnCount) while reading")
            }
            if keepsStarts { records.starts.append(record.start) }
            for (k, j) in columns.replacements where records.values[r * p + k].isNaN {
                records.missing.append(RangeRecords.MissingField(start: record.fieldStart[j], end: record.fieldEnd[j], column: k))
            }
            position = record.end
        }
        if scanner.next(in: bytes, from: position, isFinal: true, into: &record) {
            throw CSVInconsistency(description: "line \(chunk.firstLine): more records while writing than while reading")
        }
        return (records, reader.unterminatedLastLine)
    }
}

/// What the worker closure shares: the fold (thread-safe) and the streams, whose completers
/// each thread makes for itself and whose outputs and consumers only the folding thread uses.
private struct Unchecked: @unchecked Sendable {
    let fold: OrderedFold<RangeCompletion.Part>
    let streams: [RangeCompletion.Stream]
    let pool: RangeWorkspace.Pool
}
