import EMImputeCore

/// The observed and the imputed values of each modelled column, summarised as the completed
/// rows stream past (`CompletedRowConsumer`): their means and standard deviations (Welford, in
/// row order) for the report, and their histograms for the HTML report, over bins fixed in
/// advance from the observed ranges so that one pass suffices. Memory O(p · bins), whatever
/// the number of rows.
final class ColumnDistributions: CompletedRowBatchConsumer {
    private var observed: [ColumnMoments.Running]
    private var imputed: [ColumnMoments.Running]
    /// Per modelled column, the histograms of its observed and imputed values.
    private(set) var histograms: [ColumnHistogram]
    /// Scratch: which columns of the current row are imputed.
    private var isImputed: [Bool]

    /// Empty summaries for columns with the observed `ranges`, each holding `valueCounts[j]`
    /// values in all (observed and imputed: the number of rows).
    init(ranges: [ImputedValueAdjustment.ObservedRange], valueCounts: [Int]) {
        let p = ranges.count
        observed = [ColumnMoments.Running](repeating: .init(), count: p)
        imputed = observed
        histograms = (0..<p).map { ColumnHistogram(range: ranges[$0], valueCount: valueCounts[$0]) }
        isImputed = [Bool](repeating: false, count: p)
    }

    /// Imputed cells seen.
    private(set) var imputedCellCount = 0

    func consume(_ row: CompletedRow) {
        imputedCellCount += row.imputed.count
        for cell in row.imputed { isImputed[cell.column] = true }
        for (j, v) in row.values.enumerated() {
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

    func consume(_ batch: CompletedRowBatch) {
        let p = batch.columnCount
        imputedCellCount += batch.imputed.count
        // The state is taken out of the object for the batch, so that the loop works on local
        // arrays (no exclusivity check and no reference counting per value); the same
        // operations in the same order as `consume(_:)` of each row.
        var observed = self.observed, imputed = self.imputed, histograms = self.histograms, isImputed = self.isImputed
        self.observed = []
        self.imputed = []
        self.histograms = []
        self.isImputed = []
        defer {
            self.observed = observed
            self.imputed = imputed
            self.histograms = histograms
            self.isImputed = isImputed
        }
        batch.values.withUnsafeBufferPointer { values in
            batch.imputed.withUnsafeBufferPointer { cells in
                for r in 0..<batch.count {
                    let start = batch.imputedStarts[r], end = batch.imputedStarts[r + 1]
                    for c in start..<end { isImputed[cells[c].column] = true }
                    let row = values.baseAddress! + r * p
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
    }

    /// Per modelled column, the mean and standard deviation of its observed cells.
    var observedMoments: [ColumnMoments.Moment] { observed.map(\.moment) }
    /// Per modelled column, the mean and standard deviation of its imputed cells as written.
    var imputedMoments: [ColumnMoments.Moment] { imputed.map(\.moment) }
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
