import Foundation

/// The special functions and the one-dimensional ECME step for the degrees of freedom ν of
/// a multivariate t with missing data (Liu & Rubin 1995).
enum DegreesOfFreedomStep {
    /// log Γ(a + h) − log Γ(a), without the cancellation of two large log Γ for large a
    /// (Stirling's series to x⁻⁵ for a ≥ 100, whose truncation error is below 1e-17 there).
    static func logGammaRatio(_ a: Double, _ h: Double) -> Double {
        guard a >= 100 else { return lgamma(a + h) - lgamma(a) }
        func series(_ x: Double) -> Double { 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * pow(x, 5)) }
        return (a - 0.5) * log1p(h / a) + h * log(a + h) - h + (series(a + h) - series(a))
    }

    /// The digamma function ψ(x) = d log Γ(x)/dx for x > 0 (recurrence up to x ≥ 10, then
    /// the asymptotic series to x⁻¹⁴, whose truncation error is below 1e-16 there).
    static func digamma(_ x: Double) -> Double {
        var x = x, shift = 0.0
        while x < 10 { shift -= 1 / x; x += 1 }
        let r = 1 / (x * x)
        let tail = r * (1.0 / 12 - r * (1.0 / 120 - r * (1.0 / 252 - r * (1.0 / 240 - r * (1.0 / 132 - r * (691.0 / 32760 - r / 12))))))
        return shift + log(x) - 0.5 / x - tail
    }

    /// log of the t density of a row with `observed` observed cells at squared Mahalanobis
    /// distance δ² whose observed block has log det Σ_oo = `logDeterminant`:
    ///
    ///     log Γ((ν+o)/2) − log Γ(ν/2) − (o/2) log(νπ) − ½ log det Σ_oo − ((ν+o)/2) log(1 + δ²/ν),
    ///
    /// the normal's −½(o log 2π + log det Σ_oo + δ²) when ν = +∞.
    @inline(__always)
    static func logDensity(squaredDistance d2: Double, observed o: Double, logDeterminant: Double, nu: Double) -> Double {
        if nu == .infinity { return -0.5 * (o * log(2 * Double.pi) + logDeterminant + d2) }
        return logGammaRatio(nu / 2, o / 2) - 0.5 * o * log(nu * Double.pi) - 0.5 * logDeterminant
            - 0.5 * (nu + o) * log1p(d2 / nu)
    }

    /// The part of `logDensity` that depends on a row only through its observed count o,
    /// for o = 0…`columnCount`: log Γ((ν+o)/2) − log Γ(ν/2) − (o/2) log(νπ), or −(o/2) log 2π
    /// when ν = +∞. One log Γ per count instead of one per row.
    static func logDensityConstants(nu: Double, columnCount p: Int) -> [Double] {
        (0...p).map { o in
            let o = Double(o)
            return nu == .infinity ? -0.5 * o * log(2 * Double.pi) : logGammaRatio(nu / 2, o / 2) - 0.5 * o * log(nu * Double.pi)
        }
    }

    /// `logDensity` with its per-count part taken from `constants` (`logDensityConstants`).
    @inline(__always)
    static func logDensity(squaredDistance d2: Double, observed o: Double, logDeterminant: Double, nu: Double,
                           constants: UnsafePointer<Double>) -> Double {
        if nu == .infinity { return constants[Int(o)] - 0.5 * (logDeterminant + d2) }
        return constants[Int(o)] - 0.5 * logDeterminant - 0.5 * (nu + o) * log1p(d2 / nu)
    }

    /// Every row's δ² and observed count o, with the number of rows of each count: what
    /// ℓ and ∂ℓ/∂ν at fixed μ and Σ depend on, evaluated by the ν step at many ν.
    struct Rows {
        /// δᵢ² of every row.
        let distances: [Double]
        /// oᵢ of every row.
        let observed: [Int]
        /// How many rows have o = 0…p observed cells.
        let countSizes: [Double]

        var columnCount: Int { countSizes.count - 1 }
    }

    /// At ν: per count o, Lₒ = Σ_{i: oᵢ = o} log(1 + δᵢ²/ν), and S = Σᵢ (δᵢ² − oᵢ)/(ν + δᵢ²)
    /// (= Σᵢ (1 − wᵢ)). One pass over the rows with a division and a `LogOnePlusSum` step
    /// each: no `log1p` per row.
    static func rowSums(_ nu: Double, rows: Rows) -> (logTerms: [Double], weightDeficit: Double) {
        let classes = rows.countSizes.count
        var sums = [LogOnePlusSum](repeating: LogOnePlusSum(), count: classes)
        var deficit = 0.0
        sums.withUnsafeMutableBufferPointer { sb in
            rows.distances.withUnsafeBufferPointer { db in
                rows.observed.withUnsafeBufferPointer { ob in
                    let s = sb.baseAddress!, d = db.baseAddress!, observed = ob.baseAddress!
                    guard db.count > 0 else { return }
                    // Rows of one pattern, hence of one count, are adjacent: the count's sum
                    // stays in registers along a stretch.
                    var current = observed[0], sum = s[current]
                    for i in 0..<db.count {
                        let o = observed[i], d2 = d[i]
                        if o != current { s[current] = sum; current = o; sum = s[o] }
                        sum.add(d2 / nu)
                        deficit += (d2 - Double(o)) / (nu + d2)
                    }
                    s[current] = sum
                }
            }
        }
        return (sums.map(\.sum), deficit)
    }

    /// ∂ℓ/∂ν at fixed μ and Σ: ½ Σᵢ [ψ((ν+oᵢ)/2) − ψ(ν/2) − log(1 + δᵢ²/ν) + (δᵢ² − oᵢ)/(ν + δᵢ²)],
    /// from `rowSums` (ψ once per count, times the rows of that count).
    static func derivative(_ nu: Double, rows: Rows) -> Double {
        derivativeAndLogDensitySum(nu, rows: rows).derivative
    }

    /// `derivative(ν)` and Σᵢ `logDensity(δᵢ², oᵢ, 0, ν)` (the t log-likelihood without its
    /// log-determinant part, Σₒ [nₒ cₒ − ½(ν + o) Lₒ] with cₒ from `logDensityConstants`) from one
    /// `rowSums`.
    static func derivativeAndLogDensitySum(_ nu: Double, rows: Rows) -> (derivative: Double, logDensitySum: Double) {
        let (logTerms, deficit) = rowSums(nu, rows: rows)
        let constants = logDensityConstants(nu: nu, columnCount: rows.columnCount)
        let base = digamma(nu / 2)
        var psiPart = 0.0, logPart = 0.0, density = 0.0
        for o in logTerms.indices where rows.countSizes[o] > 0 {
            let size = rows.countSizes[o]
            psiPart += size * (digamma((nu + Double(o)) / 2) - base)
            logPart += logTerms[o]
            density += size * constants[o] - 0.5 * (nu + Double(o)) * logTerms[o]
        }
        return (0.5 * (psiPart - logPart + deficit), density)
    }

    /// The ν in `MultivariateTOptions.degreesOfFreedomRange` at which ∂ℓ/∂ν = 0 (a bound
    /// when the derivative does not change sign there), on log ν to full precision.
    ///
    /// Regula falsi with the Illinois modification inside the bracket, falling back to
    /// bisection when a step does not shrink the bracket by half within two steps: some
    /// ten derivatives (each O(n)) instead of bisection's fifty.
    /// `derivativeAtUpperBound`, when given, is `derivative` at the range's upper bound.
    static func maximizer(rows: Rows, derivativeAtUpperBound: Double? = nil) -> Double {
        let range = MultivariateTOptions.degreesOfFreedomRange
        var flo = derivativeAtUpperBound ?? derivative(range.upperBound, rows: rows)
        if flo >= 0 { return range.upperBound }
        var fhi = flo
        flo = derivative(range.lowerBound, rows: rows)
        if flo <= 0 { return range.lowerBound }
        // f(lo) > 0 > f(hi) throughout.
        var lo = log(range.lowerBound), hi = log(range.upperBound)
        var side = 0
        var width = hi - lo
        for step in 0..<200 {
            var mid = (lo * fhi - hi * flo) / (fhi - flo)
            // Every third step, or when the secant point is not strictly inside, bisect.
            if step % 3 == 2 || !(mid > lo && mid < hi) { mid = 0.5 * (lo + hi) }
            if mid <= lo || mid >= hi { break }
            let f = derivative(exp(mid), rows: rows)
            if f > 0 {
                lo = mid; flo = f
                if side == 1 { fhi *= 0.5 }
                side = 1
            } else if f < 0 {
                hi = mid; fhi = f
                if side == -1 { flo *= 0.5 }
                side = -1
            } else {
                return exp(mid)
            }
            if hi - lo >= width { break }
            width = hi - lo
            if hi - lo <= 4 * Double.ulpOfOne * max(abs(lo), abs(hi)) { break }
        }
        return exp(0.5 * (lo + hi))
    }
}
