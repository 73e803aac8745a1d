import EMImputeCore
import Foundation

extension LoadedTable {
    /// The per-pattern statistics of the modelled columns, summed range by range in the byte
    /// ranges `CSVStatisticsReader` reads the same file in and merged in order: the same
    /// statistics as `emimpute statistics` writes for this input (bit for bit when no text
    /// column holds a cell that reads as a number), so that `impute` and `statistics` →
    /// `fit` → `apply` write the same file.
    public var statistics: PatternStatistics {
        let p = matrix.columnCount
        let bounds = [0] + rangeStarts + [rowCount]
        let values = matrix.values, names = matrix.columnNames
        // The ranges on all cores, folded in order: the same sums for any number of threads.
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let fold = OrderedFold<PatternStatistics>(window: 2 * threads) { total, part in
            if total == nil { total = part } else { try total!.merge(part) }
        }
        // Neither can fail: the ranges share the columns, and the matrix's rows have its width
        // and no infinite cell.
        try? WorkerPool.run(count: bounds.count - 1, threads: threads) { k in
            fold.waitForTurn(k)
            var part = PatternStatistics(columnNames: names)
            values.withUnsafeBufferPointer { x in
                for i in bounds[k]..<bounds[k + 1] { try? part.add(UnsafeBufferPointer(rebasing: x[(i * p)..<((i + 1) * p)])) }
            }
            fold.deliver(k, .success(part))
        }
        return ((try? fold.result()) ?? nil) ?? PatternStatistics(columnNames: names)
    }
}
