extension ColumnScaling {
    /// Available-case means and standard deviations (divisor n_obs − 1) of every column, in
    /// the statistics' units, merged over the patterns that observe the column (Chan et
    /// al.), in pattern order.
    ///
    /// The kept rows are read from `keptRows` when they are elsewhere
    /// (`PatternStatistics.moveKeptRows(to:)`).
    init(_ statistics: PatternStatistics, keptRows: any KeptRowStorage) throws {
        try self.init(statistics, elsewhere: statistics.keptRowsAreElsewhere) { try keptRows.readCells($0, into: $1) }
    }

    /// The scaling of statistics whose kept rows are in memory.
    init(_ statistics: PatternStatistics) {
        self.init(statistics, elsewhere: false) { _, _ in }
    }

    private init(_ statistics: PatternStatistics, elsewhere: Bool,
                 read: (Range<Int>, UnsafeMutablePointer<Double>) throws -> Void) rethrows {
        let p = statistics.columnCount
        let starts = elsewhere ? statistics.keptCellStarts : [:]
        var buffer: [Double] = []
        var count = [Int](repeating: 0, count: p)
        var mean = [Double](repeating: 0, count: p)
        var m2 = [Double](repeating: 0, count: p)
        for pattern in statistics.patterns {
            let group = statistics.groups[pattern]!
            let observed = pattern.observedColumns
            guard !observed.isEmpty, group.count > 0 else { continue }
            let (gm, gc): ([Double], [Double])
            if elsewhere, group.keepsRows {
                let cells = group.count * group.observedCount, start = starts[pattern]!
                buffer = [Double](repeating: 0, count: cells)
                try buffer.withUnsafeMutableBufferPointer { try read(start..<(start + cells), $0.baseAddress!) }
                (gm, gc) = PatternGroupStatistics.diagonalMoments(ofRows: buffer, count: group.count, observed: group.observedCount)
            } else {
                (gm, gc) = group.diagonalMoments
            }
            let nb = Double(group.count)
            for (a, j) in observed.enumerated() {
                let na = Double(count[j]), n = na + nb
                let delta = gm[a] - mean[j]
                mean[j] += delta * nb / n
                m2[j] += gc[a] + delta * delta * na * nb / n
                count[j] += group.count
            }
        }
        center = mean
        scale = (0..<p).map { count[$0] > 1 ? (m2[$0] / Double(count[$0] - 1)).squareRoot() : 0 }
        observedCounts = count
    }

    /// The same scaling with every column multiplied by its unit (a power of two: exact).
    func inOriginalUnits(_ units: [Double]) -> ColumnScaling {
        var s = self
        for j in units.indices { s.center[j] *= units[j]; s.scale[j] *= units[j] }
        return s
    }
}
