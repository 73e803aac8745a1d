import Foundation

/// One quantity pooled over M completed-data analyses by Rubin's rules (Rubin 1987), with
/// the Barnard–Rubin (1999) small-sample degrees of freedom: the numbers R's `mice::pool`
/// reports for each term.
public struct PooledEstimate: Sendable, Equatable, Codable {
    /// M, the number of analyses pooled.
    public let imputations: Int
    /// Q̄ = (1/M) Σ Q̂ₘ, the pooled estimate.
    public let estimate: Double
    /// Ū = (1/M) Σ Uₘ, the within-imputation variance.
    public let withinVariance: Double
    /// B = Σ (Q̂ₘ − Q̄)² / (M − 1), the between-imputation variance.
    public let betweenVariance: Double
    /// T = Ū + (1 + 1/M) B, the total variance.
    public let totalVariance: Double
    /// √T.
    public var standardError: Double { totalVariance.squareRoot() }
    /// The complete-data degrees of freedom given (∞ for a large-sample quantity).
    public let completeDataDegreesOfFreedom: Double
    /// ν, the Barnard–Rubin degrees of freedom (mice's `df`).
    public let degreesOfFreedom: Double
    /// r = (1 + 1/M) B / Ū, the relative increase in variance due to nonresponse (mice's `riv`).
    public let relativeIncreaseInVariance: Double
    /// λ = (1 + 1/M) B / T, the proportion of the variance due to nonresponse (mice's `lambda`).
    public let proportionOfVarianceMissing: Double
    /// γ = (r + 2/(ν + 3)) / (1 + r), the fraction of missing information (mice's `fmi`).
    public let fractionOfMissingInformation: Double
    /// t = Q̄ / √T, for the hypothesis that the quantity is 0.
    public let tStatistic: Double
    /// P(|t_ν| ≥ |t|).
    public let pValue: Double
    /// Q̄ ± t_ν(0.975) √T.
    public let lowerBound95: Double
    /// The upper end of the 95% interval.
    public let upperBound95: Double
}

/// Rubin's rules: pools any (estimate, variance) pairs computed on M ≥ 2 completed data sets.
///
/// ```swift
/// // A regression slope and its squared standard error from each of 5 completed data sets:
/// let pooled = try RubinPooling.pool(estimates: [1.02, 0.97, 1.10, 0.99, 1.05],
///                                    variances: [0.010, 0.011, 0.009, 0.010, 0.012],
///                                    completeDataDegreesOfFreedom: 197)
/// pooled.estimate, pooled.standardError, pooled.degreesOfFreedom, pooled.pValue
/// ```
///
/// The degrees of freedom follow Barnard & Rubin (1999) exactly as `mice::pool` computes
/// them: λ is floored at 10⁻⁴ (so ν stays finite when B = 0), ν_old = (M − 1)/λ²,
/// ν_obs = (ν_com + 1)/(ν_com + 3) · ν_com · (1 − λ), ν = ν_old ν_obs / (ν_old + ν_obs), and
/// ν = ν_old when ν_com = ∞.
public enum RubinPooling {
    /// Pools one scalar quantity.
    ///
    /// - Parameters:
    ///   - estimates: Q̂₁ … Q̂_M, M ≥ 2, finite.
    ///   - variances: U₁ … U_M (squared standard errors), as many, finite and ≥ 0.
    ///   - completeDataDegreesOfFreedom: ν_com > 0 (n − k for a regression with k
    ///     coefficients); `.infinity` for a large-sample quantity.
    /// - Throws: `PoolingError` when fewer than two analyses are given, the counts differ,
    ///   a value is not finite, a variance is negative, or ν_com is not positive.
    public static func pool(estimates: [Double], variances: [Double],
                            completeDataDegreesOfFreedom dfcom: Double = .infinity) throws(PoolingError) -> PooledEstimate {
        let m = estimates.count
        guard m >= 2 else { throw .tooFewImputations(m) }
        guard variances.count == m else { throw .countMismatch(estimates: m, variances: variances.count) }
        guard estimates.allSatisfy(\.isFinite), variances.allSatisfy(\.isFinite) else { throw .nonFiniteValue }
        guard variances.allSatisfy({ $0 >= 0 }) else { throw .negativeVariance }
        guard dfcom > 0 else { throw .nonPositiveDegreesOfFreedom(dfcom) }
        let mm = Double(m)
        let qbar = estimates.reduce(0, +) / mm
        let ubar = variances.reduce(0, +) / mm
        let b = estimates.reduce(0) { $0 + ($1 - qbar) * ($1 - qbar) } / (mm - 1)
        let t = ubar + (1 + 1 / mm) * b
        let riv = ubar > 0 ? (1 + 1 / mm) * b / ubar : (b > 0 ? .infinity : 0)
        let lambda = t > 0 ? (1 + 1 / mm) * b / t : 0
        let df = barnardRubin(m: mm, lambda: lambda, dfcom: dfcom)
        let fmi = riv.isInfinite ? 1 : (riv + 2 / (df + 3)) / (riv + 1)
        let se = t.squareRoot()
        let tStat = se > 0 ? qbar / se : (qbar == 0 ? 0 : .infinity * qbar.sign.multiplier)
        let q = Distributions.studentTQuantile(0.975, degreesOfFreedom: df)
        return PooledEstimate(
            imputations: m, estimate: qbar, withinVariance: ubar, betweenVariance: b, totalVariance: t,
            completeDataDegreesOfFreedom: dfcom, degreesOfFreedom: df, relativeIncreaseInVariance: riv,
            proportionOfVarianceMissing: lambda, fractionOfMissingInformation: fmi, tStatistic: tStat,
            pValue: Distributions.studentTTwoSidedPValue(tStat, degreesOfFreedom: df),
            lowerBound95: qbar - q * se, upperBound95: qbar + q * se)
    }

