/// The conditional distribution of a pattern's missing block given its observed block under
/// N(μ, S): x_m | x_o ~ N(μ_m + Bᵀ(x_o − μ_o), C), with B = S_oo⁻¹ S_om and
/// C = S_mm − S_mo S_oo⁻¹ S_om; plus the Cholesky factor of C for draws.
struct PatternConditional {
    let observed: [Int]
    let missing: [Int]
    /// B, |o|×|m| row-major.
    let coefficients: [Double]
    /// C, |m|×|m| row-major.
    let covariance: [Double]
    /// Lower Cholesky factor of C (nil when C is not numerically positive definite).
    let covarianceFactor: [Double]?

    /// - Returns: nil when S_oo is not numerically positive definite.
    init?(covariance s: [Double], p: Int, observed o: [Int], missing m: [Int]) {
        observed = o
        missing = m
        let no = o.count, nm = m.count
        var soo = [Double](repeating: 0, count: no * no)
        for a in 0..<no { for b in 0..<no { soo[a * no + b] = s[o[a] * p + o[b]] } }
        var coefficients = [Double](repeating: 0, count: no * nm)
        var c = [Double](repeating: 0, count: nm * nm)
        for a in 0..<nm { for b in 0..<nm { c[a * nm + b] = s[m[a] * p + m[b]] } }
        if no > 0 {
            guard let factor = try? CholeskyFactorization(soo, order: no) else { return nil }
            var column = [Double](repeating: 0, count: no)
            for b in 0..<nm {
                for a in 0..<no { column[a] = s[o[a] * p + m[b]] }
                factor.solve(&column)
                for a in 0..<no { coefficients[a * nm + b] = column[a] }
            }
            // C = S_mm − S_mo B, symmetrised.
            for a in 0..<nm {
                for b in a..<nm {
                    var t = 0.0
                    for k in 0..<no { t += s[m[a] * p + o[k]] * coefficients[k * nm + b] }
                    let v = c[a * nm + b] - t
                    c[a * nm + b] = v
                    c[b * nm + a] = v
                }
            }
        }
        self.coefficients = coefficients
        covariance = c
        covarianceFactor = nm == 0 ? [] : (try? CholeskyFactorization(c, order: nm))?.lower
    }

    /// Writes E[x_m | x_o] into `row`'s missing cells (`row` on the same scale as μ).
    func fillMeans(_ row: inout [Double], mean mu: [Double]) {
        let nm = missing.count
        for b in 0..<nm {
            var v = mu[missing[b]]
            for (a, j) in observed.enumerated() { v += coefficients[a * nm + b] * (row[j] - mu[j]) }
            row[missing[b]] = v
        }
    }
}
