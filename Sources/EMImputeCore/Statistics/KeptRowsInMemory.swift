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

    /// Cells held: those of every kept group.
    public var cellCount: Int { starts.last! }

    /// Copies cells `cells` to `buffer`, across groups as needed.
    /// - Complexity: O(log groups + cells.count).
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
