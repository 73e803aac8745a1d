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

/// The kept rows read straight from the statistics' groups (their arrays are shared, not
/// copied).
public struct KeptRowsInMemory: KeptRowStorage {
    /// Each kept group's cells, in storage order.
    private let groups: [[Double]]
    /// Where each group's cells begin; one more entry, the total.
    private let starts: [Int]

    /// The kept rows of `statistics`.
    public init(_ statistics: PatternStatistics) {
        var groups: [[Double]] = [], starts = [0]
        for pattern in statistics.keptRowPatterns {
            let rows = statistics.groups[pattern]!.rows!
            groups.append(rows)
            starts.append(starts.last! + rows.count)
        }
        self.groups = groups
        self.starts = starts
    }

    public var cellCount: Int { starts.last! }

    public func readCells(_ cells: Range<Int>, into buffer: UnsafeMutablePointer<Double>) {
        guard !cells.isEmpty else { return }
        // The last group that begins at or before the range (binary search), then on.
        var (lo, hi) = (0, groups.count)
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if starts[mid] <= cells.lowerBound { lo = mid } else { hi = mid }
        }
        var next = cells.lowerBound, out = buffer, g = lo
        while next < cells.upperBound {
            let end = min(cells.upperBound, starts[g + 1])
            if end > next {
                groups[g].withUnsafeBufferPointer { cellsOfGroup in
                    (out).update(from: cellsOfGroup.baseAddress! + (next - starts[g]), count: end - next)
                }
                out += end - next
                next = end
            }
            g += 1
        }
    }
}

extension PatternStatistics {
    /// The patterns whose groups keep rows (with at least one observed column), in the order
    /// the E-step reads them and a `KeptRowStorage` stores them: lexicographic in their
    /// missing columns.
    public var keptRowPatterns: [MissingnessPattern] {
        groups.compactMap { pattern, group in
            group.keepsRows && group.observedCount > 0 && group.count > 0 ? pattern : nil
        }.sorted { $0.missingColumnsPrecede($1) }
    }

    /// Observed cells of the kept rows (what a `KeptRowStorage` of these statistics holds).
    public var keptCellCount: Int {
        groups.values.reduce(0) { $0 + ($1.keepsRows ? $1.count * $1.observedCount : 0) }
    }

    /// Where each kept group's cells begin in a `KeptRowStorage` of these statistics.
    var keptCellStarts: [MissingnessPattern: Int] {
        var starts: [MissingnessPattern: Int] = [:], next = 0
        for pattern in keptRowPatterns {
            starts[pattern] = next
            next += groups[pattern]!.count * groups[pattern]!.observedCount
        }
        return starts
    }

    /// The patterns in lexicographic order of their missing columns (a depth-first walk of the
    /// trie of missing sets: the solver then borders each distinct prefix once).
    var expectationOrder: [MissingnessPattern] {
        groups.keys.sorted { $0.missingColumnsPrecede($1) }
    }
}
