import Foundation

/// The data as the mixture and t engines walk them: checked as `GaussianEM` checks them,
/// standardised, and grouped by missingness pattern (rows with nothing observed left out).
struct PreparedData: Sendable {
    let names: [String]
    let scaling: ColumnScaling
    let layout: PatternLayout
    let standardized: StandardizedData
    /// For each row of `standardized`, its index in the input.
    let originalRow: [Int]
    /// For each row of `standardized`, its pattern index.
    let rowPattern: [Int]

    /// Every pattern's missing columns, one list after another from `missingStart[g]` (one
    /// array, so that the per-row loops read them without touching an array per pattern),
    /// and one unused entry at the end, so that it is never empty.
    let missingColumns: [Int]
    /// Where each pattern's missing columns start in `missingColumns` (patterns + 1 entries).
    let missingStart: [Int]

    var p: Int { standardized.p }
    var rowCount: Int { standardized.rowCount }

    /// Σⱼ n_obs,j · log sⱼ: subtracted from a standardised log-likelihood gives the original scale's.
    let logScaleSum: Double

    /// Checks `data` in `GaussianEM.fit`'s order and prepares it.
    ///
    /// - Throws: `EMError` as `GaussianEM.fit` (without a ridge prior).
    init(_ data: IncompleteMatrix) throws(EMError) {
        let p = data.columnCount
        guard p > 0 else { throw .noData }
        guard p <= GaussianEM.maximumColumnCount else { throw .tooManyColumns(count: p, limit: GaussianEM.maximumColumnCount) }
        let scaling = ColumnScaling(data)
        for j in 0..<p where scaling.observedCounts[j] == 0 { throw .columnEntirelyMissing(column: data.columnNames[j]) }
        let layout = PatternLayout(data)
        let standardized = StandardizedData(data, layout: layout, scaling: scaling)
        let n = standardized.rowCount
        guard n > 0 else { throw .noData }
        if n < 2 || n <= p { throw .tooFewRows(rows: n, columns: p) }
        for j in 0..<p where !(scaling.scale[j] > 0) || !scaling.scale[j].isFinite {
            throw .constantColumn(column: data.columnNames[j])
        }
        names = data.columnNames
        self.scaling = scaling
        self.layout = layout
        self.standardized = standardized
        var original = [Int](repeating: 0, count: n)
        var pattern = [Int](repeating: 0, count: n)
        for (k, group) in standardized.groups.enumerated() {
            let g = standardized.patternIndex[k]
            for r in 0..<group.count {
                original[group.start + r] = layout.order[layout.groupStart[g] + r]
                pattern[group.start + r] = g
            }
        }
        originalRow = original
        rowPattern = pattern
        missingColumns = Array(layout.missing.joined()) + [0]
        var start = [0]
        for m in layout.missing { start.append(start.last! + m.count) }
        missingStart = start
        var shift = 0.0
        for j in 0..<p { shift += Double(scaling.observedCounts[j]) * log(scaling.scale[j]) }
        logScaleSum = shift
    }

    /// The columns that make the standardised covariance `sigma` singular at `pivot`.
    func dependentColumns(_ sigma: [Double], pivot j: Int) -> [String] {
        CholeskyFactorization.dependentColumns(sigma, order: p, pivot: j, names: names)
    }
}

/// log(Σ exp aᵢ) without overflow; −∞ when every aᵢ is −∞.
@inline(__always)
func logSumExp(_ a: UnsafePointer<Double>, _ count: Int) -> Double {
    var top = -Double.infinity
    for i in 0..<count where a[i] > top { top = a[i] }
    guard top.isFinite else { return top }
    var s = 0.0
    for i in 0..<count { s += exp(a[i] - top) }
    return top + log(s)
}

/// Turns the log densities aₖ in `a` into the normalised weights exp(aₖ − ℓ) in place and
/// returns ℓ = log Σₖ exp aₖ: one `exp` per entry (exp(aₖ − max) / Σ, not exp(aₖ − ℓ) again).
/// When every aₖ is −∞ the entries become NaN, as exp(aₖ − ℓ) would.
@inline(__always)
func normalizeLogWeights(_ a: UnsafeMutablePointer<Double>, _ count: Int) -> Double {
    var top = -Double.infinity
    for i in 0..<count where a[i] > top { top = a[i] }
    guard top.isFinite else {
        for i in 0..<count { a[i] = .nan }
        return top
    }
    var s = 0.0
    for i in 0..<count {
        a[i] = exp(a[i] - top)
        s += a[i]
    }
    let inverse = 1 / s
    for i in 0..<count { a[i] *= inverse }
    return top + log(s)
}
