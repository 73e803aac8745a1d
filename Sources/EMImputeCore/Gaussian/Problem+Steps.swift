import Foundation

/// One EM iteration's two halves: the E-step (sufficient statistics, ℓ, the objective) and the M-step.
extension Problem {
    /// The E-step at `theta`: sufficient statistics, ℓ and the objective.
    func evaluate(_ theta: GaussianParameters, iteration: Int) throws -> Evaluation {
        let factor: CholeskyFactorization
        do {
            factor = try CholeskyFactorization(theta.covariance, order: p)
        } catch {
            throw EMError.singularCovariance(columns: dependentColumns(theta.covariance, pivot: error.pivot), iteration: iteration)
        }
        let precision = factor.inverse
        guard let stats = try step.run(mean: theta.mean, precision: precision) else {
            throw EMError.singularCovariance(columns: names, iteration: iteration)
        }
        let logDetSigma = factor.logDeterminant
        var trace = 0.0  // tr(K T₂) from the upper triangle of T₂
        for i in 0..<p {
            trace += precision[i * p + i] * stats.crossProduct[i * p + i]
            for j in (i + 1)..<max(p, i + 1) { trace += 2 * precision[i * p + j] * stats.crossProduct[i * p + j] }
        }
        // Σᵢ (x_o − μ_o)ᵀ Σ_oo⁻¹ (x_o − μ_o) = tr(K T₂) − Σᵢ |mᵢ|, because the correction
        // K_mm⁻¹ added into T₂ contributes tr(K_mm K_mm⁻¹) = |m| per row.
        let quadratic = trace - Double(stats.missingCells)
        let ll = -0.5 * (Double(stats.observedCells) * log(2 * Double.pi)
                         + Double(stats.rowCount) * logDetSigma + stats.logDeterminantSum + quadratic)
        var objective = ll
        if options.ridge > 0 {
            var traceK = 0.0
            for i in 0..<p { traceK += precision[i * p + i] }
            objective += -0.5 * (options.ridge + Double(p) + 2) * logDetSigma - 0.5 * options.ridge * traceK
        }
        return Evaluation(statistics: stats, logLikelihood: ll, objective: objective)
    }

    /// The M-step: μ = T₁/n, Σ = T₂/n − μμᵀ, shrunk towards diag(s²) by the ridge prior.
    func maximize(_ theta: GaussianParameters, _ stats: SufficientStatistics) -> GaussianParameters {
        let n = Double(stats.rowCount)
        let d = stats.sum.map { $0 / n }
        var sigma = [Double](repeating: 0, count: p * p)
        let lambda = options.ridge
        let denominator = n + lambda + Double(p) + 2
        for i in 0..<p {
            for j in i..<p {
                var s = stats.crossProduct[i * p + j] / n - d[i] * d[j]
                if lambda > 0 { s = (n * s + (i == j ? lambda : 0)) / denominator }
                sigma[i * p + j] = s
                sigma[j * p + i] = s
            }
        }
        return GaussianParameters(mean: (0..<p).map { theta.mean[$0] + d[$0] }, covariance: sigma)
    }
}
