import Foundation

/// How a pass after pass 1 reads a regular file: the model's columns, found in the file's
/// first record, and the byte ranges (cut at record boundaries, the first one holding the
/// whole header) that its threads parse — one rule for pass 2 (`RangeCompletion`) and the
/// bootstrap pass of multiple imputation (`BootstrapPass`).
struct ModelledRanges {
    /// The model's columns in the file.
    let columns: ModelColumns
    /// The ranges, in file order.
    let chunks: [RecordBoundaries.Chunk]

    /// Finds the columns and cuts the ranges of the regular file `fd` of `size` bytes.
    ///
    /// - Parameter whenEmpty: the error when the file has no first record.
    /// - Throws: `CSVError` (`whenEmpty`, a read failure, columns that do not match).
    init(fd: Int32, size: Int, columnNames: [String], options: CSVReadOptions, file: String, chunkSize: Int, threads: Int,
         whenEmpty: CSVError.Kind) throws {
        // The columns first, from the first record, so that every range knows them.
        let head = FirstRecord()
        let headReader = try CSVReader(delimiter: options.delimiter, file: file)
        do {
            try headReader.read(fd: fd, range: 0..<size, firstLine: 1, into: head)
        } catch {
            // An error after the first record belongs to the range that holds it.
            if !head.isComplete { throw error }
        }
        guard head.isComplete else { throw CSVError(file: file, kind: whenEmpty) }
        columns = try ModelColumns(columnNames, firstFields: head.fields, options: options, file: file, line: head.line)

        var chunks = try RecordBoundaries.split(fd: fd, size: size, chunkSize: chunkSize, threads: threads, file: file)
        // The first range holds the whole header, which blank lines may push past the first cut.
        let headerEnd = options.hasHeader ? try Self.firstRecordEnd(fd: fd, size: size, delimiter: options.delimiter, file: file) : 0
        while chunks.count > 1, chunks[0].bytes.upperBound < headerEnd {
            chunks[0] = RecordBoundaries.Chunk(bytes: chunks[0].bytes.lowerBound..<chunks[1].bytes.upperBound, firstLine: chunks[0].firstLine)
            chunks.remove(at: 1)
        }
        self.chunks = chunks
    }

    /// Reads the bytes `range` of `fd` into `buffer`; a file cut short is a change of the input.
    static func readBytes(fd: Int32, range: Range<Int>, size: Int, file: String, into buffer: UnsafeMutablePointer<UInt8>) throws {
        let done: Int
        do {
            done = try FileDescriptorIO.readFully(fd, into: buffer, count: range.count, at: range.lowerBound)
        } catch {
            throw CSVError(file: file, kind: .cannotOpen(reason: error.reason))
        }
        if done < range.count { throw CSVError(file: file, kind: .inputChanged(.resized(from: size, to: range.lowerBound + done))) }
    }

    /// The offset just past the first record (after a byte-order mark and blank lines), as
    /// `RecordScanner` finds it; 0 when there is none.
    private static func firstRecordEnd(fd: Int32, size: Int, delimiter: UInt8, file: String) throws -> Int {
        let scanner = RecordScanner(delimiter: delimiter)
        var record = RecordScanner.Record()
        var length = min(size, 1 << 16)
        while true {
            var bytes = [UInt8](repeating: 0, count: length)
            try bytes.withUnsafeMutableBufferPointer { try readBytes(fd: fd, range: 0..<length, size: size, file: file, into: $0.baseAddress!) }
            let start = FieldBytes.byteOrderMarkLength(bytes)
            let isFinal = length == size
            if bytes.withUnsafeBufferPointer({ scanner.next(in: $0, from: start, isFinal: isFinal, into: &record) }) { return record.end }
            if isFinal { return 0 }
            length = min(size, 4 * length)
        }
    }
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
