import Foundation

/// The E-step's verdict on one parameter point (standardised scale).
struct Evaluation {
    let statistics: SufficientStatistics
    /// Observed-data log-likelihood of the standardised data.
    let logLikelihood: Double
    /// logLikelihood plus the log prior density (ridge), which EM never lowers.
    let objective: Double
}

/// One start's trajectory.
struct Run {
    var theta: GaussianParameters
    var final: Evaluation
    var history: ConvergenceHistory
    var hasConverged: Bool
    var rate: Double?
    var expectationSteps: Int
}

/// Everything an EM run needs besides its current point: the E-step, the options and the
/// way back to the original scale.
struct Problem {
    let step: any ExpectationSource
    let options: EMOptions
    let names: [String]
    let scaling: ColumnScaling
    let began: ContinuousClock.Instant
    let clock: ContinuousClock

    var p: Int { step.columnCount }

    // MARK: Scale

    /// Σⱼ n_obs,j · log sⱼ: the Jacobian of standardisation, shifting ℓ to the original scale.
    private var logScaleSum: (weighted: Double, plain: Double) {
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

    // MARK: Starting values

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

    // MARK: E-step and M-step

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

    /// The columns that make Σ singular at `pivot`: the pivot column and those that
    /// predict it (standardised regression coefficient above 1%).
    func dependentColumns(_ sigma: [Double], pivot j: Int) -> [String] {
        CholeskyFactorization.dependentColumns(sigma, order: p, pivot: j, names: names)
    }

    // MARK: Iterations

    private func record(_ iteration: Int, _ e: Evaluation, _ new: GaussianParameters, _ old: GaussianParameters,
                        accelerated: Bool) -> IterationRecord {
        IterationRecord(
            iteration: iteration,
            logLikelihood: originalScale(logLikelihood: e.logLikelihood),
            objective: originalScale(objective: e.objective),
            maxAbsoluteChange: new.maxAbsoluteChange(from: old),
            maxRelativeChange: new.maxRelativeChange(from: old),
            elapsedSeconds: seconds(clock.now - began),
            accelerated: accelerated)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Runs EM (plain or SQUAREM) from `start` until the change criterion or the cap.
    func iterate(from start: GaussianParameters, progress: ((IterationRecord) -> Void)?) throws -> Run {
        var theta = start
        var current = try evaluate(theta, iteration: 0)
        var history = ConvergenceHistory(initialObjective: originalScale(objective: current.objective), records: [])
        var eSteps = 1
        var converged = false
        var changes: [Double] = []
        var rate: Double?

        func emStep(_ t: GaussianParameters, _ e: Evaluation, iteration: Int) throws -> (GaussianParameters, Evaluation) {
            let next = maximize(t, e.statistics)
            eSteps += 1
            return (next, try evaluate(next, iteration: iteration))
        }

        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            let (theta1, e1) = try emStep(theta, current, iteration: iteration)
            let change = theta1.maxAbsoluteChange(from: theta)
            changes.append(change)
            // Small steps alone are not convergence: when ℓ is unbounded (Σ collapsing onto a
            // singular matrix) the steps shrink geometrically while ℓ still rises by O(1) per
            // iteration. Near a genuine maximum the rise is of order change² / (1 − rate), far below this bound.
            let settled = change < options.tolerance
                && e1.objective - current.objective <= options.tolerance * max(1, abs(e1.objective))
            if options.acceleration == .none || settled || iteration == options.maxIterations {
                let r = record(iteration, e1, theta1, theta, accelerated: false)
                history.records.append(r)
                progress?(r)
                theta = theta1
                current = e1
                if settled { converged = true; break }
                continue
            }
            // SQUAREM: a second EM step, then extrapolate along the two.
            let (theta2, e2) = try emStep(theta1, e1, iteration: iteration)
            let change2 = theta2.maxAbsoluteChange(from: theta1)
            if change > 0 { rate = change2 / change }
            var accepted = (theta2, e2)
            var wasAccelerated = false
            if let extrapolated = squaremPoint(theta, theta1, theta2),
               let e3 = try? evaluate(extrapolated, iteration: iteration) {
                eSteps += 1
                if e3.objective >= e2.objective { accepted = (extrapolated, e3); wasAccelerated = true }
            }
            let r = record(iteration, accepted.1, accepted.0, theta, accelerated: wasAccelerated)
            history.records.append(r)
            progress?(r)
            theta = accepted.0
            current = accepted.1
        }
        if options.acceleration == .none || rate == nil {
            rate = Self.rate(from: changes)
        }
        return Run(theta: theta, final: current, history: history, hasConverged: converged, rate: rate,
                   expectationSteps: eSteps)
    }

    /// The SQUAREM (S3) extrapolation θ₀ − 2αr + α²v with r = θ₁ − θ₀, v = θ₂ − 2θ₁ + θ₀,
    /// α = −‖r‖/‖v‖ ≤ −1. nil when the step is degenerate.
    private func squaremPoint(_ t0: GaussianParameters, _ t1: GaussianParameters, _ t2: GaussianParameters) -> GaussianParameters? {
        let a = t0.flattened, b = t1.flattened, c = t2.flattened
        var rr = 0.0, vv = 0.0
        var r = a, v = a
        for i in a.indices {
            r[i] = b[i] - a[i]
            v[i] = c[i] - 2 * b[i] + a[i]
            rr += r[i] * r[i]
            vv += v[i] * v[i]
        }
        guard vv > 0, rr > 0 else { return nil }
        let alpha = min(-1, -(rr / vv).squareRoot())
        var x = a
        for i in a.indices { x[i] = a[i] - 2 * alpha * r[i] + alpha * alpha * v[i] }
        guard x.allSatisfy(\.isFinite) else { return nil }
        return GaussianParameters(flattened: x, p: p)
    }

    /// The contraction rate of plain EM: the median of the last few ratios of successive
    /// parameter changes (ignoring the first, transient iterations).
    static func rate(from changes: [Double]) -> Double? {
        guard changes.count >= 4 else { return nil }
        let ratios = zip(changes.dropFirst(2), changes.dropFirst(3)).compactMap { $0 > 0 ? $1 / $0 : nil }.suffix(5)
        guard !ratios.isEmpty else { return nil }
        let sorted = ratios.sorted()
        return sorted[sorted.count / 2]
    }
}
