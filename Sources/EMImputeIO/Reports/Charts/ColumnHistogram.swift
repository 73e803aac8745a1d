import Foundation

/// Histograms of the observed and of the imputed values of one modelled column, over the
/// same bins.
struct ColumnHistogram: Equatable, Sendable {
    /// Left edge of the first bin.
    var lower: Double
    /// Width of every bin.
    var binWidth: Double
    /// Observed values per bin.
    var observed: [Int]
    /// Imputed values per bin.
    var imputed: [Int]

    /// Right edge of the last bin.
    var upper: Double { lower + binWidth * Double(observed.count) }
    /// Number of observed values binned.
    var observedCount: Int { observed.reduce(0, +) }
    /// Number of imputed values binned.
    var imputedCount: Int { imputed.reduce(0, +) }

    /// Counts as densities (each integrates to 1 over the bins; all zero when empty).
    func densities(_ counts: [Int]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.map { total > 0 ? Double($0) / (total * binWidth) : 0 }
    }

    /// Imputed values left of the first bin (counted in it).
    var imputedBelow = 0
    /// Imputed values right of the last bin (counted in it).
    var imputedAbove = 0

    /// Bins from their parts.
    init(lower: Double, binWidth: Double, observed: [Int], imputed: [Int]) {
        self.lower = lower
        self.binWidth = binWidth
        self.observed = observed
        self.imputed = imputed
    }

    /// Empty bins for a column whose observed cells span `range`, for `valueCount` values
    /// (observed and imputed) in all: fixed before the values are seen, so that one streaming
    /// pass over the completed rows fills them. About 2·n^⅓ bins (Rice's rule), between 8 and
    /// 40, over the observed range; columns whose observed values are all integers get bins a
    /// whole number of units wide, centred on the integers. Imputed values outside the range
    /// are counted in the end bins and tallied in `imputedBelow` and `imputedAbove`.
    init(range: ImputedValueAdjustment.ObservedRange, valueCount: Int) {
        guard range.minimum <= range.maximum else {
            self.init(lower: 0, binWidth: 1, observed: [0], imputed: [0])
            return
        }
        var lo = range.minimum, hi = range.maximum
        let bins: Int
        let width: Double
        let rice = min(40, max(8, Int((2 * cbrt(Double(max(1, valueCount)))).rounded())))
        if range.isAllIntegers && hi - lo < 1e6 {
            // Integer data: bins of a whole number of units with edges at k ± 0.5, so that
            // no bin holds more integers than its neighbours.
            lo = (lo + 0.5).rounded(.down) - 0.5
            hi = (hi - 0.5).rounded(.up) + 0.5
            width = max(1, ((hi - lo) / Double(rice)).rounded(.up))
            bins = max(1, Int(((hi - lo) / width).rounded(.up)))
        } else {
            if hi == lo {
                let pad = lo == 0 ? 0.5 : abs(lo) * 0.05
                lo -= pad; hi += pad
            }
            bins = rice
            let w = (hi - lo) / Double(bins)
            // hi/bins − lo/bins when hi − lo overflows (observed values near ±1.8e308).
            width = w.isFinite ? max(w, Double.leastNonzeroMagnitude) : hi / Double(bins) - lo / Double(bins)
        }
        self.init(lower: lo, binWidth: width, observed: [Int](repeating: 0, count: bins), imputed: [Int](repeating: 0, count: bins))
    }

    /// Counts an observed value.
    mutating func addObserved(_ x: Double) { observed[bin(of: x)] += 1 }

    /// Counts an imputed value.
    mutating func addImputed(_ x: Double) {
        guard x.isFinite else { return }
        if x < lower { imputedBelow += 1 } else if x > upper { imputedAbove += 1 }
        imputed[bin(of: x)] += 1
    }

    /// The bin holding `x` (values outside the range go to the first or last bin).
    func bin(of x: Double) -> Int {
        let last = observed.count - 1
        let position = (x - lower) / binWidth
        // Compared as a Double before any conversion: x − lower can overflow to ±∞ (and ∞/∞
        // is NaN) for values near the ends of Double's range, which no Int holds.
        guard !position.isNaN else { return x > lower ? last : 0 }
        if position < 0 { return 0 }
        if position >= Double(last) { return last }
        return Int(position)
    }
}
