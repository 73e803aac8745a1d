import EMImputeCore

/// The observed and the imputed values of each modelled column, summarised as the completed
/// rows stream past (`CompletedRowConsumer`): their means and standard deviations (Welford, in
/// row order) for the report, and their histograms for the HTML report, over bins fixed in
/// advance from the observed ranges so that one pass suffices. Memory O(p · bins), whatever
/// the number of rows.
final class ColumnDistributions: CompletedRowBatchConsumer {
    /// What has been counted so far.
    private var tally: Tally
    /// Per modelled column, the histograms of its observed and imputed values.
    var histograms: [ColumnHistogram] { tally.histograms }
    /// Imputed cells seen.
    private(set) var imputedCellCount = 0

    /// Empty summaries for columns with the observed `ranges`, each holding `valueCounts[j]`
    /// values in all (observed and imputed: the number of rows).
    init(ranges: [ImputedValueAdjustment.ObservedRange], valueCounts: [Int]) {
        let p = ranges.count
        tally = Tally(observed: [ColumnMoments.Running](repeating: .init(), count: p),
                      imputed: [ColumnMoments.Running](repeating: .init(), count: p),
                      histograms: (0..<p).map { ColumnHistogram(range: ranges[$0], valueCount: valueCounts[$0]) },
                      isImputed: [Bool](repeating: false, count: p))
    }

    func consume(_ row: CompletedRow) {
        imputedCellCount += row.imputed.count
        row.values.withUnsafeBufferPointer { values in
            row.imputed.withUnsafeBufferPointer { cells in
                guard let base = values.baseAddress else { return }
                tally.add(base, count: values.count, imputed: cells)
            }
        }
    }

    func consume(_ batch: CompletedRowBatch) {
        let p = batch.columnCount
        imputedCellCount += batch.imputed.count
        // The tally is taken out of the object for the batch, so that the loop works on a
        // local value (no exclusivity check and no reference counting per value).
        var tally = self.tally
        self.tally = Tally(observed: [], imputed: [], histograms: [], isImputed: [])
        defer { self.tally = tally }
        batch.values.withUnsafeBufferPointer { values in
            batch.imputed.withUnsafeBufferPointer { cells in
                guard let base = values.baseAddress else { return }
                for r in 0..<batch.count {
                    let rowCells = UnsafeBufferPointer(rebasing: cells[batch.imputedStarts[r]..<batch.imputedStarts[r + 1]])
                    tally.add(base + r * p, count: p, imputed: rowCells)
                }
            }
        }
    }

    /// Per modelled column, the mean and standard deviation of its observed cells.
    var observedMoments: [ColumnMoments.Moment] { tally.observed.map(\.moment) }
    /// Per modelled column, the mean and standard deviation of its imputed cells as written.
    var imputedMoments: [ColumnMoments.Moment] { tally.imputed.map(\.moment) }

    /// The running sums of every column: one row at a time, the same operations in the same
    /// order for a row handed alone and for a row of a batch.
    private struct Tally {
        var observed: [ColumnMoments.Running]
        var imputed: [ColumnMoments.Running]
        var histograms: [ColumnHistogram]
        /// Scratch: which columns of the current row are imputed.
        var isImputed: [Bool]

        /// Adds one completed row of `p` values whose imputed cells are `cells`.
        @inline(__always)
        mutating func add(_ row: UnsafePointer<Double>, count p: Int, imputed cells: UnsafeBufferPointer<ImputedCell>) {
            for cell in cells { isImputed[cell.column] = true }
            for j in 0..<p {
                let v = row[j]
                if isImputed[j] {
                    isImputed[j] = false
                    imputed[j].add(v)
                    histograms[j].addImputed(v)
                } else if !v.isNaN {
                    observed[j].add(v)
                    histograms[j].addObserved(v)
                }
            }
        }
    }
}

/// Means and standard deviations of a column's cells.
enum ColumnMoments {
    /// A mean and a standard deviation (divisor n − 1), nil when there are too few values.
    struct Moment: Sendable, Equatable { var mean: Double?; var standardDeviation: Double? }

    /// Welford's running mean and sum of squared deviations.
    struct Running {
        var count = 0.0, mean = 0.0, squares = 0.0
        mutating func add(_ x: Double) {
            count += 1
            let d = x - mean
            mean += d / count
            squares += d * (x - mean)
        }
        var moment: Moment {
            count == 0 ? Moment() : Moment(mean: mean, standardDeviation: count > 1 ? (squares / (count - 1)).squareRoot() : nil)
        }
    }
}
