/// A dense matrix of `Double`s stored row-major.
///
/// ```swift
/// var m = Matrix(rowCount: 2, columnCount: 2)
/// m[0, 1] = 3
/// ```
public struct Matrix: Equatable, Sendable, Codable {
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
    /// - Precondition: `storage.count == rowCount * columnCount`.
    public init(rowCount: Int, columnCount: Int, storage: [Double]) {
        precondition(storage.count == rowCount * columnCount, "storage does not match the dimensions")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.storage = storage
    }

    /// A matrix from an array of equally long rows.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "rows differ in length")
        self.init(rowCount: rows.count, columnCount: columns, storage: rows.flatMap { $0 })
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
