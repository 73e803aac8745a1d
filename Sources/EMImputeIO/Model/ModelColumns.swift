import EMImputeCore

/// Where a model's columns are in an input: the header's naming rule (`HeaderNames`) applied to
/// the first record, and the one rule that turns a modelled cell's bytes into a value (missing
/// code → NaN, a number, or a `mixedColumn` error).
struct ModelColumns: Sendable {
    /// Fields per record.
    let columnCount: Int
    /// Model column index of each input column, or -1.
    let modelIndex: [Int]
    /// (model column, input column) pairs in input order.
    let replacements: [(k: Int, j: Int)]
    let columnNames: [String]
    let tokens: MissingTokens
    let file: String

    /// The model's columns `modelColumns` in an input whose first record has `firstFields` (on `line`).
    /// - Throws: `CSVError.duplicateColumnName`, `ModelFileError.missingColumn`.
    init(_ modelColumns: [String], firstFields: [[UInt8]], options: CSVReadOptions, file: String, line: Int) throws {
        columnCount = firstFields.count
        let names = options.hasHeader ? try HeaderNames.names(header: firstFields, file: file, line: line)
                                       : HeaderNames.positional(count: columnCount)
        var index = [Int](repeating: -1, count: columnCount)
        for (k, name) in modelColumns.enumerated() {
            guard let j = names.firstIndex(of: name) else { throw ModelFileError.missingColumn(file: file, column: name) }
            index[j] = k
        }
        modelIndex = index
        replacements = index.enumerated().filter { $0.element >= 0 }.map { (k: $0.element, j: $0.offset) }
        columnNames = modelColumns
        tokens = MissingTokens(options.missingTokens)
        self.file = file
    }

    /// The value of modelled column `k`'s cell `raw` (input column `j`, on `line`): NaN for a
    /// missing-value code.
    /// - Throws: `CSVError.mixedColumn` when the cell is neither a number nor a code.
    @inline(__always)
    func value(of raw: UnsafeBufferPointer<UInt8>, model k: Int, column j: Int, line: Int) throws(CSVError) -> Double {
        let cell = raw.trimmingSpaces()
        if tokens.matches(cell) { return .nan }
        switch DecimalParser.parse(cell) {
        case .success(let v): return v
        case .failure(let why):
            let shown = PrintableText.of(cell)
            throw CSVError(file: file, line: line, column: j + 1, kind: .mixedColumn(
                name: columnNames[k],
                offending: [.init(line: line, text: shown.text, reason: CSVError.OffendingCell.Reason.of(why, cell), isExact: shown.isExact)],
                total: 1), canLeaveColumnOut: false)
        }
    }
}
