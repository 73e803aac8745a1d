import EMImputeCore
import Foundation

/// Writes the completed CSV: the input's bytes, with each imputed cell's field replaced by
/// its value. Everything else — header, text columns, observed numbers such as `1.50`,
/// quoting, delimiters, line endings, a byte-order mark — is copied byte for byte.
///
/// The input is read a second time and split into fields by a scanner that follows the same
/// strict RFC 4180 rules as the loader; every record is checked against what the loader saw
/// (field count, and that each replaced field is a missing-value code), so a disagreement
/// is an internal error, never silently wrong output. The input must not change between the
/// two reads: its identity, size and modification time are checked before the second read,
/// and the bytes it reads against the checksum of the first (`CSVError.Kind.inputChanged`).
public enum CompletedCSVWriter {
    /// An inconsistency between the loader and the writer: a bug, reported as such.
    public struct Inconsistency: Error, CustomStringConvertible {
        /// What did not match.
        public let description: String

        /// An inconsistency described in words.
        public init(description: String) { self.description = description }
    }

    /// Writes `table`'s input with the missing modelled cells replaced by `imputedValues`
    /// (row-major order of the missing cells of `table.matrix`), formatted by `format`
    /// (given the value and the modelled column's index).
    ///
    /// - Throws: `CSVError` (`.inputChanged` when the input is not the one loaded), an
    ///   `Inconsistency`, or the output's errors. The output is then incomplete: abandon it.
    /// - Complexity: O(bytes of the input).
    public static func write(_ table: LoadedTable, imputedValues: [Double], to output: OutputTarget,
                             format: @escaping (Double, Int) -> String = { v, _ in ShortestDecimal.format(v) }) throws {
        try write(table, imputedValues: imputedValues, to: output, format: format, bufferSize: Scan.bufferSize)
    }

    /// One imputation of a long-format file (multiple imputation to one stream): every record
    /// is prefixed by `label` and the delimiter; the header (prefixed by `imputation`) and a
    /// byte-order mark only when `isFirst`; a final line end is added when the input lacks one.
    public struct LongFormat: Sendable {
        /// The value of the leading column (the imputation number).
        public var label: String
        /// Whether this is the first imputation written to the stream.
        public var isFirst: Bool

        /// A long-format part from its parts.
        public init(label: String, isFirst: Bool) {
            self.label = label
            self.isFirst = isFirst
        }
    }

    /// As `write(_:imputedValues:to:format:)`, as one imputation of a long-format stream.
    public static func write(_ table: LoadedTable, imputedValues: [Double], to output: OutputTarget, longFormat: LongFormat,
                             format: @escaping (Double, Int) -> String = { v, _ in ShortestDecimal.format(v) }) throws {
        try write(table, imputedValues: imputedValues, to: output, format: format, bufferSize: Scan.bufferSize, longFormat: longFormat)
    }

