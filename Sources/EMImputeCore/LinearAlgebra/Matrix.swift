/// A dense matrix of `Double`s stored row-major.
///
/// ```swift
/// var m = Matrix(rowCount: 2, columnCount: 2)
/// m[0, 1] = 3
/// ```
public struct Matrix: Equatable, Sendable {
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    /// The entries, row after row (`rowCount * columnCount` of them).
    public internal(set) var storage: [Double]

    /// A matrix of zeros.
    public init(rowCount: Int, columnCount: Int) {
        precondition(rowCount >= 0 && columnCount >= 0, "negative dimension")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = Array(repeating: 0, count: rowCount * columnCount)
    }

    /// A matrix over the given row-major entries.
    /// - Throws: `DataError` when a dimension is negative or `storage.count` is not
    ///   `rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, storage: [Double]) throws(DataError) {
        guard rowCount >= 0, columnCount >= 0 else {
            throw .negativeDimension(rowCount: rowCount, columnCount: columnCount)
        }
        let (cells, overflow) = rowCount.multipliedReportingOverflow(by: columnCount)
        guard !overflow, storage.count == cells else {
            throw .valueCountMismatch(count: storage.count, rowCount: rowCount, columnCount: columnCount)
        }
        self.init(checkedRowCount: rowCount, columnCount: columnCount, storage: storage)
    }

    /// A matrix from an array of equally long rows.
    /// - Throws: `DataError.rowLengthMismatch` when a row is longer or shorter than the first.
    public init(rows: [[Double]]) throws(DataError) {
        let columns = rows.first?.count ?? 0
        if let i = rows.firstIndex(where: { $0.count != columns }) {
            throw .rowLengthMismatch(row: i, count: rows[i].count, expected: columns)
        }
        self.init(checkedRowCount: rows.count, columnCount: columns, storage: rows.flatMap { $0 })
    }

    /// A matrix over entries the caller has already matched to the dimensions.
    init(checkedRowCount rowCount: Int, columnCount: Int, storage: [Double]) {
        assert(rowCount >= 0 && columnCount >= 0 && storage.count == rowCount * columnCount)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = storage
    }

    /// The `n`×`n` identity matrix.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rowCount: n, columnCount: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    /// The entry in row `row` and column `column`.
    public subscript(row: Int, column: Int) -> Double {
        get { storage[row * columnCount + column] }
        set { storage[row * columnCount + column] = newValue }
    }

    /// The rows as arrays.
    public var rows: [[Double]] {
        (0..<rowCount).map { Array(storage[($0 * columnCount)..<(($0 + 1) * columnCount)]) }
    }

    /// The entries of one row.
    public func row(_ index: Int) -> [Double] {
        Array(storage[(index * columnCount)..<((index + 1) * columnCount)])
    }
}
