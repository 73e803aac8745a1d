import Foundation

/// The distribution functions that inference needs (Student t, chi-square), from the
/// regularised incomplete beta and gamma functions.
///
/// The algorithms are the classical ones (Numerical Recipes §6.2 and §6.4): a series or a
/// Lentz continued fraction, whichever converges fast for the argument, to full double
/// precision. They are checked against published values in `DistributionTests`.
public enum Distributions {
    /// The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b).
    ///
    /// - Parameters: a, b > 0; 0 ≤ x ≤ 1. Returns NaN outside these ranges.
    public static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        guard a > 0, b > 0, x >= 0, x <= 1 else { return .nan }
        if x == 0 { return 0 }
        if x == 1 { return 1 }
        let logFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        // The continued fraction converges fast for x < (a + 1)/(a + b + 2); otherwise use
        // the symmetry I_x(a, b) = 1 − I_{1−x}(b, a).
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(logFront) * betaContinuedFraction(1 - x, b, a) / b
    }

    /// The continued fraction of I_x(a, b) (modified Lentz).
    private static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...10_000 {
            let m = Double(m), m2 = 2 * m
            var aa = m * (b - m) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d; if abs(d) < tiny { d = tiny }
            c = 1 + aa / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return h
    }

    /// The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a).
    ///
    /// - Parameters: a > 0; x ≥ 0. Returns NaN outside these ranges.
    public static func regularizedUpperIncompleteGamma(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x >= 0 else { return .nan }
        if x == 0 { return 1 }
        if x.isInfinite { return 0 }
        let logFront = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            // Series for P(a, x).
            var term = 1 / a, sum = term, ap = a
            for _ in 0..<100_000 {
                ap += 1
                term *= x / ap
                sum += term
                if abs(term) < abs(sum) * 1e-17 { break }
            }
            return 1 - sum * exp(logFront)
        }
        // Continued fraction for Q(a, x) (modified Lentz).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1...100_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b; if abs(d) < tiny { d = tiny }
            c = b + an / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return exp(logFront) * h
    }

    /// P(T ≤ t) for Student's t with `degreesOfFreedom` ν > 0 (ν = ∞ gives the normal).
    public static func studentTCumulative(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if nu.isInfinite { return 0.5 * erfc(-t / 2.0.squareRoot()) }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let tail = 0.5 * regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5)
        return t > 0 ? 1 - tail : tail
    }

    /// The two-sided p-value P(|T| ≥ |t|) for Student's t with ν degrees of freedom.
    public static func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if nu.isInfinite { return erfc(abs(t) / 2.0.squareRoot()) }
        if t.isInfinite { return 0 }
        return regularizedIncompleteBeta(nu / (nu + t * t), nu / 2, 0.5)
    }

    /// The quantile t_ν(p): the t with P(T ≤ t) = p, for 0 < p < 1 and ν > 0.
    ///
    /// Found by bisection on the cumulative function (to the last bit), so it inherits its
    /// accuracy.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p > 0, p < 1, nu > 0 else { return .nan }
        if p == 0.5 { return 0 }
        if p < 0.5 { return -studentTQuantile(1 - p, degreesOfFreedom: nu) }
        var lo = 0.0, hi = 1.0
        while studentTCumulative(hi, degreesOfFreedom: nu) < p {
            lo = hi
            hi *= 2
            if hi > 1e300 { return .infinity }
        }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if mid == lo || mid == hi { break }
            if studentTCumulative(mid, degreesOfFreedom: nu) < p { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }

    /// P(X ≥ x) for a chi-square variable with k > 0 degrees of freedom.
    public static func chiSquareSurvival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        guard k > 0, !x.isNaN else { return .nan }
        if x <= 0 { return 1 }
        return regularizedUpperIncompleteGamma(k / 2, x / 2)
    }
}
