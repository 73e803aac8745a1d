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

    /// ∂ℓ/∂ν at fixed μ and Σ: ½ Σᵢ [ψ((ν+oᵢ)/2) − ψ(ν/2) − log(1 + δᵢ²/ν) + (δᵢ² − oᵢ)/(ν + δᵢ²)]
    /// (oᵢ whole numbers, so ψ is evaluated once per count).
    static func derivative(_ nu: Double, distances: [Double], observed: [Double]) -> Double {
        let base = digamma(nu / 2)
        let largest = Int(observed.max() ?? 0)
        let psi = (0...largest).map { digamma((nu + Double($0)) / 2) - base }
        var s = 0.0
        for i in distances.indices {
            let o = observed[i], d2 = distances[i]
            s += psi[Int(o)] - log1p(d2 / nu) + (d2 - o) / (nu + d2)
        }
        return 0.5 * s
    }

    /// `derivative(ν)` and Σᵢ `logDensity(δᵢ², oᵢ, 0, ν)` (the t log-likelihood without its
    /// log-determinant part) in one pass, sharing each row's log(1 + δ²/ν); each sum exactly
    /// as the separate functions compute it. `constants` is `logDensityConstants(ν, p)`.
    static func derivativeAndLogDensitySum(_ nu: Double, distances: [Double], observed: [Double],
                                           constants: [Double]) -> (derivative: Double, logDensitySum: Double) {
        let base = digamma(nu / 2)
        let largest = Int(observed.max() ?? 0)
        let psi = (0...largest).map { digamma((nu + Double($0)) / 2) - base }
        var s = 0.0, l = 0.0
        for i in distances.indices {
            let o = observed[i], d2 = distances[i]
            let logTerm = log1p(d2 / nu)
            s += psi[Int(o)] - logTerm + (d2 - o) / (nu + d2)
            l += constants[Int(o)] - 0.5 * 0.0 - 0.5 * (nu + o) * logTerm
        }
        return (0.5 * s, l)
    }

    /// The ν in `MultivariateTOptions.degreesOfFreedomRange` at which ∂ℓ/∂ν = 0 (a bound
    /// when the derivative does not change sign there), on log ν to full precision.
    ///
    /// Regula falsi with the Illinois modification inside the bracket, falling back to
    /// bisection when a step does not shrink the bracket by half within two steps: some
    /// ten derivatives (each O(n)) instead of bisection's fifty.
    /// `derivativeAtUpperBound`, when given, is `derivative` at the range's upper bound.
    static func maximizer(distances: [Double], observed: [Double], derivativeAtUpperBound: Double? = nil) -> Double {
        let range = MultivariateTOptions.degreesOfFreedomRange
        var flo = derivativeAtUpperBound ?? derivative(range.upperBound, distances: distances, observed: observed)
        if flo >= 0 { return range.upperBound }
        var fhi = flo
        flo = derivative(range.lowerBound, distances: distances, observed: observed)
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
            let f = derivative(exp(mid), distances: distances, observed: observed)
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
