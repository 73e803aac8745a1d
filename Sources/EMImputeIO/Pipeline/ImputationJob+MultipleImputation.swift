import EMImputeCore
import Foundation

extension ImputationJob {
    /// What multiple imputation under the normal model made, streaming: the full-data fit,
    /// the M parameter draws, the M completed data sets written and analysed, and what the
    /// report says of the table.
    package struct StreamedMultipleImputation {
        /// Pass 1's statistics (Little's test and the standard errors read them).
        package var table: TableStatistics
        package var fit: EMResult
        package var draws: [ImputationDraw]
        package var outcome: MultipleImputationPass.Outcome
        package var facts: TableFacts
        package var adjustment: ImputedValueAdjustment
        package var timings: ImputationReport.Timings
        package var modelFile: ModelFile
    }

    /// Multiple imputation under the normal model without holding the table: pass 1 into
    /// per-pattern statistics and the fit on them (as `run`); one pass adding every row to the
    /// Bayesian-bootstrap pattern sums of all M imputations (`BootstrapPass`), which also
    /// completes the rows with their conditional means for the report and `deviations`; the
    /// M weighted refits on those sums, in parallel; and pass 2 writing the M data sets
    /// (`MultipleImputationPass`). The draws are those of `MultipleImputation` on the loaded
    /// matrix with the same fit.
    ///
    /// - Parameters:
    ///   - count: M.
    ///   - boundedDraws: whether draws outside a column's observed range are redrawn.
    ///   - destination: where the M data sets go.
    ///   - keepsValues: whether to keep the drawn values (the HTML report).
    /// - Throws: as `run(writingTo:deviations:progress:)` and `MultipleImputation`.
    package func runMultiple(_ count: Int, boundedDraws: Bool, to destination: MultipleImputationPass.Destination, keepsValues: Bool,
                             deviations: OutputTarget?, progress: @escaping (IterationRecord) -> Void) throws -> StreamedMultipleImputation {
        guard case .gaussian(let options) = model else { preconditionFailure("streamed multiple imputation is for the normal model") }
        let clock = ContinuousClock()
        var start = clock.now
        let source = try CSVInput.opening(input)
        defer { source.removeSpool() }
        let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let (table, snapshot) = try CSVStatisticsReader.read(source, options: reading, threads: threads)
        let loadTime = Self.elapsed(clock.now - start)

        start = clock.now
        let fit = try GaussianEM(options: options).fit(table.statistics, progress: progress)
        let emTime = Self.elapsed(clock.now - start)

        start = clock.now
        let adjustment = table.adjustment(roundIntegers: roundsIntegers, clampToObservedRange: clampsToObservedRange)
        let bounds: [ClosedRange<Double>?]? = boundedDraws
            ? adjustment.observed.map { $0.minimum <= $0.maximum ? $0.minimum...$0.maximum : nil } : nil
        let engine = MultipleImputation(count: count, options: options, bounds: bounds)
        let statistics = table.statistics
        let names = fit.model.columnNames
        let distributions = ColumnDistributions(ranges: table.observedRanges, valueCounts: table.modelledColumns.map { _ in table.rowCount })
        let sample = includesInference ? RowSample(columnNames: names, seed: options.seed) : nil
        var consumers: [any CompletedRowConsumer] = [distributions] + (sample.map { [$0] } ?? [])
        if let deviations { consumers.append(try ConditionalDeviationsWriter(deviations, columnNames: names)) }
        let completer = RowCompleter(model: .gaussian(fit.model), adjustment: adjustment, computesDeviations: deviations != nil)
        // The sums (memory ∝ M) are let go before pass 2.
        let draws: [ImputationDraw] = try {
            let sums = try engine.bootstrapSums(fit: fit, patterns: statistics.patterns.map { ($0, statistics.groups[$0]!.count) })
            try BootstrapPass.run(into: sums, input: source, snapshot: snapshot, options: reading, columnNames: names,
                                  rowCount: table.rowCount, completer: completer, consumers: consumers, threads: threads)
            return try engine.parameterDraws(fit: fit, sums: sums)
        }()
        let outcome = try MultipleImputationPass.run(draws, input: source, snapshot: snapshot, options: reading, adjustment: adjustment,
                                                     to: destination, keepsValues: keepsValues, threads: threads)
        let timings = ImputationReport.Timings(load: loadTime, em: emTime, write: Self.elapsed(clock.now - start))
        let facts = TableFacts(table, name: input, byteCount: snapshot.byteCount, distributions: distributions, sample: sample)
        return StreamedMultipleImputation(table: table, fit: fit, draws: draws, outcome: outcome, facts: facts, adjustment: adjustment,
                                          timings: timings, modelFile: try table.modelFile(for: fit, adjustment: adjustment))
    }

    private static func elapsed(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
