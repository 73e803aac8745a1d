import Foundation

/// The parts of a fit shared by every data source (a matrix, or pattern statistics): the
/// random starts, the result, and the warning policy — what a user must be told about a fit and what to
/// do about it.
extension GaussianEM {
    /// Runs EM from the default start and `options.starts` random ones; returns the run with
    /// the highest objective, every start's outcome and whether they agree. `monitor` is told
    /// every iteration of every start; when it answers false the fit stops there
    /// (`EMError.cancelled`).
    static func runStarts(_ problem: Problem, options: EMOptions, monitor: ((FitProgress) -> Bool)?) throws
        -> (best: Run, starts: [StartOutcome], startsAgree: Bool?) {
        var runs: [Run] = []
        var generator = SeededGenerator(seed: options.seed)
        for start in 0...options.starts {
            let theta = start == 0 ? problem.defaultStart : problem.randomStart(using: &generator)
            let progress = monitor.map { monitor in
                { (record: IterationRecord) in monitor(FitProgress(start: start, startCount: options.starts + 1, record: record)) }
            }
            do {
                runs.append(try problem.iterate(from: theta, progress: progress))
            } catch EMError.cancelled(_, let iteration) {
                throw EMError.cancelled(start: start, iteration: iteration)
            }
        }
        let bestIndex = runs.indices.max { runs[$0].final.objective < runs[$1].final.objective } ?? 0
        let best = runs[bestIndex]

        let agreementThreshold = max(1e-6, 1e3 * options.tolerance)
        let starts: [StartOutcome] = options.starts == 0 ? [] : runs.enumerated().map { k, run in
            StartOutcome(start: k, logLikelihood: problem.originalScale(logLikelihood: run.final.logLikelihood),
                         objective: problem.originalScale(objective: run.final.objective),
                         iterations: run.history.records.count, hasConverged: run.hasConverged,
                         maxDifferenceFromBest: run.theta.maxAbsoluteChange(from: best.theta))
        }
        let startsAgree = options.starts == 0 ? nil : starts.allSatisfy { $0.maxDifferenceFromBest <= agreementThreshold }

        return (best, starts, startsAgree)
    }

    /// The result of the best run, on the original scale.
    static func result(of best: Run, problem: Problem, model: GaussianModel, starts: [StartOutcome], startsAgree: Bool?,
                       imputedValues: [Double], rowsUsed: Int, rowsWithNothingObserved: Int, patternGroups: [PatternGroup],
                       warnings: [EMWarning], fittedShape: (Int, Int), fittedFingerprint: UInt64?) -> EMResult {
        EMResult(
            model: model,
            logLikelihood: problem.originalScale(logLikelihood: best.final.logLikelihood),
            objective: problem.originalScale(objective: best.final.objective),
            iterations: best.history.records.count,
            expectationSteps: best.expectationSteps,
            hasConverged: best.hasConverged,
            stopReason: best.hasConverged ? .tolerance : .maxIterations,
            history: best.history,
            largestFractionOfMissingInformation: best.rate,
            starts: starts,
            startsAgree: startsAgree,
            imputedValues: imputedValues,
            rowsUsed: rowsUsed,
            rowsWithNothingObserved: rowsWithNothingObserved,
            patternGroups: patternGroups,
            options: problem.options,
            warnings: warnings,
            fittedShape: (rowCount: fittedShape.0, columnCount: fittedShape.1),
            fittedFingerprint: fittedFingerprint)
    }

    /// The warnings a fit deserves: not converged, a nearly singular covariance, a decrease of
    /// the objective, disagreeing starts, rows with nothing observed, a ridge prior's
    /// posterior mode, slow convergence.
    static func warnings(best: Run, problem: Problem, options: EMOptions, starts: [StartOutcome], startsAgree: Bool?,
                         rowsWithNothingObserved: Int) -> [EMWarning] {
        let p = problem.p
        var warnings: [EMWarning] = []
        if !best.hasConverged {
            warnings.append(.notConverged(model: .gaussian, maxIterations: options.maxIterations, tolerance: options.tolerance))
        }
        // Near-collinear columns: the estimate stands, but it is fragile and ℓ is computed
        // with less precision (rounding can then look like a decrease).
        var nearlyCollinear: [String]?
        if let factor = try? CholeskyFactorization(best.theta.covariance, order: p) {
            let pivots = factor.relativePivots(of: best.theta.covariance)
            if let j = pivots.indices.min(by: { pivots[$0] < pivots[$1] }), pivots[j] < Self.nearSingularThreshold {
                let columns = problem.dependentColumns(best.theta.covariance, pivot: j)
                nearlyCollinear = columns
                warnings.append(.nearlySingular(columns: columns, unexplainedFraction: pivots[j]))
            }
        }
        if !best.history.isMonotone {
            warnings.append(.objectiveDecreased(model: .gaussian, largestDecrease: best.history.largestDecrease,
                                                nearlyCollinear: nearlyCollinear))
        }
        if startsAgree == false {
            warnings.append(.startsDisagree(starts: options.starts + 1,
                                            largestDifference: starts.map(\.maxDifferenceFromBest).max() ?? 0))
        }
        if rowsWithNothingObserved > 0 {
            warnings.append(.rowsWithNothingObserved(model: .gaussian, rows: rowsWithNothingObserved))
        }
        if options.ridge > 0 {
            warnings.append(.ridgePosteriorMode(ridge: options.ridge))
        }
        if let rate = best.rate, rate > 0.95, best.hasConverged {
            warnings.append(.slowConvergence(largestFractionOfMissingInformation: rate))
        }

        return warnings
    }

    /// The fewest rows for which "a different whole number in every row" is taken as the
    /// mark of an identifier rather than chance.
    static let identifierRowThreshold = 20

    /// Columns that look like identifiers — observed in every row, each row a different whole
    /// number — the most common survey-cleaning mistake (a respondent ID modelled as a
    /// measurement, with a mean of 10250).
    static func identifierWarnings(_ data: IncompleteMatrix) -> [EMWarning] {
        let n = data.rowCount, p = data.columnCount
        guard n >= identifierRowThreshold else { return [] }
        var out: [EMWarning] = []
        for j in 0..<p {
            var seen = Set<Double>()
            var looksLikeIdentifier = true
            for i in 0..<n {
                let v = data.values[i * p + j]
                guard !v.isNaN, v == v.rounded(), seen.insert(v).inserted else { looksLikeIdentifier = false; break }
            }
            guard looksLikeIdentifier else { continue }
            out.append(.identifierLikeColumn(column: data.columnNames[j], rows: n))
        }
        return out
    }
}
