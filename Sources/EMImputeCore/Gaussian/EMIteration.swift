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
/// way back to the original scale. This file holds the iteration loop; the concerns it calls
/// on are extensions, a file each: `Problem+Scaling` (the original scale, the starts),
/// `Problem+Steps` (E and M), `Problem+Collinearity`, `Problem+SQUAREM`, `Problem+Rate`.
struct Problem {
    let step: any ExpectationSource
    let options: EMOptions
    let names: [String]
    let scaling: ColumnScaling
    let began: ContinuousClock.Instant
    let clock: ContinuousClock

    var p: Int { step.columnCount }

    /// The record of one iteration, on the original scale.
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

    /// Runs EM (plain or SQUAREM) from `start` until the change criterion or the cap, or until
    /// `progress`, told every iteration, answers false (`EMError.cancelled`, start 0).
    func iterate(from start: GaussianParameters, progress: ((IterationRecord) -> Bool)?) throws -> Run {
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
                if progress?(r) == false { throw EMError.cancelled(start: 0, iteration: iteration) }
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
            if progress?(r) == false { throw EMError.cancelled(start: 0, iteration: iteration) }
            theta = accepted.0
            current = accepted.1
        }
        if options.acceleration == .none || rate == nil {
            rate = Self.rate(from: changes)
        }
        return Run(theta: theta, final: current, history: history, hasConverged: converged, rate: rate,
                   expectationSteps: eSteps)
    }
}
