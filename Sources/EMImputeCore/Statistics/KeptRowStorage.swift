/// Where the E-step reads the kept rows of rare patterns from, every iteration: in memory
/// (`KeptRowsInMemory`, the default) or elsewhere — a file when they exceed a memory budget
/// (the IO layer's spill file). The core only asks for cells by position.
///
/// The cells are the observed cells of the rows of the groups that keep rows, in the order
/// `PatternStatistics.keptRowPatterns` gives: group after group, each group's rows in the
/// order they were added, each row's observed cells in column order, in the statistics'
/// units (`PatternStatistics.units`). There are `PatternStatistics.keptCellCount` of them.
///
/// ```swift
/// let rows = KeptRowsInMemory(statistics)
/// let fit = try GaussianEM().fit(statistics, keptRows: rows)  // the same as fit(statistics)
/// ```
///
/// The E-step reads disjoint ranges from several threads at once, each range once per
/// iteration and in increasing order within a thread.
public protocol KeptRowStorage: Sendable {
    /// Cells stored.
    var cellCount: Int { get }
    /// Copies cells `cells` (a range within `0..<cellCount`) to `buffer`, which has room for
    /// `cells.count` values.
    /// - Throws: whatever reading the storage throws (an I/O error for a file).
    func readCells(_ cells: Range<Int>, into buffer: UnsafeMutablePointer<Double>) throws
}
