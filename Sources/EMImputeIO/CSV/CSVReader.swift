import Foundation
private import CLibCSV

/// Receives the fields and record ends of a CSV stream, as libcsv finds them.
protocol CSVRecordSink: AnyObject {
    /// A field's bytes (quotes removed, unquoted surrounding spaces trimmed); `line` is the
    /// physical line on which the field ends.
    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int)
    /// The end of a record whose last field ends on `line`.
    func endRecord(line: Int)
    /// Set by the sink to stop reading (after it has recorded an error).
    var shouldStop: Bool { get }
}

/// Where CSV bytes come from: a file, or standard input spooled to a temporary file so that
/// the writer can read the input a second time.
public struct CSVInput: Sendable {
    /// The path as the user gave it (`-` for standard input).
    public let name: String
    /// The file to read (for standard input, the spool file once reading has finished).
    public let path: String
    /// Whether `path` is a spool file to delete when done.
    public let isSpooled: Bool

    /// Standard input is `-`.
    public var isStandardInput: Bool { name == "-" }
    /// The name to show in messages.
    public var displayName: String { isStandardInput ? "<stdin>" : name }

    /// Deletes the spool file of standard input (nothing for a named file).
    public func removeSpool() {
        guard isSpooled else { return }
        unlink(path)
        InterruptCleanup.unregister(path)
    }
}

/// A streaming RFC 4180 reader over libcsv in strict mode.
///
/// The input is fed to libcsv one physical line at a time, so every callback knows the line
/// it is on; callbacks reach Swift through the context pointer (`Unmanaged`) in closures
/// that capture nothing.
final class CSVReader {
    private var parser = csv_parser()
    private let delimiter: UInt8
    private let file: String
    @exclusivity(unchecked) private var line = 1
    // The caller holds the sink for the whole of `read`; no reference counting per field.
    private unowned(unsafe) var sink: (any CSVRecordSink)?
    private var onSegment: ((UnsafeRawBufferPointer) throws -> Void)?
    /// Total bytes read.
    private(set) var bytesRead = 0
    /// The checksum of every byte read (a byte-order mark included).
    private(set) var checksum = StreamingChecksum()
    /// The end of the input as read so far: whether its last byte ends a line, and the start
    /// of its last line.
    private var ending = InputEnding()

    init(delimiter: UInt8, file: String) throws {
        self.delimiter = delimiter
        self.file = file
        guard csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0 else {
            throw CSVError(file: file, kind: .tooLarge)
        }
        csv_set_delim(&parser, delimiter)
        // Spaces around unquoted fields are trimmed; a tab only when it is not the delimiter.
        // (libcsv's own rule for every other delimiter is `FieldBytes.isSpace` too.)
        if delimiter == UInt8(ascii: "\t") {
            csv_set_space_func(&parser) { c in FieldBytes(delimiter: UInt8(ascii: "\t")).isSpace(c) ? 1 : 0 }
        }
    }

    deinit { csv_free(&parser) }

    /// Reads `fd` to its end, feeding `sink`; copies every byte to `spool` if given.
    /// `progress` is told the bytes read so far, about every 64 MiB.
    /// `onSegment` sees every byte exactly as read (a byte-order mark included), right after
    /// libcsv has consumed it, so a caller can keep the raw text of the records it was given.
    /// `prefix`, when not empty, is read before the input as if it began it (a header given
    /// apart from the data), without counting as bytes read.
    func read(fd: Int32, into sink: any CSVRecordSink, spool: Int32? = nil, progress: ((Int) -> Void)? = nil,
              onSegment: ((UnsafeRawBufferPointer) throws -> Void)? = nil, prefix: [UInt8] = []) throws {
        self.onSegment = onSegment
        self.sink = sink
        let chunkSize = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        // The first bytes are held back until three are known, so a byte-order mark is found
        // even when a pipe delivers it a byte at a time.
        var head: [UInt8]? = prefix
        var nextProgress = 64 << 20
        while !sink.shouldStop {
            let got: Int
            do {
                got = try FileDescriptorIO.read(fd, into: buffer, count: chunkSize)
            } catch {
                throw CSVError(file: file, kind: .cannotOpen(reason: error.reason))
            }
            if got == 0 { break }
            if let spool { try Self.spool(spool, buffer, got, file: file) }
            bytesRead += got
            if bytesRead >= nextProgress { progress?(bytesRead); nextProgress += 64 << 20 }
            let bytes = UnsafeRawBufferPointer(start: buffer, count: got)
            checksum.update(bytes)
            ending.update(bytes)
            if head != nil {
                head!.append(contentsOf: bytes)
                if head!.count < 3 { continue }
                try feedStart(head!)
                head = nil
                continue
            }
            try feedLines(bytes)
        }
        if let head, !sink.shouldStop { try feedStart(head) }
        if sink.shouldStop { return }
        let context = Unmanaged.passUnretained(self).toOpaque()
        if csv_fini(&parser, CSVReader.onField, CSVReader.onRecord, context) != 0 || csv_error(&parser) != 0 {
            throw error(for: csv_error(&parser), atEnd: true)
        }
    }

