import EMImputeCore

/// Writes completed records into a byte buffer: a record's raw bytes copied as they are, with
/// the field of each imputed cell replaced by the value `RowCompleter` made. One per thread
/// (the completer's imputer is not thread-safe).
struct CompletedRecordWriter {
    let columns: ModelColumns
    let completer: RowCompleter
    let delimiter: UInt8
    /// Whether imputed numbers can be written as they are: no numeric-looking missing code to
    /// spell apart from, and a delimiter that cannot occur in a number.
    private let plainNumbers: Bool

    init(columns: ModelColumns, completer: RowCompleter, delimiter: UInt8) {
        self.columns = columns
        self.completer = completer
        self.delimiter = delimiter
        plainNumbers = !Array("0123456789.eE+-\"".utf8).contains(delimiter) && !columns.tokens.includesNumber
    }

    /// Completes data row `index` (modelled `values`, NaN = missing, read on `line`), whose raw
    /// text is `bytes[record.start..<record.end]` as `RecordScanner` found it, and appends the
    /// completed record (from `from`, which may precede the record: blank lines are copied) to
    /// `output`.
    ///
    /// - Throws: `CSVInconsistency` when the scanner's field count is not the parser's, and
    ///   `RowCompleter.complete`'s errors.
    func write(_ values: [Double], index: Int, line: Int, bytes: UnsafeBufferPointer<UInt8>, from: Int,
               record: RecordScanner.Record, into output: inout [UInt8]) throws -> CompletedRow {
        guard record.fieldCount == columns.columnCount else {
            throw CSVInconsistency(description: "line \(line): \(record.fieldCount) fields while writing, \(columns.columnCount) while reading")
        }
        let completed = try completer.complete(values, index: index)
        var copied = from
        if !completed.imputed.isEmpty {
            for (k, j) in columns.replacements where values[k].isNaN {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<record.fieldStart[j]]))
                if plainNumbers {
                    ShortestDecimal.append(completed.values[k], to: &output)
                } else {
                    let number = ShortestDecimal.format(completed.values[k])
                    output.append(contentsOf: CSVField.escaped(columns.tokens.spelledApart(number), delimiter: delimiter).utf8)
                }
                copied = record.fieldEnd[j]
            }
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[copied..<record.end]))
        return completed
    }
}
