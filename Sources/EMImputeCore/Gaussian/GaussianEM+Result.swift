/// The result of a fit, shared by every data source (a matrix, or pattern statistics).
extension GaussianEM {
    /// The result of the best run, on the original scale.
    static func result(of best: Run, problem: Problem, model: GaussianModel, starts: [StartOutcome], startsAgree: Bool?,
                       imputedCells: ImputedCells, rowsUsed: Int, rowsWithNothingObserved: Int, patternGroups: [PatternGroup],
                       warnings: [EMWarning], fitted: FittedData) -> EMResult {
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
            imputedCells: imputedCells,
            rowsUsed: rowsUsed,
            rowsWithNothingObserved: rowsWithNothingObserved,
            patternGroups: patternGroups,
            options: problem.options,
            warnings: warnings,
            fitted: fitted)
    }
}
