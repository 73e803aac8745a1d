import Foundation

extension SeededGenerator {
    /// A uniform draw in (0, 1), never 0 or 1.
    mutating func nextOpenUnit() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// A Gamma(shape a, scale 1) draw (Marsaglia & Tsang 2000; for a < 1, Gamma(a + 1)·U^{1/a}).
    ///
    /// - Parameter shape: a > 0.
    mutating func nextGamma(shape a: Double) -> Double {
        precondition(a > 0, "the shape of a gamma distribution is positive")
        if a < 1 { return nextGamma(shape: a + 1) * pow(nextOpenUnit(), 1 / a) }
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            var x = 0.0, v = 0.0
            repeat {
                x = nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = nextOpenUnit()
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }

    /// A χ² draw with k > 0 degrees of freedom (2·Gamma(k/2)).
    mutating func nextChiSquare(degreesOfFreedom k: Double) -> Double { 2 * nextGamma(shape: k / 2) }
}
