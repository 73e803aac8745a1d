/// The default start and the random ones, shared by every data source (a matrix, or pattern
/// statistics).
extension GaussianEM {
    /// Runs EM from the default start and `options.starts` random ones; returns the run with
    /// the highest objective (ties within rounding to the lowest start, `StartSelection`), every start's outcome and whether they agree. `monitor` is told
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
        let bestIndex = StartSelection.keptStart(objectives: runs.map { problem.originalScale(objective: $0.final.objective) })
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
}
