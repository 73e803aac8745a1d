import EMImputeCore
import Foundation

extension Matrix {
    /// The matrix as CSV: a header of `columnNames`, then one record per row, each value the
    /// shortest decimal that reads back as the same `Double` (`ShortestDecimal`), fields
    /// quoted only when they hold the delimiter, a quote or a line break; lines end with `\n`.
    /// What the loader reads back (`CSVLoader.load(string:)`) is this matrix.
    ///
    /// ```swift
    /// let completed = try fit.completed(data)
    /// try completed.writeCSV(to: url, columnNames: data.columnNames)
    /// ```
    ///
    /// - Parameter delimiter: the field separator (a comma by default).
    /// - Throws: `DataError.columnNameCountMismatch` unless there is one name per column,
    ///   `DataError.duplicateColumnName` when names repeat, `DataError.infiniteValue` for a
    ///   cell that is ±∞ or NaN (a completed matrix has none; it could not be read back).
    /// - Complexity: O(rows · columns).
    public func csv(columnNames: [String], delimiter: UInt8 = UInt8(ascii: ",")) throws(DataError) -> String {
        guard columnNames.count == columnCount else {
            throw .columnNameCountMismatch(names: columnNames.count, columns: columnCount)
        }
        var seen = Set<String>()
        for name in columnNames where !seen.insert(name).inserted { throw .duplicateColumnName(name) }
        let separator = String(decoding: [delimiter], as: UTF8.self)
        var text = columnNames.map { CSVField.escaped($0, delimiter: delimiter) }.joined(separator: separator) + "\n"
        for i in 0..<rowCount {
            for j in 0..<columnCount {
                let v = storage[i * columnCount + j]
                guard v.isFinite else { throw .infiniteValue(row: i, column: j) }
                if j > 0 { text += separator }
                text += CSVField.escaped(ShortestDecimal.format(v), delimiter: delimiter)
            }
            text += "\n"
        }
        return text
    }

    /// Writes `csv(columnNames:delimiter:)` to the file at `url`, atomically (a temporary file
    /// beside it, renamed into place once complete).
    ///
    /// - Throws: the `DataError`s of `csv(columnNames:delimiter:)`; `OutputError` when the file
    ///   cannot be written.
    public func writeCSV(to url: URL, columnNames: [String], delimiter: UInt8 = UInt8(ascii: ",")) throws {
        try OutputTarget.writeFile(url.path, contents: csv(columnNames: columnNames, delimiter: delimiter))
    }
}