    /// As above, reading through a buffer of `bufferSize` bytes (tests use tiny ones).
    static func write(_ table: LoadedTable, imputedValues: [Double], to output: OutputTarget,
                      format: @escaping (Double, Int) -> String, bufferSize: Int, longFormat: LongFormat? = nil) throws {
        let file = table.input.displayName
        let fd = open(table.input.path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw CSVError(file: file, kind: .inputChanged(.removed)) }
            throw CSVError(file: file, kind: .cannotOpen(reason: "cannot read the input again to write the output: \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        if let change = table.snapshot.change(to: InputSnapshot.FileStatus(fd: fd)) {
            throw CSVError(file: file, kind: .inputChanged(change))
        }
        var scan = Scan(table: table, imputed: imputedValues, output: output, format: format)
        scan.longFormat = longFormat
        scan.buffer = [UInt8](repeating: 0, count: max(1, bufferSize))
        do {
            try scan.run(fd: fd)
        } catch let error as Inconsistency {
            // A changed input explains a disagreement better than a bug does.
            try scan.readToEnd(fd: fd)
            throw error
        }
    }

    /// Streams the input through a fixed buffer (grown only for a record longer than it), so
    /// memory does not depend on the size of the CSV.
    private struct Scan {
        static let bufferSize = 1 << 22
        var buffer: [UInt8] = []  // sized by `write` (a default here would allocate 4 MiB twice)
        var filled = 0
        let table: LoadedTable
        let imputed: [Double]
        let output: OutputTarget
        let format: (Double, Int) -> String
        let scanner: RecordScanner
        let tokens: MissingTokens
        /// For each input column, its index among the modelled columns, or -1.
        let modelledIndex: [Int]
        /// Whether imputed numbers can be written as they are (see `run`).
        let plainNumbers: Bool
        /// Checks the bytes read against what the loader read.
        var verifier: InputSnapshot.Verifier
        var isVerified = false
        var longFormat: LongFormat?
        /// The last byte of the input read so far.
        var lastByte: UInt8?

        init(table: LoadedTable, imputed: [Double], output: OutputTarget, format: @escaping (Double, Int) -> String) {
            self.table = table
            self.imputed = imputed
            self.output = output
            self.format = format
            verifier = InputSnapshot.Verifier(table.snapshot)
            scanner = RecordScanner(delimiter: table.options.delimiter)
            tokens = MissingTokens(table.options.missingTokens)
            plainNumbers = !Array("0123456789.eE+-\"".utf8).contains(table.options.delimiter) && !tokens.includesNumber
            var index = [Int](repeating: -1, count: table.columns.count)
            for (c, j) in table.modelledColumns.enumerated() { index[j] = c }
            modelledIndex = index
        }

        /// Reads more input after keeping `buffer[from..<filled]` at its front; returns the
        /// shift applied to offsets, or nil at the end of the input.
        mutating func refill(keeping from: Int, fd: Int32) throws -> Int? {
            let kept = filled - from
            if from > 0 { buffer.withUnsafeMutableBytes { b in _ = memmove(b.baseAddress!, b.baseAddress! + from, kept) } }
            filled = kept
            if filled == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
            while true {
                let got = buffer.withUnsafeMutableBytes { b in read(fd, b.baseAddress! + filled, b.count - filled) }
                if got < 0 && errno == EINTR { continue }
                if got < 0 { throw CSVError(file: table.input.displayName, kind: .cannotOpen(reason: String(cString: strerror(errno)))) }
                if got == 0 { try verify(); return nil }
                try buffer.withUnsafeBytes { try account(UnsafeRawBufferPointer(rebasing: $0[filled..<(filled + got)])) }
                filled += got
                lastByte = buffer[filled - 1]
                return from
            }
        }

        /// Checks bytes read against the loader's; a difference is a change of the input.
        mutating func account(_ bytes: UnsafeRawBufferPointer) throws {
            if let change = verifier.update(bytes) {
                throw CSVError(file: table.input.displayName, kind: .inputChanged(change))
            }
        }

        /// At the end of the input: the bytes must be those the loader read.
        mutating func verify() throws {
            guard !isVerified else { return }
            isVerified = true
            if let change = verifier.finish() {
                throw CSVError(file: table.input.displayName, kind: .inputChanged(change))
            }
        }

        /// Reads the rest of the input (after an inconsistency) and verifies it.
        mutating func readToEnd(fd: Int32) throws {
            guard !isVerified else { return }
            var scratch = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let got = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
                if got < 0 && errno == EINTR { continue }
                if got < 0 { return }
                if got == 0 { break }
                try scratch.withUnsafeBytes { try account(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
            }
            try verify()
        }

        mutating func run(fd: Int32) throws {
            var atEnd = try refill(keeping: 0, fd: fd) == nil
            // A byte-order mark is looked for in the first 3 bytes, whatever the first read gave.
            while !atEnd, filled < 3 { atEnd = try refill(keeping: 0, fd: fd) == nil }
            var pos = filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0
            var record = table.options.hasHeader ? -1 : 0  // -1: the header
            var nextImputed = 0
            var copiedUpTo = 0
            // Long format: later imputations skip the byte-order mark.
            if let longFormat, !longFormat.isFirst { copiedUpTo = pos }
            let delimiter = String(decoding: [table.options.delimiter], as: UTF8.self)
            let p = table.matrix.columnCount
            var found = RecordScanner.Record()
            while true {
                let complete = buffer.withUnsafeBufferPointer { b in
                    scanner.next(in: UnsafeBufferPointer(rebasing: b[0..<filled]), from: pos, isFinal: atEnd, into: &found)
                }
                if !complete {
                    if atEnd { break }
                    // Write out what is done, keep the unfinished record, read on.
                    try copy(copiedUpTo, pos)
                    if let shift = try refill(keeping: pos, fd: fd) {
                        pos -= shift
                    } else {
                        pos = 0
                        atEnd = true
                    }
                    copiedUpTo = 0
                    continue
                }
                let recordStart = pos
                pos = found.end
                if let longFormat {
                    try copy(copiedUpTo, recordStart)
                    if record < 0 {
                        if longFormat.isFirst { try output.write("imputation" + delimiter) } else { copiedUpTo = found.end; record += 1; continue }
                    } else {
                        try output.write(longFormat.label + delimiter)
                    }
                    copiedUpTo = recordStart
                }
                guard found.fieldCount == table.columns.count else {
                    throw Inconsistency(description: "record \(record + 1) has \(found.fieldCount) fields while writing but \(table.columns.count) while loading")
                }
                defer { record += 1 }
                guard record >= 0 else { continue }
                guard record < table.rowCount else { throw Inconsistency(description: "more records while writing than while loading") }
                let row = record * p
                var hasImputed = false
                for c in 0..<p where table.matrix.values[row + c].isNaN { hasImputed = true; break }
                guard hasImputed else { continue }
                for j in 0..<table.columns.count {
                    let c = modelledIndex[j]
                    guard c >= 0, table.matrix.values[row + c].isNaN else { continue }
                    let isCode = buffer.withUnsafeBufferPointer { b in
                        tokens.matches(escaped: scanner.content(of: j, in: found, bytes: UnsafeBufferPointer(rebasing: b[0..<filled])))
                    }
                    guard isCode else {
                        throw Inconsistency(description: "record \(record + 1), column \(j + 1): expected a missing-value code while writing")
                    }
                    try copy(copiedUpTo, found.fieldStart[j])
                    guard nextImputed < imputed.count else { throw Inconsistency(description: "fewer imputed values than missing cells") }
                    let number = format(imputed[nextImputed], c)
                    // Re-spelling and quoting can only matter for a numeric-looking code or a
                    // delimiter that can occur in a number; checked once, not per cell.
                    try output.write(plainNumbers ? number
                                     : CSVField.escaped(tokens.spelledApart(number), delimiter: table.options.delimiter))
                    nextImputed += 1
                    copiedUpTo = found.fieldEnd[j]
                }
            }
            try copy(copiedUpTo, filled)
            if longFormat != nil, let lastByte, lastByte != UInt8(ascii: "\n"), lastByte != UInt8(ascii: "\r") {
                try output.write("\n")
            }
            guard record == table.rowCount, nextImputed == imputed.count else {
                throw Inconsistency(description: "the input changed between reading and writing (\(record) records now, \(table.rowCount) before)")
            }
        }

        private func copy(_ from: Int, _ to: Int) throws {
            guard to > from else { return }
            try buffer.withUnsafeBytes { try output.write(UnsafeRawBufferPointer(rebasing: $0[from..<to])) }
        }
    }
}

extension CSVField {
    /// `text` as one field of a file with this delimiter: quoted (with doubled quotes) when it
    /// contains the delimiter, a quote or a line break (a number does with `--delimiter .`,
    /// `-`, `e` or a digit).
    static func escaped(_ text: String, delimiter: UInt8) -> String {
        guard text.utf8.contains(where: { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension MissingTokens {
    /// Whether a field's content as `RecordScanner.content` gives it (quotes inside a quoted
    /// field still doubled) is a missing-value code: the loader compared the codes with
    /// libcsv's text, in which `""` is already `"` (a code such as `--na 'n"a'`).
    func matches(escaped cell: UnsafeBufferPointer<UInt8>) -> Bool {
        let quote = UInt8(ascii: "\"")
        guard cell.contains(quote) else { return matches(cell) }
        var text: [UInt8] = []
        var k = 0
        while k < cell.count {
            text.append(cell[k])
            k += cell[k] == quote && k + 1 < cell.count && cell[k + 1] == quote ? 2 : 1
        }
        return text.withUnsafeBufferPointer { matches($0) }
    }

    /// A number's text, respelled with more zeros (`0` → `0.0`, `1e-05` → `1.0e-05`) while it
    /// is a missing-value code (`--na 0`, `--na -99`), so that an imputed cell never reads back
    /// as missing.
    func spelledApart(_ number: String) -> String {
        var text = number
        while text.withUTF8({ matches($0) }) {
            let exponent = text.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? text.endIndex
            text.insert(contentsOf: text[..<exponent].contains(".") ? "0" : ".0", at: exponent)
        }
        return text
    }
}