    /// ν by Barnard & Rubin (1999), as `mice:::barnard.rubin`.
    static func barnardRubin(m: Double, lambda: Double, dfcom: Double) -> Double {
        let lambda = max(lambda, 1e-4)
        let dfold = (m - 1) / (lambda * lambda)
        if dfcom.isInfinite { return dfold }
        let dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lambda)
        return dfold * dfobs / (dfold + dfobs)
    }

    /// Pools a correlation through Fisher's z: each rₘ becomes z = atanh r with variance
    /// 1/(n − 3), the z are pooled (ν_com = ∞), and the estimate and interval are mapped back
    /// by tanh. The t statistic, p-value and the variance fields stay on the z scale.
    ///
    /// - Parameters:
    ///   - correlations: r₁ … r_M, each in (−1, 1).
    ///   - rowCount: n > 3, the rows each correlation was computed on.
    public static func poolCorrelation(_ correlations: [Double], rowCount n: Int) throws(PoolingError) -> PooledEstimate {
        guard n > 3 else { throw .tooFewRows(n) }
        guard correlations.allSatisfy({ $0.isFinite && abs($0) < 1 }) else { throw .correlationOutOfRange }
        let z = try pool(estimates: correlations.map(atanh), variances: Array(repeating: 1 / Double(n - 3), count: correlations.count))
        return PooledEstimate(
            imputations: z.imputations, estimate: tanh(z.estimate), withinVariance: z.withinVariance,
            betweenVariance: z.betweenVariance, totalVariance: z.totalVariance,
            completeDataDegreesOfFreedom: z.completeDataDegreesOfFreedom, degreesOfFreedom: z.degreesOfFreedom,
            relativeIncreaseInVariance: z.relativeIncreaseInVariance,
            proportionOfVarianceMissing: z.proportionOfVarianceMissing,
            fractionOfMissingInformation: z.fractionOfMissingInformation, tStatistic: z.tStatistic,
            pValue: z.pValue, lowerBound95: tanh(z.lowerBound95), upperBound95: tanh(z.upperBound95))
    }
}

/// Why a set of analyses cannot be pooled.
public enum PoolingError: Error, Equatable, Sendable, LocalizedError {
    /// Fewer than two analyses: one imputation carries no between-imputation variance.
    case tooFewImputations(Int)
    /// As many variances as estimates are needed.
    case countMismatch(estimates: Int, variances: Int)
    /// An estimate or variance is NaN or infinite.
    case nonFiniteValue
    /// A variance is below zero.
    case negativeVariance
    /// The complete-data degrees of freedom must be above zero.
    case nonPositiveDegreesOfFreedom(Double)
    /// Fisher's z needs more than three rows.
    case tooFewRows(Int)
    /// A correlation is not strictly between −1 and 1.
    case correlationOutOfRange

    /// What is wrong, in the library's terms.
    public var errorDescription: String? {
        switch self {
        case .tooFewImputations(let m): "Rubin's rules need at least 2 imputations, not \(m)"
        case .countMismatch(let e, let v): "\(e) estimate(s) but \(v) variance(s)"
        case .nonFiniteValue: "an estimate or variance is not a finite number"
        case .negativeVariance: "a variance is negative"
        case .nonPositiveDegreesOfFreedom(let d): "the complete-data degrees of freedom must be above 0, not \(d)"
        case .tooFewRows(let n): "a correlation's standard error needs more than 3 rows, not \(n)"
        case .correlationOutOfRange: "a correlation is not strictly between -1 and 1"
        }
    }
}

private extension FloatingPointSign {
    var multiplier: Double { self == .minus ? -1 : 1 }
}