    /// Reads the bytes `range` of the regular file `fd` (with `pread`, so several readers can
    /// share one descriptor), feeding `sink`, and ends the input there. `range` must begin at
    /// the start of a record (0, or just after a line end outside quotes); lines are numbered
    /// from `firstLine`. A range that begins at 0 skips a byte-order mark.
    ///
    /// Blocks are split by `QuoteFreeScanner` until the first block that holds a quote byte
    /// (or a record longer than a block); from that record on, libcsv reads the rest. The
    /// fields and records are libcsv's either way.
    /// - Parameters:
    ///   - blockSize: bytes read at a time (tests use tiny ones).
    ///   - scansQuoteFree: false reads everything with libcsv (tests compare the two).
    func read<Sink: CSVRecordSink>(fd: Int32, range: Range<Int>, firstLine: Int, into sink: Sink,
                                   blockSize: Int = 1 << 20, scansQuoteFree: Bool = true) throws {
        self.sink = sink
        line = firstLine
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize + QuoteFreeScanner.padding)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: blockSize + QuoteFreeScanner.padding)
        let scanner = QuoteFreeScanner(delimiter: delimiter)
        var isScanning = scansQuoteFree
        // The start of an unfinished record, kept at the buffer's start while scanning.
        var carried = 0
        var offset = range.lowerBound
        while offset < range.upperBound, !sink.shouldStop {
            let got: Int
            do {
                got = try FileDescriptorIO.read(fd, into: buffer + carried, count: min(blockSize - carried, range.upperBound - offset), at: offset)
            } catch {
                throw CSVError(file: file, kind: .cannotOpen(reason: error.reason))
            }
            // The file shrank under us: what is missing is reported by the caller's size check.
            if got == 0 { break }
            let fresh = UnsafeRawBufferPointer(start: buffer + carried, count: got)
            bytesRead += got
            checksum.update(fresh)
            ending.update(fresh)
            // A byte-order mark is not part of the first column's name.
            let skipped = offset == 0 ? FieldBytes.byteOrderMarkLength(fresh) : 0
            offset += got
            let available = carried + got
            if isScanning, memchr(fresh.baseAddress! + skipped, Int32(FieldBytes.quote), got - skipped) == nil {
                let bytes = UnsafeBufferPointer(start: buffer + skipped, count: available - skipped)
                let used = skipped + scanner.scan(bytes, isFinal: false, line: &line, into: sink)
                carried = available - used
                if carried > 0 { (buffer).update(from: buffer + used, count: carried) }
                // A record longer than a block: libcsv reads on from its start.
                if carried == blockSize {
                    isScanning = false
                    try feedLines(UnsafeRawBufferPointer(start: buffer, count: carried))
                    carried = 0
                }
                continue
            }
            // libcsv from here on, from the unfinished record's start (a record start: libcsv's state).
            isScanning = false
            try feedLines(UnsafeRawBufferPointer(start: buffer + skipped, count: available - skipped))
            carried = 0
        }
        if sink.shouldStop { return }
        if isScanning {
            _ = scanner.scan(UnsafeBufferPointer(start: buffer, count: carried), isFinal: true, line: &line, into: sink)
            return
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        if csv_fini(&parser, CSVReader.onField, CSVReader.onRecord, context) != 0 || csv_error(&parser) != 0 {
            throw error(for: csv_error(&parser), atEnd: true)
        }
    }

    /// Once the input has been read: its last line, when the input does not end with a line
    /// end (and that line is not blank), as `(line number, text shown with PrintableText)`.
    var unterminatedLastLine: (line: Int, text: String)? { ending.unterminatedLastLine(line: line) }

    /// The first bytes of the input: a UTF-8 byte-order mark is not part of the first column's name.
    private func feedStart(_ start: [UInt8]) throws {
        try start.withUnsafeBytes { bytes in try feedStart(bytes) }
    }

    private func feedStart(_ bytes: UnsafeRawBufferPointer) throws {
        let mark = FieldBytes.byteOrderMarkLength(bytes)
        if mark > 0 {
            try onSegment?(UnsafeRawBufferPointer(rebasing: bytes[0..<mark]))
            try feedLines(UnsafeRawBufferPointer(rebasing: bytes[mark...]))
        } else {
            try feedLines(bytes)
        }
    }

    private func feedLines(_ bytes: UnsafeRawBufferPointer) throws {
        guard var start = bytes.baseAddress else { return }
        let end = start + bytes.count
        let context = Unmanaged.passUnretained(self).toOpaque()
        // Whether to stop is asked once per chunk: a sink ignores what follows its error.
        guard sink?.shouldStop != true else { return }
        while start < end {
            let newline = memchr(start, 0x0A, end - start)
            let stop = newline.map { UnsafeRawPointer($0) + 1 } ?? end
            let length = stop - start
            if csv_parse(&parser, start, length, CSVReader.onField, CSVReader.onRecord, context) != length {
                throw error(for: csv_error(&parser))
            }
            try onSegment?(UnsafeRawBufferPointer(start: start, count: length))
            if newline != nil { line += 1 }
            start = stop
        }
    }

    /// A parse error inside the input is a quoting mistake; at its end (csv_fini, strict),
    /// a quoted field that was never closed.
    private func error(for code: Int32, atEnd: Bool = false) -> CSVError {
        switch code {
        case Int32(CSV_EPARSE): return CSVError(file: file, line: line, kind: atEnd ? .unterminatedQuote : .malformedQuote)
        case Int32(CSV_ENOMEM), Int32(CSV_ETOOBIG): return CSVError(file: file, line: line, kind: .tooLarge)
        default: return CSVError(file: file, line: line, kind: .unterminatedQuote)
        }
    }

    /// The line on which the current callback's field ends: a newline already consumed in
    /// this segment belongs to the line before.
    private var callbackLine: Int { line }

    private static let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { data, length, context in
        let bytes = UnsafeBufferPointer(start: data?.assumingMemoryBound(to: UInt8.self), count: data == nil ? 0 : length)
        // The reader is alive for the whole of csv_parse: no reference counting per field.
        Unmanaged<CSVReader>.fromOpaque(context!)._withUnsafeGuaranteedRef { reader in
            reader.sink?.field(bytes, line: reader.callbackLine)
        }
    }

    private static let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
        Unmanaged<CSVReader>.fromOpaque(context!)._withUnsafeGuaranteedRef { reader in
            reader.sink?.endRecord(line: reader.callbackLine)
        }
    }

    /// Writes `count` bytes at `p` to the spool file `fd`, through interruptions; a failure is
    /// `.cannotSpool`, naming `file`.
    static func spool(_ fd: Int32, _ p: UnsafeRawPointer, _ count: Int, file: String) throws {
        do {
            try FileDescriptorIO.writeAll(fd, p, count: count)
        } catch {
            throw CSVError(file: file, kind: .cannotSpool(folder: CSVReader.spoolFolder, reason: error.reason))
        }
    }

    /// The folder in which a spool file is made: TMPDIR, or the system's default.
    static var spoolFolder: String { NSTemporaryDirectory() }
}

