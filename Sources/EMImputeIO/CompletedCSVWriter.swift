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
        let scanner: RecordScanner
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
            scanner = RecordScanner(delimiter: table.options.delimiter)
            tokens = MissingTokens(table.options.missingTokens)
            var index = [Int](repeating: -1, count: table.columns.count)
            for (c, j) in table.modelledColumns.enumerated() { index[j] = c }
            modelledIndex = index
        }

        func run() throws {
            let n = bytes.count
            var pos = n >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
            var record = table.options.hasHeader ? -1 : 0  // -1: the header
            var nextImputed = 0
            var copiedUpTo = 0
            let p = table.matrix.columnCount
            var found = RecordScanner.Record()
            while scanner.next(in: bytes, from: pos, isFinal: true, into: &found) {
                pos = found.end
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
                    guard tokens.matches(scanner.content(of: j, in: found, bytes: bytes)) else {
                        throw Inconsistency(description: "record \(record + 1), column \(j + 1): expected a missing-value code while writing")
                    }
                    try copy(copiedUpTo, found.fieldStart[j])
                    guard nextImputed < imputed.count else { throw Inconsistency(description: "fewer imputed values than missing cells") }
                    try output.write(format(imputed[nextImputed], c))
                    nextImputed += 1
                    copiedUpTo = found.fieldEnd[j]
                }
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
    }
}
