import Foundation

/// The way back from the standardised scale EM works on, and the points EM starts from.
extension Problem {
    /// Σⱼ n_obs,j · log sⱼ: the Jacobian of standardisation, shifting ℓ to the original scale.
    var logScaleSum: (weighted: Double, plain: Double) {
        var w = 0.0, s = 0.0
        for j in 0..<p { w += Double(scaling.observedCounts[j]) * log(scaling.scale[j]); s += log(scaling.scale[j]) }
        return (w, s)
    }

    func originalScale(logLikelihood: Double) -> Double { logLikelihood - logScaleSum.weighted }

    func originalScale(objective: Double) -> Double {
        let shift = logScaleSum
        let prior = options.ridge > 0 ? (options.ridge + Double(p) + 2) * shift.plain : 0
        return objective - shift.weighted - prior
    }

    /// Available-case means and variances, zero covariances: μ = 0, Σ = I on the standardised scale.
    var defaultStart: GaussianParameters {
        GaussianParameters(mean: [Double](repeating: 0, count: p), covariance: Matrix.identity(p).storage)
    }

    /// A random start around the default: μⱼ ~ N(0, ½²), a random correlation matrix (from a
    /// Wishart draw) and log-normal variances, always positive definite.
    func randomStart(using g: inout SeededGenerator) -> GaussianParameters {
        let k = p + 2
        var a = [Double](repeating: 0, count: k * p)
        for i in a.indices { a[i] = g.nextNormal() }
        var w = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p {
            var s = 0.0
            for r in 0..<k { s += a[r * p + i] * a[r * p + j] }
            w[i * p + j] = s / Double(k) + (i == j ? 0.1 : 0)
        } }
        let sd = (0..<p).map { _ in exp(0.25 * g.nextNormal()) }
        var sigma = w
        for i in 0..<p { for j in 0..<p {
            sigma[i * p + j] = w[i * p + j] / (w[i * p + i] * w[j * p + j]).squareRoot() * sd[i] * sd[j]
        } }
        return GaussianParameters(mean: (0..<p).map { _ in 0.5 * g.nextNormal() }, covariance: sigma)
    }
}
