import Foundation

/// Standard errors of μ̂ and Σ̂ from the observed-data information (the negative Hessian of
/// the observed-data log-likelihood ℓ(μ, Σ) = Σᵢ log N(x_{i,o} | μ_o, Σ_oo), analytic, for the
/// saturated normal model, with the distinct entries σ_ab, a ≤ b, as parameters), and each
/// parameter's fraction of missing information.
///
/// ```swift
/// let fit = try GaussianEM().fit(data)
/// let se = try StandardErrors(data, model: fit.model)
/// se.mean[0], se.covariance[0, 1], se.meanFractionMissing[0]
/// ```
///
/// Per row with observed block O, K = Σ_OO⁻¹ and e = x_O − μ_O, the information adds
/// K for (μ, μ), K E_cd K e for (μ, σ_cd), and tr(E_cd K E_ab K eeᵀK) − ½ tr(K E_cd K E_ab) for
/// (σ_ab, σ_cd), where E_ab = ∂Σ/∂σ_ab; sums over a pattern's rows need only Σe and Σeeᵀ.
/// The fraction of missing information of a parameter is 1 − V_com/V_obs, where V_obs is
/// its variance from the observed information and V_com its variance had the usable rows
/// been complete (σ_jj/n for μ_j, (σ_aa σ_bb + σ_ab²)/n for σ_ab).
///
/// At a ridge fit (a posterior mode) these are the curvature of ℓ alone at that point.
public struct StandardErrors: Sendable, Equatable {
    /// The most modelled columns accepted: the information matrix has p + p(p+1)/2 rows.
    public static let maximumColumnCount = 40

    /// Standard errors of μ̂ⱼ, original units.
    public let mean: [Double]
    /// Standard errors of σ̂_ab, symmetric p×p, original units squared.
    public let covariance: Matrix
    /// Fraction of missing information of each μⱼ.
    public let meanFractionMissing: [Double]
    /// Fraction of missing information of each σ_ab, symmetric p×p.
    public let covarianceFractionMissing: Matrix

    /// Computes the standard errors for `data` at `model`'s estimates (the ML fit of `data`).
    ///
    /// - Throws: `DataError` when `data`'s columns are not the model's;
    ///   `StandardErrorsError` when p exceeds `maximumColumnCount` or the information is not
    ///   positive definite (the likelihood does not identify every parameter).
    /// - Complexity: O(n·p² + Σ_g q_g² + q³) with q = p + p(p+1)/2 and q_g the same for a
    ///   pattern's observed columns.
    public init(_ data: IncompleteMatrix, model: GaussianModel) throws {
        let p = model.dimension
        guard p <= Self.maximumColumnCount else { throw StandardErrorsError.tooManyColumns(count: p, limit: Self.maximumColumnCount) }
        try self.init(try CentredPatternSums(data, model: model), model: model)
    }

    /// Computes the standard errors from per-pattern statistics of the model's columns,
    /// without the rows: the same as `init(_:model:)` on the rows they summarise (to rounding).
    ///
    /// - Throws: as `init(_:model:)`, and `DataError.columnsDiffer` when the statistics are
    ///   not of the model's columns.
    public init(_ statistics: PatternStatistics, model: GaussianModel) throws {
        let p = model.dimension
        guard p <= Self.maximumColumnCount else { throw StandardErrorsError.tooManyColumns(count: p, limit: Self.maximumColumnCount) }
        try self.init(try CentredPatternSums(statistics, model: model), model: model)
    }

