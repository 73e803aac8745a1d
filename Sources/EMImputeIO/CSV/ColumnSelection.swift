/// The columns of a CSV as its first record establishes them: their names (`HeaderNames`)
/// and which of them may be modelled (`--columns`, `--exclude`).
///
/// Shared by every reader that classifies columns, so that a name, an unknown requested
/// column or a duplicate header is judged once, one way.
struct ColumnSelection: Sendable {
    /// Every column's name, in input order.
    let names: [String]
    /// Per column, whether it may be modelled (not excluded, and chosen when columns were).
    let isCandidate: [Bool]
    /// Whether particular columns were asked for (`CSVReadOptions.columns`).
    let columnsWereRequested: Bool

    /// Number of columns.
    var count: Int { names.count }

    /// The columns named by `firstRecord` (a header, or the first data row without one).
    /// - Parameter line: the line on which the first record ends, for errors.
    /// - Throws: `CSVError` `.duplicateColumnName` or `.unknownColumn`.
    init(firstRecord: [[UInt8]], options: CSVReadOptions, file: String, line: Int) throws(CSVError) {
        names = options.hasHeader ? try HeaderNames.names(header: firstRecord, file: file, line: line)
                                  : HeaderNames.positional(count: firstRecord.count)
        let requested = options.columns.map(MissingTokens.trimmed)
        let excluded = options.excluded.map(MissingTokens.trimmed)
        for name in requested + excluded where !names.contains(name) {
            throw CSVError(file: file, kind: .unknownColumn(name: name))
        }
        isCandidate = names.map { !excluded.contains($0) && (requested.isEmpty || requested.contains($0)) }
        columnsWereRequested = !requested.isEmpty
    }
}
