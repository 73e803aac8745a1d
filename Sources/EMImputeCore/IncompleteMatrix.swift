/// An `n`×`p` data matrix with missing cells, stored row-major; `NaN` marks a missing cell.
///
/// ```swift
/// let data = IncompleteMatrix(rows: [[1, 2], [3, nil], [nil, 5]], columnNames: ["x", "y"])
/// data.isMissing(row: 1, column: 1) // true
/// ```
public struct IncompleteMatrix: Sendable, Equatable {
    /// Number of rows (observations).
    public let rowCount: Int
    /// Number of columns (variables).
    public let columnCount: Int
    /// The cells, row after row; `NaN` where a cell is missing.
    public internal(set) var values: [Double]
    /// A name for every column, used in errors and reports.
    public let columnNames: [String]

    /// Wraps row-major `values` in which `NaN` marks the missing cells.
    /// - Precondition: `values.count == rowCount * columnCount`; no infinite values.
    public init(rowCount: Int, columnCount: Int, values: [Double], columnNames: [String]? = nil) {
        precondition(values.count == rowCount * columnCount, "values do not match the dimensions")
        precondition(values.allSatisfy { !$0.isInfinite }, "infinite values are not data; mark them missing (NaN)")
        let names = columnNames ?? (0..<columnCount).map { "V\($0 + 1)" }
        precondition(names.count == columnCount, "one name per column")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.columnNames = names
    }

    /// Builds a matrix from rows in which `nil` marks a missing cell.
    public init(rows: [[Double?]], columnNames: [String]? = nil) {
        let p = columnNames?.count ?? rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == p }, "rows differ in length")
        self.init(rowCount: rows.count, columnCount: p,
                  values: rows.flatMap { $0.map { $0 ?? .nan } }, columnNames: columnNames)
    }

    /// Whether the cell is missing.
    public func isMissing(row: Int, column: Int) -> Bool {
        values[row * columnCount + column].isNaN
    }

    /// The cell's value, or nil when it is missing.
    public subscript(row: Int, column: Int) -> Double? {
        let v = values[row * columnCount + column]
        return v.isNaN ? nil : v
    }

    /// Number of missing cells.
    public var missingCount: Int { values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) } }

    /// Observed (non-missing) count of each column.
    public var observedCounts: [Int] {
        var counts = [Int](repeating: 0, count: columnCount)
        for i in 0..<rowCount {
            for j in 0..<columnCount where !values[i * columnCount + j].isNaN { counts[j] += 1 }
        }
        return counts
    }
}
