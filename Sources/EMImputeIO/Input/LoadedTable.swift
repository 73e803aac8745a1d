import EMImputeCore

/// A CSV as the loader keeps it: the profile of every column and the numeric matrix of the
/// modelled columns (not the text of the cells — the writer reads the input again).
public struct LoadedTable: Sendable {
    /// Where the bytes came from (and where the writer re-reads them).
    public let input: CSVInput
    /// The options it was read with.
    public let options: CSVReadOptions
    /// Every input column, in input order.
    public let columns: [ColumnProfile]
    /// Positions (0-based) in `columns` of the modelled columns, in order.
    public let modelledColumns: [Int]
    /// The modelled cells, NaN where missing; its column names are the modelled columns' names.
    public let matrix: IncompleteMatrix
    /// Data rows (header excluded).
    public let rowCount: Int
    /// Bytes read.
    public let byteCount: Int
    /// What the loader noticed but read without error (a column read as text that looks
    /// numeric, an input that does not end with a line end), in input order.
    public let warnings: [CSVWarning]
    /// What was read, for the writer to check that it reads the same input again.
    let snapshot: InputSnapshot
    /// The first row of each of pass 1's byte ranges after the first (`RecordBoundaries`),
    /// so that `statistics` sums the rows in the groups `CSVStatisticsReader` does.
    var rangeStarts: [Int] = []

    /// Names of the modelled columns.
    public var modelledNames: [String] { modelledColumns.map { columns[$0].name } }
}
