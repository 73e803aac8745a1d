/// The result of a fit, shared by every data source (a matrix, or pattern statistics).
extension GaussianEM {
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
}
