/// An `n`×`p` data matrix with missing cells, stored row-major; `NaN` marks a missing cell.
///
/// ```swift
/// let data = try IncompleteMatrix(rows: [[1, 2], [3, nil], [nil, 5]], columnNames: ["x", "y"])
/// data.isMissing(row: 1, column: 1) // true
/// ```
///
/// Every column has a unique name; without `columnNames` they are `V1`, `V2`, … (the
/// default names, which `GaussianModel.completed(_:)` treats as "no names": it then matches
/// columns by position).
public struct IncompleteMatrix: Sendable, Equatable {
    /// Number of rows (observations).
    public let rowCount: Int
    /// Number of columns (variables).
    public let columnCount: Int
    /// The cells, row after row; `NaN` where a cell is missing.
    public internal(set) var values: [Double]
    /// A unique name for every column, used to match columns and in errors and reports.
    public let columnNames: [String]

    /// Wraps row-major `values` in which `NaN` marks the missing cells.
    ///
    /// - Parameters:
    ///   - rowCount: n ≥ 0.
    ///   - columnCount: p ≥ 0.
    ///   - values: n·p values, row after row; NaN where missing, never ±∞.
    ///   - columnNames: p unique names; nil gives `V1`, `V2`, ….
    /// - Throws: `DataError` when a dimension is negative, `values.count` is not n·p, the
    ///   names are not p unique names, or a value is infinite.
    /// - Complexity: O(n·p).
    public init(rowCount: Int, columnCount: Int, values: [Double], columnNames: [String]? = nil) throws(DataError) {
        guard rowCount >= 0, columnCount >= 0 else {
            throw .negativeDimension(rowCount: rowCount, columnCount: columnCount)
        }
        let (cells, overflow) = rowCount.multipliedReportingOverflow(by: columnCount)
        guard !overflow, values.count == cells else {
            throw .valueCountMismatch(count: values.count, rowCount: rowCount, columnCount: columnCount)
        }
        let names = columnNames ?? Self.defaultColumnNames(count: columnCount)
        guard names.count == columnCount else {
            throw .columnNameCountMismatch(names: names.count, columns: columnCount)
        }
        if let repeated = Self.firstRepeatedName(names) { throw .duplicateColumnName(repeated) }
        if let k = values.firstIndex(where: \.isInfinite) {
            throw .infiniteValue(row: k / columnCount, column: k % columnCount)
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.columnNames = names
    }

    /// Builds a matrix from rows in which `nil` marks a missing cell.
    ///
    /// - Parameters:
    ///   - rows: equally long rows (as long as `columnNames` when it is given).
    ///   - columnNames: unique names; nil gives `V1`, `V2`, ….
    /// - Throws: `DataError` when a row's length differs, or as `init(rowCount:columnCount:values:columnNames:)`.
    public init(rows: [[Double?]], columnNames: [String]? = nil) throws(DataError) {
        let p = columnNames?.count ?? rows.first?.count ?? 0
        if let i = rows.firstIndex(where: { $0.count != p }) {
            throw .rowLengthMismatch(row: i, count: rows[i].count, expected: p)
        }
        try self.init(rowCount: rows.count, columnCount: p,
                      values: rows.flatMap { $0.map { $0 ?? .nan } }, columnNames: columnNames)
    }

    /// A matrix from parts the caller has already checked (count, unique names, no ±∞).
    init(checkedRowCount rowCount: Int, columnCount: Int, values: [Double], columnNames: [String]) {
        assert(values.count == rowCount * columnCount && columnNames.count == columnCount)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
        self.columnNames = columnNames
    }

    /// `V1`, `V2`, …, `V<count>`: the names of columns given none.
    static func defaultColumnNames(count: Int) -> [String] {
        (0..<count).map { "V\($0 + 1)" }
    }

    /// Whether the column names are the defaults `V1`, `V2`, … in order (given or implied).
    var hasDefaultColumnNames: Bool {
        columnNames == Self.defaultColumnNames(count: columnCount)
    }

    /// The first name that occurs a second time, if any.
    static func firstRepeatedName(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
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

    /// Sets a cell: a finite value, or nil to mark it missing.
    /// - Throws: `DataError.infiniteValue` for an infinite value (the cell is left as it was).
    public mutating func setCell(row: Int, column: Int, to value: Double?) throws(DataError) {
        if let value, !value.isFinite, !value.isNaN { throw .infiniteValue(row: row, column: column) }
        values[row * columnCount + column] = value ?? .nan
    }

    /// Row `i`: each cell's value, nil where missing.
    public func row(_ i: Int) -> [Double?] {
        (0..<columnCount).map { self[i, $0] }
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

    /// Equal dimensions, names and cells, a missing cell equalling a missing cell (NaN is
    /// never equal to itself, so comparing the values as numbers would make any two matrices
    /// with a missing cell unequal).
    public static func == (a: IncompleteMatrix, b: IncompleteMatrix) -> Bool {
        a.rowCount == b.rowCount && a.columnCount == b.columnCount && a.columnNames == b.columnNames
            && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) }
    }

    /// A hash of the dimensions, names and cells (every NaN hashing alike), by which a fit
    /// recognises the matrix it was fitted on.
    ///
    /// - Complexity: O(n·p).
    var fingerprint: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ x: UInt64) { h = (h ^ x) &* 0x0000_0100_0000_01B3; h ^= h >> 29 }
        mix(UInt64(truncatingIfNeeded: rowCount))
        mix(UInt64(truncatingIfNeeded: columnCount))
        for name in columnNames {
            for byte in name.utf8 { mix(UInt64(byte)) }
            mix(0xFF)  // a separator no UTF-8 byte equals
        }
        let nan = Double.nan.bitPattern
        values.withUnsafeBufferPointer { x in
            for v in x { mix(v.isNaN ? nan : v.bitPattern) }
        }
        return h
    }
}
