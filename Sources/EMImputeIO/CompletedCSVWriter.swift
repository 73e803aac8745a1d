import EMImputeCore
import Foundation

/// Writes the completed CSV: the input's bytes, with each imputed cell's field replaced by
/// its value. Everything else — header, text columns, observed numbers such as `1.50`,
/// quoting, delimiters, line endings, a byte-order mark — is copied byte for byte.
///
/// The input is read a second time and split into fields by a scanner that follows the same
/// strict RFC 4180 rules as the loader; every record is checked against what the loader saw
/// (field count, and that each replaced field is a missing-value code), so a disagreement
/// is an internal error, never silently wrong output.
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
    /// - Complexity: O(bytes of the input).
    public static func write(_ table: LoadedTable, imputedValues: [Double], to output: OutputTarget,
                             format: @escaping (Double, Int) -> String = { v, _ in ShortestDecimal.format(v) }) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: table.input.path), options: .alwaysMapped)
        try data.withUnsafeBytes { raw in
            try Scan(raw.bindMemory(to: UInt8.self), table: table, imputed: imputedValues, output: output, format: format).run()
        }
    }

    private struct Scan {
        let bytes: UnsafeBufferPointer<UInt8>
        let table: LoadedTable
        let imputed: [Double]
        let output: OutputTarget
        let format: (Double, Int) -> String
        let delimiter: UInt8
        let quote = UInt8(ascii: "\"")
        let tokens: MissingTokens
        /// For each input column, its index among the modelled columns, or -1.
        let modelledIndex: [Int]

        init(_ bytes: UnsafeBufferPointer<UInt8>, table: LoadedTable, imputed: [Double], output: OutputTarget,
             format: @escaping (Double, Int) -> String) {
            self.bytes = bytes
            self.table = table
            self.imputed = imputed
            self.output = output
            self.format = format
            delimiter = table.options.delimiter
            tokens = MissingTokens(table.options.missingTokens)
            var index = [Int](repeating: -1, count: table.columns.count)
            for (c, j) in table.modelledColumns.enumerated() { index[j] = c }
            modelledIndex = index
        }

        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b == 0x09 && delimiter != 0x09) }

        func run() throws {
            let n = bytes.count
            var pos = 0
            if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
            var record = table.options.hasHeader ? -1 : 0  // -1: the header
            var nextImputed = 0
            var copiedUpTo = 0
            let p = table.matrix.columnCount
            var fieldStart = [Int](repeating: 0, count: table.columns.count + 1)
            var fieldEnd = fieldStart
            while pos < n {
                let b = bytes[pos]
                if b == 0x0A || b == 0x0D { pos += 1; continue }  // blank line: copied with the next run
                // One record: find each field's byte range.
                var fields = 0
                var atEnd = false
                while !atEnd {
                    let start = pos
                    var i = pos
                    while i < n, isSpace(bytes[i]) { i += 1 }
                    if i < n, bytes[i] == quote {
                        i += 1
                        while true {
                            guard i < n else { throw Inconsistency(description: "unterminated quote while writing") }
                            if bytes[i] == quote {
                                if i + 1 < n, bytes[i + 1] == quote { i += 2; continue }
                                i += 1
                                break
                            }
                            i += 1
                        }
                    }
                    while i < n, bytes[i] != delimiter, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
                    if fields < fieldStart.count { fieldStart[fields] = start; fieldEnd[fields] = i }
                    fields += 1
                    if i < n, bytes[i] == delimiter { pos = i + 1 } else { pos = i; atEnd = true }
                }
                // Terminator: CR, LF or CRLF.
                if pos < n, bytes[pos] == 0x0D { pos += 1 }
                if pos < n, bytes[pos] == 0x0A { pos += 1 }
                guard fields == table.columns.count else {
                    throw Inconsistency(description: "record \(record + 1) has \(fields) fields while writing but \(table.columns.count) while loading")
                }
                if record >= 0 {
                    guard record < table.rowCount else { throw Inconsistency(description: "more records while writing than while loading") }
                    let row = record * p
                    var hasImputed = false
                    for c in 0..<p where table.matrix.values[row + c].isNaN { hasImputed = true; break }
                    if hasImputed {
                        for j in 0..<table.columns.count {
                            let c = modelledIndex[j]
                            guard c >= 0, table.matrix.values[row + c].isNaN else { continue }
                            let cell = try unquoted(fieldStart[j], fieldEnd[j])
                            guard tokens.matches(cell) else {
                                throw Inconsistency(description: "record \(record + 1), column \(j + 1): expected a missing-value code while writing")
                            }
                            try copy(copiedUpTo, fieldStart[j])
                            guard nextImputed < imputed.count else { throw Inconsistency(description: "fewer imputed values than missing cells") }
                            try output.write(format(imputed[nextImputed], c))
                            nextImputed += 1
                            copiedUpTo = fieldEnd[j]
                        }
                    }
                }
                record += 1
            }
            try copy(copiedUpTo, n)
            guard record == table.rowCount, nextImputed == imputed.count else {
                throw Inconsistency(description: "the input changed between reading and writing (\(record) records now, \(table.rowCount) before)")
            }
        }

        private func copy(_ from: Int, _ to: Int) throws {
            guard to > from else { return }
            try output.write(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[from..<to]))
        }

        /// The content of a field as the loader saw it: spaces trimmed, quotes removed
        /// (a missing-value code never contains a quote, so doubled quotes need no undoing).
        private func unquoted(_ start: Int, _ end: Int) throws -> UnsafeBufferPointer<UInt8> {
            var cell = UnsafeBufferPointer(rebasing: bytes[start..<end]).trimmingSpaces()
            if cell.count >= 2, cell.first == quote, cell.last == quote {
                cell = UnsafeBufferPointer(rebasing: cell[1..<(cell.count - 1)]).trimmingSpaces()
            }
            return cell
        }
    }
}