    private init(_ sums: CentredPatternSums, model: GaussianModel) throws {
        let p = model.dimension
        let s = model.standardizedCovariance.storage
        // Parameter numbering: μ_j → j; σ_ab (a ≤ b) → p + index(a, b).
        var sigmaIndex = [Int](repeating: 0, count: p * p)
        var q = p
        for a in 0..<p { for b in a..<p { sigmaIndex[a * p + b] = q; sigmaIndex[b * p + a] = q; q += 1 } }
        var information = [Double](repeating: 0, count: q * q)
        var usable = 0
        for g in sums.patterns {
            let o = g.observed, k = o.count
            let ng = Double(g.count)
            usable += g.count
            let sum = g.sum, squares = g.squares
            var block = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { block[a * k + b] = s[o[a] * p + o[b]] } }
            guard let factor = try? CholeskyFactorization(block, order: k) else {
                throw StandardErrorsError.informationNotPositiveDefinite
            }
            let kk = factor.inverse
            var v = sum
            factor.solve(&v)  // K Σe
            // W = K (Σeeᵀ) K.
            var w = [Double](repeating: 0, count: k * k)
            var temp = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { var t = 0.0; for c in 0..<k { t += kk[a * k + c] * squares[c * k + b] }; temp[a * k + b] = t } }
            for a in 0..<k { for b in 0..<k { var t = 0.0; for c in 0..<k { t += temp[a * k + c] * kk[c * k + b] }; w[a * k + b] = t } }
            // The local parameters: (a, b) pairs of local indices with a ≤ b, and their global numbers.
            var pairA: [Int] = [], pairB: [Int] = [], global: [Int] = []
            for a in 0..<k { for b in a..<k { pairA.append(a); pairB.append(b); global.append(sigmaIndex[o[a] * p + o[b]]) } }
            for a in 0..<k { for b in 0..<k { information[o[a] * q + o[b]] += ng * kk[a * k + b] } }
            // (μ_a, σ_cd): (K E_cd K Σe)_a = K[a,c] v[d] + K[a,d] v[c] (once when c = d).
            for (t, column) in global.enumerated() {
                let c = pairA[t], d = pairB[t]
                for a in 0..<k {
                    var value = kk[a * k + c] * v[d]
                    if c != d { value += kk[a * k + d] * v[c] }
                    information[o[a] * q + column] += value
                    information[column * q + o[a]] += value
                }
            }
            // (σ_ab, σ_cd): tr(A E_cd K E_ab) with A = W − (n_g/2) K, where
            // tr(A E_cd B E_ab) = Σ A[b′, c′] B[d′, a′] over (c′, d′) ∈ E_cd, (a′, b′) ∈ E_ab.
            var m = w
            for e in 0..<(k * k) { m[e] -= 0.5 * ng * kk[e] }
            m.withUnsafeBufferPointer { am in
                kk.withUnsafeBufferPointer { bk in
                    information.withUnsafeMutableBufferPointer { info in
                        for t in global.indices {
                            let a = pairA[t], b = pairB[t], row = global[t] * q
                            for u in global.indices {
                                let c = pairA[u], d = pairB[u]
                                var value = am[b * k + c] * bk[d * k + a]
                                if c != d { value += am[b * k + d] * bk[c * k + a] }
                                if a != b {
                                    value += am[a * k + c] * bk[d * k + b]
                                    if c != d { value += am[a * k + d] * bk[c * k + b] }
                                }
                                info[row + global[u]] += value
                            }
                        }
                    }
                }
            }
        }
        guard let factor = try? CholeskyFactorization(information, order: q) else {
            throw StandardErrorsError.informationNotPositiveDefinite
        }
        let covarianceOfEstimates = factor.inverse
        let nu = Double(usable)
        var meanSE = [Double](repeating: 0, count: p), meanFMI = meanSE
        var sigmaSE = Matrix(rowCount: p, columnCount: p), sigmaFMI = sigmaSE
        for j in 0..<p {
            let variance = covarianceOfEstimates[j * q + j]
            meanSE[j] = model.scale[j] * variance.squareRoot()
            meanFMI[j] = 1 - (s[j * p + j] / nu) / variance
        }
        for a in 0..<p { for b in a..<p {
            let index = sigmaIndex[a * p + b]
            let variance = covarianceOfEstimates[index * q + index]
            let se = model.scale[a] * model.scale[b] * variance.squareRoot()
            let complete = (s[a * p + a] * s[b * p + b] + s[a * p + b] * s[a * p + b]) / nu
            sigmaSE[a, b] = se; sigmaSE[b, a] = se
            sigmaFMI[a, b] = 1 - complete / variance; sigmaFMI[b, a] = sigmaFMI[a, b]
        } }
        mean = meanSE
        covariance = sigmaSE
        meanFractionMissing = meanFMI
        covarianceFractionMissing = sigmaFMI
    }
}

/// Why standard errors cannot be computed.
public enum StandardErrorsError: Error, Equatable, Sendable, LocalizedError {
    /// More columns than `StandardErrors.maximumColumnCount`.
    case tooManyColumns(count: Int, limit: Int)
    /// The observed-data information is not positive definite: not every parameter is identified.
    case informationNotPositiveDefinite

    /// What is wrong, in the library's terms.
    public var errorDescription: String? {
        switch self {
        case .tooManyColumns(let c, let l): "standard errors are computed for at most \(l) modelled columns, not \(c)"
        case .informationNotPositiveDefinite: "the observed-data information is not positive definite, so some parameter is not identified"
        }
    }
}
