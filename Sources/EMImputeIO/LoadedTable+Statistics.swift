import EMImputeCore

extension LoadedTable {
    /// The per-pattern statistics of the modelled columns, summed range by range in the byte
    /// ranges `CSVStatisticsReader` reads the same file in and merged in order: the same
    /// statistics as `emimpute statistics` writes for this input (bit for bit when no text
    /// column holds a cell that reads as a number), so that `impute` and `statistics` →
    /// `fit` → `apply` write the same file.
    public var statistics: PatternStatistics {
        let p = matrix.columnCount
        let bounds = [0] + rangeStarts + [rowCount]
        var total: PatternStatistics?
        matrix.values.withUnsafeBufferPointer { x in
            for k in 0..<(bounds.count - 1) {
                var part = PatternStatistics(columnNames: matrix.columnNames)
                for i in bounds[k]..<bounds[k + 1] {
                    // The matrix's rows have its width and no infinite cell.
                    try? part.add(UnsafeBufferPointer(rebasing: x[(i * p)..<((i + 1) * p)]))
                }
                if total == nil { total = part } else { try? total!.merge(part) }
            }
        }
        return total ?? PatternStatistics(columnNames: matrix.columnNames)
    }
}