/// The end of a byte stream as seen so far: whether it ends a line, and the beginning of its
/// last line (a cut-off stream ends inside a line).
struct InputEnding {
    /// Characters of the last line to show.
    static let shownLength = 60
    private(set) var endsWithLineEnd = true
    /// The first bytes of the last line: enough for `shownLength` characters of up to 4 bytes.
    private(set) var lastLineStart: [UInt8] = []
    private(set) var lastLineIsLonger = false
    /// Whether the last line has anything but spaces and tabs (blank lines are skipped).
    private(set) var lastLineHasText = false

    /// The stream's last line, numbered `line`, when the stream does not end with a line end
    /// (and that line is not blank), as `(line, text shown with PrintableText)`.
    func unterminatedLastLine(line: Int) -> (line: Int, text: String)? {
        guard !endsWithLineEnd, lastLineHasText else { return nil }
        let text = lastLineStart.withUnsafeBufferPointer { PrintableText.of($0, limit: Self.shownLength).text }
        return (line, lastLineIsLonger && !text.hasSuffix("…") ? text + "…" : text)
    }

    /// Adds the next bytes of the stream.
    ///
    /// - Complexity: O(bytes after the last line end in `bytes`).
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let last = bytes.last else { return }
        endsWithLineEnd = last == 0x0A || last == 0x0D
        var start = bytes.count
        while start > 0, bytes[start - 1] != 0x0A, bytes[start - 1] != 0x0D { start -= 1 }
        if start > 0 {
            lastLineStart = []
            lastLineIsLonger = false
            lastLineHasText = false
        }
        let piece = bytes[start...]
        if piece.contains(where: { $0 != 0x20 && $0 != 0x09 }) { lastLineHasText = true }
        let room = 4 * Self.shownLength - lastLineStart.count
        lastLineStart += piece.prefix(max(0, room))
        if piece.count > room { lastLineIsLonger = true }
    }
}
