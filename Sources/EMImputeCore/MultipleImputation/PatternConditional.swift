/// The conditional distribution of a pattern's missing block given its observed block under
/// N(μ, S): x_m | x_o ~ N(μ_m + Bᵀ(x_o − μ_o), C), with B = S_oo⁻¹ S_om and
/// C = S_mm − S_mo S_oo⁻¹ S_om = K_mm⁻¹ (K = S⁻¹); plus the Cholesky factor of C for draws.
struct PatternConditional {
    let observed: [Int]
    let missing: [Int]
    /// B, |o|×|m| row-major.
    let coefficients: [Double]
    /// C, |m|×|m| row-major.
    let covariance: [Double]
    /// Lower Cholesky factor of C (nil when not asked for or when C is not numerically positive definite).
    let covarianceFactor: [Double]?

    /// The conditional from the precision matrix K = S⁻¹ (row-major p×p): C = K_mm⁻¹ and
    /// Bᵀ = −C K_mo, so only the |m|×|m| block K_mm is factorised — cheap when most columns
    /// are observed. The factor of C is computed only when `needsFactor`.
    ///
    /// - Returns: nil when K_mm is not numerically positive definite.
    init?(precision k: [Double], p: Int, observed o: [Int], missing m: [Int], needsFactor: Bool) {
        observed = o
        missing = m
        let no = o.count, nm = m.count
        var kmm = [Double](repeating: 0, count: nm * nm)
        for a in 0..<nm { for b in 0..<nm { kmm[a * nm + b] = k[m[a] * p + m[b]] } }
        guard let factor = try? CholeskyFactorization(kmm, order: nm) else { return nil }
        let c = factor.inverse
        var coefficients = [Double](repeating: 0, count: no * nm)
        for a in 0..<no {
            for b in 0..<nm {
                var t = 0.0
                for e in 0..<nm { t += c[b * nm + e] * k[m[e] * p + o[a]] }
                coefficients[a * nm + b] = -t
            }
        }
        self.coefficients = coefficients
        covariance = c
        covarianceFactor = needsFactor ? (nm == 0 ? [] : (try? CholeskyFactorization(c, order: nm))?.lower) : nil
    }
}
