/// The imputed cells of one matrix, each stored with its position: what a fit or an
/// imputation produces, read by position and put back only where it belongs.
///
/// ```swift
/// let fit = try GaussianEM().fit(data)
/// for cell in fit.imputedCells { print(cell.row, cell.column, cell.value) }
/// fit.imputedCells[row: 1, column: 1]          // the value imputed there; nil for an observed cell
/// let completed = try fit.imputedCells.completing(data)
/// ```
///
/// The cells are in row-major order (by row, then column), one per missing cell of the
/// matrix they were computed for. Each is stored as its row-major offset (row ×
/// `columnCount` + column) and its value — 16 bytes a cell, 24 with conditional standard
/// deviations — so 3·10⁶ imputed cells take 48 MB.
public struct ImputedCells: Sendable, Equatable, RandomAccessCollection {
    /// Rows of the matrix the cells belong to.
    public let rowCount: Int
    /// Columns of the matrix the cells belong to.
    public let columnCount: Int
    /// Each cell's row-major offset in that matrix, strictly increasing.
    let offsets: [Int]
    /// Each cell's value.
    let values: [Double]
    /// Each cell's conditional standard deviation, when computed.
    let standardDeviations: [Double]?

    /// Cells already checked: `offsets` strictly increasing and below `rowCount × columnCount`,
    /// one value (and deviation) per offset.
    init(rowCount: Int, columnCount: Int, offsets: [Int], values: [Double], standardDeviations: [Double]? = nil) {
        assert(offsets.count == values.count && (standardDeviations?.count ?? values.count) == values.count)
        assert(zip(offsets, offsets.dropFirst()).allSatisfy { $0 < $1 })
        assert(offsets.last.map { $0 < rowCount * columnCount } ?? true)
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.offsets = offsets
        self.values = values
        self.standardDeviations = standardDeviations
    }

    /// No cells, for a matrix of `rowCount` × `columnCount` (a complete one, or a fit that
    /// holds no imputations).
    public init(rowCount: Int, columnCount: Int) {
        self.init(rowCount: rowCount, columnCount: columnCount, offsets: [], values: [])
    }

    /// The cells `cells` (in any order) of a matrix of `rowCount` × `columnCount`.
    ///
    /// The cells carry conditional standard deviations when every one of them has one.
    ///
    /// - Throws: `DataError.negativeDimension` for a negative dimension,
    ///   `DataError.cellOutOfRange` for a cell outside the matrix, `DataError.repeatedCell`
    ///   for a position given twice, `DataError.nonFiniteImputedValue` for a value that is NaN
    ///   or ±∞.
    /// - Complexity: O(m log m) for m cells.
    public init(rowCount: Int, columnCount: Int, cells: some Sequence<ImputedCell>) throws(DataError) {
        guard rowCount >= 0, columnCount >= 0 else { throw .negativeDimension(rowCount: rowCount, columnCount: columnCount) }
        var sorted: [ImputedCell] = []
        for cell in cells {
            guard (0..<rowCount).contains(cell.row), (0..<columnCount).contains(cell.column) else {
                throw .cellOutOfRange(row: cell.row, column: cell.column, rowCount: rowCount, columnCount: columnCount)
            }
            guard cell.value.isFinite else { throw .nonFiniteImputedValue(row: cell.row, column: cell.column) }
            sorted.append(cell)
        }
        sorted.sort { ($0.row, $0.column) < ($1.row, $1.column) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where (a.row, a.column) == (b.row, b.column) {
            throw .repeatedCell(row: a.row, column: a.column)
        }
        let deviations = sorted.allSatisfy { $0.conditionalStandardDeviation != nil } && !sorted.isEmpty
        self.init(rowCount: rowCount, columnCount: columnCount,
                  offsets: sorted.map { $0.row * columnCount + $0.column }, values: sorted.map(\.value),
                  standardDeviations: deviations ? sorted.map { $0.conditionalStandardDeviation! } : nil)
    }

    /// For each row i of `data`, the index of its first missing cell among all missing cells
    /// in row-major order (n + 1 entries, the last the number of missing cells): where an
    /// engine that computes cells pattern by pattern stores row i's, so that they end up in
    /// row-major order.
    static func rowStarts(_ data: IncompleteMatrix) -> [Int] {
        let n = data.rowCount, p = data.columnCount
        var first = [Int](repeating: 0, count: n + 1)
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<n {
                var c = 0
                for j in 0..<p where x[i * p + j].isNaN { c += 1 }
                first[i + 1] = first[i] + c
            }
        }
        return first
    }

    /// 0.
    public var startIndex: Int { 0 }
    /// The number of cells.
    public var endIndex: Int { offsets.count }

    /// The cell at `position` in row-major order (it carries its own row and column).
    public subscript(position: Int) -> ImputedCell {
        let offset = offsets[position]
        return ImputedCell(row: offset / columnCount, column: offset % columnCount, value: values[position],
                           conditionalStandardDeviation: standardDeviations?[position])
    }

    /// The value imputed in the cell at `row`, `column`; nil when no cell there was imputed
    /// (it was observed, or lies outside the matrix).
    ///
    /// - Complexity: O(log m) for m cells.
    public subscript(row row: Int, column column: Int) -> Double? {
        guard (0..<rowCount).contains(row), (0..<columnCount).contains(column) else { return nil }
        let target = row * columnCount + column
        var low = 0, high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < target { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] == target ? values[low] : nil
    }

    /// Whether every cell carries its conditional standard deviation.
    public var hasConditionalStandardDeviations: Bool { standardDeviations != nil }

    /// These cells with `transform(cell)` as each value (positions and deviations kept): for
    /// rounding or clamping the values before they are used.
    public func mapValues(_ transform: (ImputedCell) throws -> Double) rethrows -> ImputedCells {
        ImputedCells(rowCount: rowCount, columnCount: columnCount, offsets: offsets,
                     values: try indices.map { try transform(self[$0]) }, standardDeviations: standardDeviations)
    }

    /// Checks that every value is finite: a conditional mean beyond the largest Double
    /// (extrapolating from values near it) is not an imputation.
    ///
    /// - Throws: `EMError.imputationOutOfRange` naming the first such cell (1-based row).
    func checkFinite(columnNames: [String]) throws(EMError) {
        guard let k = values.firstIndex(where: { !$0.isFinite }) else { return }
        let cell = self[k]
        throw .imputationOutOfRange(column: columnNames[cell.column], row: cell.row + 1)
    }
}
