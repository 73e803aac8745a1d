import Foundation

/// One normal component N(μ, Σ), prepared to condition the missing cells of each
/// missingness pattern on the observed ones (all on one working scale):
///
///     K = Σ⁻¹,   C_g = Cov[x_m | x_o] = (K_mm)⁻¹,
///     E[x_m | x_o] − μ_m = −C_g K_m· z   (z = x − μ, zero in the missing places),
///     log det Σ_oo = log det Σ + log det K_mm,
///     δ² = (x_o − μ_o)ᵀ Σ_oo⁻¹ (x_o − μ_o) = ẑᵀ K ẑ,
///
/// where ẑ is z completed by the conditional deviations (K ẑ vanishes on the missing
/// block, so the full quadratic form equals the observed-part Mahalanobis distance).
/// Shared by the mixture and the multivariate-t engines, and by their models' imputation.
struct PreparedComponent: Sendable {
    let p: Int
    let mean: [Double]
    let covariance: [Double]
    /// K = Σ⁻¹, row-major, exactly symmetric.
    let precision: [Double]
    /// log det Σ.
    let logDeterminant: Double
    /// Every pattern's C_g, row-major |m_g|×|m_g|, one after another from
    /// `conditionalOffset[g]` (nothing for a pattern with no cell or every cell missing): one
    /// array per component, not one per pattern, since many patterns have a row or two.
    let conditionalCovariances: [Double]
    /// Where each pattern's C_g starts in `conditionalCovariances`.
    let conditionalOffset: [Int]
    /// Per pattern: log det K_mm (0 when nothing is missing).
    let logDeterminantKmm: [Double]

    /// Why a component cannot be prepared.
    enum Failure: Error {
        /// Σ is not positive definite; `pivot` is the first dependent column.
        case covariance(pivot: Int)
        /// K_mm of pattern `pattern` is not positive definite.
        case pattern(Int)
    }

    /// Prepares μ and Σ (row-major p×p) for the patterns whose missing columns are `missing`.
    ///
    /// - Complexity: O(p³ + Σ_g |m_g|³).
    init(mean: [Double], covariance: [Double], missing: [[Int]]) throws(Failure) {
        let p = mean.count
        self.p = p
        self.mean = mean
        self.covariance = covariance
        let factor: CholeskyFactorization
        do { factor = try CholeskyFactorization(covariance, order: p) } catch { throw .covariance(pivot: error.pivot) }
        let k = factor.inverse
        guard k.allSatisfy(\.isFinite) else { throw .covariance(pivot: p - 1) }
        precision = k
        logDeterminant = factor.logDeterminant
        var offsets = [Int](repeating: 0, count: missing.count + 1)
        for (g, m) in missing.enumerated() {
            offsets[g + 1] = offsets[g] + (m.count == p ? 0 : m.count * m.count)
        }
        var conditional = [Double](repeating: 0, count: offsets[missing.count])
        var logDets = [Double](repeating: 0, count: missing.count)
        // One solver, reused: each pattern costs its O(|m|³) and nothing more.
        var solver = ConditionalSolver(columnCount: p)
        var failed: Int?
        k.withUnsafeBufferPointer { kb in
            conditional.withUnsafeMutableBufferPointer { out in
                for (g, m) in missing.enumerated() {
                    let nm = m.count
                    if nm == 0 || nm == p { continue }
                    let solved = m.withUnsafeBufferPointer { solver.solve(precision: kb.baseAddress!, missing: $0) }
                    guard solved else { failed = g; return }
                    (out.baseAddress! + offsets[g]).update(from: solver.conditionalCovariance, count: nm * nm)
                    logDets[g] = solver.logDeterminantKmm
                }
            }
        }
        if let failed { throw .pattern(failed) }
        conditionalCovariances = conditional
        conditionalOffset = offsets
        logDeterminantKmm = logDets
    }

    /// Writes ẑ (the deviation from μ, missing cells replaced by their conditional
    /// deviations) for the row `x` (NaN where missing) of pattern `g` into `z`, and returns δ².
    /// `work` has room for 2p values.
    @inline(__always)
    func completeDeviation(_ x: UnsafePointer<Double>, pattern g: Int, missing m: [Int],
                           into z: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>) -> Double {
        precision.withUnsafeBufferPointer { kb in
            let k = kb.baseAddress!
            for j in 0..<p {
                let d = x[j] - mean[j]
                z[j] = d.isNaN ? 0 : d
            }
            let nm = m.count
            if nm > 0 && nm < p {
                for a in 0..<nm { work[a] = ConditionalSolver.dot(k + m[a] * p, z, p) }
                // All conditional deviations from the zero-filled z, then written.
                let values = work + p
                conditionalCovariances.withUnsafeBufferPointer { cb in
                    let c = cb.baseAddress! + conditionalOffset[g]
                    for a in 0..<nm {
                        var s = 0.0
                        for b in 0..<nm { s += c[a * nm + b] * work[b] }
                        values[a] = -s
                    }
                }
                for a in 0..<nm { z[m[a]] = values[a] }
            }
            var q = 0.0
            for i in 0..<p where z[i] != 0 {
                q += z[i] * ConditionalSolver.dot(k + i * p, z, p)
            }
            return q
        }
    }

    /// (C_g)ₐₐ: the conditional variance of pattern `g`'s a-th missing column (0 < |m_g| < p).
    @inline(__always)
    /// C_g of pattern `g` (with `nm` missing columns), nm×nm row-major.
    func conditionalCovarianceBlock(pattern g: Int, missingCount nm: Int) -> [Double] {
        Array(conditionalCovariances[conditionalOffset[g]..<(conditionalOffset[g] + nm * nm)])
    }

    /// C_g[a, a] of pattern `g` (with `nm` missing columns).
    func conditionalVariance(pattern g: Int, index a: Int, missingCount nm: Int) -> Double {
        conditionalCovariances[conditionalOffset[g] + a * nm + a]
    }

    /// log det Σ_oo for pattern `g`.
    @inline(__always)
    func logDeterminantObserved(pattern g: Int) -> Double { logDeterminant + logDeterminantKmm[g] }
}
