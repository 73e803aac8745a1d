import EMImputeCore
import Foundation

/// One imputation of a CSV, end to end — what `emimpute impute` runs: read, fit, write the
/// completed CSV, and describe the run — configured by a value and run by one call.
///
/// The normal model streams: pass 1 reads the input once, on all cores, into per-pattern
/// statistics (`CSVStatisticsReader`), EM fits them, and pass 2 reads the input again and
/// writes each completed row as it goes (`ModelApplier`), so memory does not grow with the
/// rows. The mixture and the t need the rows in every iteration: they load the modelled
/// cells (`CSVLoader`), fit them, and write through the same pass 2. Either way each
/// imputed cell is made once (`RowCompleter`) and everything downstream — the CSV, the
/// conditional deviations, the report's column summaries and histograms — reads that cell.
///
/// ```swift
/// var job = ImputationJob(input: "survey.csv")
/// job.reading.missingTokens += ["-99"]
/// let output = try OutputTarget.file("survey-completed.csv")
/// let outcome = try job.run(writingTo: output)
/// try output.commit()
/// print(outcome.report.logLikelihood)
/// ```
public struct ImputationJob: Sendable {
    /// The model to fit.
    public enum Model: Sendable {
        /// One multivariate normal.
        case gaussian(EMOptions)
        /// A mixture of normals: `components` fixed in the options, or chosen by BIC from
        /// 1…`selectingUpTo` when that is given.
        case mixture(GaussianMixtureOptions, selectingUpTo: Int?)
        /// A multivariate t.
        case t(MultivariateTOptions)
    }

    /// The input: a path, or `-` for standard input (copied once to a temporary file).
    public var input: String
    /// How to read it.
    public var reading: CSVReadOptions
    /// The model.
    public var model: Model
    /// Round the imputed cells of columns whose observed values are all integers.
    public var roundsIntegers = false
    /// Clamp each imputed cell to its column's observed range.
    public var clampsToObservedRange = false
    /// Threads for pass 1 and pass 2 (default: all cores); the result does not depend on it.
    public var threads: Int?
    /// Whether the report includes Little's test and the standard errors (normal model).
    public var includesInference = true
    /// Memory for the kept rows of rare patterns while EM runs (normal model); beyond it they
    /// are spilled to a temporary file and read back every iteration, with the same estimates.
    public var memoryLimit: MemoryLimit = .automatic

    /// A job for `input` read with `reading`, fitting `model`.
    public init(input: String, reading: CSVReadOptions = CSVReadOptions(), model: Model = .gaussian(EMOptions())) {
        self.input = input
        self.reading = reading
        self.model = model
    }

    /// Runs the job: writes the completed CSV to `output` and, when given, every imputed
    /// cell's conditional standard deviation to `deviations` (`ConditionalDeviationsFile`'s
    /// format). Neither is committed: the caller commits them, or abandons them on error.
    ///
    /// - Parameters:
    ///   - progress: told each EM iteration.
    /// - Throws: `CSVError` for the input (`.inputChanged` when it changes between the two
    ///   reads), the fit's errors (`EMError`, `GaussianModelError`, …) and `OutputError`.
    public func run(writingTo output: OutputTarget, deviations: OutputTarget? = nil,
                    progress: @escaping (IterationRecord) -> Void = { _ in }) throws -> ImputationOutcome {
        switch model {
        case .gaussian(let options): return try runStreaming(options, output: output, deviations: deviations, progress: progress)
        default: return try runInMemory(output: output, deviations: deviations, progress: progress)
        }
    }

    private func runStreaming(_ options: EMOptions, output: OutputTarget, deviations: OutputTarget?,
                              progress: @escaping (IterationRecord) -> Void) throws -> ImputationOutcome {
        let source = try CSVInput.opening(input)
        defer { source.removeSpool() }
        var pass1 = try fitStatistics(of: source, options, progress: progress)
        let (table, result, snapshot) = (pass1.table, pass1.result, pass1.snapshot)

        let clock = ContinuousClock()
        let start = clock.now
        let adjustment = table.adjustment(roundIntegers: roundsIntegers, clampToObservedRange: clampsToObservedRange)
        let distributions = ColumnDistributions(ranges: table.observedRanges,
                                                valueCounts: table.modelledColumns.map { _ in table.rowCount })
        let sample = includesInference ? RowSample(columnNames: result.model.columnNames, seed: options.seed) : nil
        _ = try pass2(.gaussian(result.model), source: source, adjustment: adjustment, output: output,
                      deviations: deviations, distributions: distributions, snapshot: snapshot, extra: sample.map { [$0] } ?? [])
        let timings = ImputationReport.Timings(load: pass1.loadTime, em: pass1.emTime, write: Self.seconds(clock.now - start))

        let facts = TableFacts(table, name: input, byteCount: snapshot.byteCount, distributions: distributions, sample: sample)
        var report = ImputationReport(facts: facts, fit: FitFacts(result), timings: timings, adjustment: adjustment)
        if includesInference { try pass1.addInference(to: &report) }
        var outcome = ImputationOutcome(report: report, model: .gaussian(result.model), fit: .gaussian(result),
                                        modelFile: try table.modelFile(for: result, adjustment: adjustment), facts: facts)
        outcome.spilledBytes = pass1.spill?.byteCount
        return outcome
    }

    /// Pass 1 and EM of the normal model: the per-pattern statistics of `source`, fitted.
    private func fitStatistics(of source: CSVInput, _ options: EMOptions,
                               progress: @escaping (IterationRecord) -> Void) throws -> StreamingFit {
        let clock = ContinuousClock()
        var start = clock.now
        var (table, snapshot) = try CSVStatisticsReader.read(source, options: reading,
                                                             threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        // Kept rows beyond the memory limit go to a temporary file, read back every iteration.
        var spill: KeptRowsSpillFile?
        if memoryLimit.isExceeded(byKeptCells: table.statistics.keptCellCount) {
            let file = try KeptRowsSpillFile()
            try table.spillKeptRows(to: file)
            spill = file
        }
        let loadTime = Self.seconds(clock.now - start)

        start = clock.now
        let result = try spill.map { try GaussianEM(options: options).fit(table.statistics, keptRows: $0, progress: progress) }
            ?? GaussianEM(options: options).fit(table.statistics, progress: progress)
        return StreamingFit(table: table, snapshot: snapshot, spill: spill, result: result,
                            loadTime: loadTime, emTime: Self.seconds(clock.now - start))
    }

    /// What pass 1 and EM of the normal model leave.
    private struct StreamingFit {
        var table: TableStatistics
        var snapshot: InputSnapshot
        var spill: KeptRowsSpillFile?
        var result: EMResult
        var loadTime: Double
        var emTime: Double

        /// Little's test and the standard errors, which read every pattern's moments.
        mutating func addInference(to report: inout ImputationReport) throws {
            if let spill { try table.restoreKeptRows(from: spill) }
            report.addInference(table.statistics, model: result.model)
        }
    }

    /// Fits the model without writing a completed CSV — what `emimpute fit INPUT` runs: the
    /// input is read as `run(writingTo:)` reads it and fitted the same way, so the outcome's
    /// model file is the one `run` gives. The report counts no imputed cells; its column
    /// summaries describe the observed cells.
    ///
    /// - Parameters:
    ///   - progress: told each EM iteration.
    /// - Throws: `CSVError` for the input and the fit's errors (`EMError`, `GaussianModelError`, …).
    public func fit(progress: @escaping (IterationRecord) -> Void = { _ in }) throws -> ImputationOutcome {
        if case .gaussian(let options) = model {
            let source = try CSVInput.opening(input)
            defer { source.removeSpool() }
            var pass1 = try fitStatistics(of: source, options, progress: progress)
            let adjustment = pass1.table.adjustment(roundIntegers: roundsIntegers, clampToObservedRange: clampsToObservedRange)
            let timings = ImputationReport.Timings(load: pass1.loadTime, em: pass1.emTime, write: 0)
            var report = pass1.table.report(for: pass1.result, inputs: [input], timings: timings, adjustment: adjustment)
            report.input.bytes = pass1.snapshot.byteCount
            if includesInference { try pass1.addInference(to: &report) }
            let facts = TableFacts(pass1.table, name: input, byteCount: pass1.snapshot.byteCount,
                                   distributions: ColumnDistributions(ranges: pass1.table.observedRanges,
                                                                      valueCounts: pass1.table.modelledColumns.map { _ in pass1.table.rowCount }),
                                   sample: nil)
            var outcome = ImputationOutcome(report: report, model: .gaussian(pass1.result.model), fit: .gaussian(pass1.result),
                                            modelFile: try pass1.table.modelFile(for: pass1.result, adjustment: adjustment), facts: facts)
            outcome.spilledBytes = pass1.spill?.byteCount
            return outcome
        }
        let (table, (fit, fitFacts, fitted), loadTime, emTime) = try loadAndFit(progress: progress)
        defer { table.input.removeSpool() }
        let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: roundsIntegers, clampToObservedRange: clampsToObservedRange)
        // The observed cells alone, as rows with nothing imputed, for the column summaries.
        let distributions = ColumnDistributions(ranges: adjustment.observed, valueCounts: table.modelledColumns.map { _ in table.rowCount })
        for i in 0..<table.rowCount {
            distributions.consume(CompletedRow(index: i, values: table.matrix.row(i).map { $0 ?? .nan }, imputed: []))
        }
        let facts = TableFacts(table, distributions: distributions)
        let report = ImputationReport(facts: facts, fit: fitFacts, timings: .init(load: loadTime, em: emTime, write: 0),
                                      adjustment: adjustment)
        return ImputationOutcome(report: report, model: fitted, fit: fit,
                                 modelFile: try fit.modelFile(table: table, adjustment: adjustment), facts: facts)
    }

    private func runInMemory(output: OutputTarget, deviations: OutputTarget?,
                             progress: @escaping (IterationRecord) -> Void) throws -> ImputationOutcome {
        let (table, (fit, facts, fitted), loadTime, emTime) = try loadAndFit(progress: progress)
        defer { table.input.removeSpool() }
        let clock = ContinuousClock(), start = clock.now
        let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: roundsIntegers, clampToObservedRange: clampsToObservedRange)
        let distributions = ColumnDistributions(ranges: adjustment.observed, valueCounts: table.modelledColumns.map { _ in table.rowCount })
        _ = try pass2(fitted, source: table.input, adjustment: adjustment, output: output, deviations: deviations,
                      distributions: distributions, snapshot: table.snapshot)
        let timings = ImputationReport.Timings(load: loadTime, em: emTime, write: Self.seconds(clock.now - start))
        let tableFacts = TableFacts(table, distributions: distributions)
        let report = ImputationReport(facts: tableFacts, fit: facts, timings: timings, adjustment: adjustment)
        return ImputationOutcome(report: report, model: fitted, fit: fit,
                                 modelFile: try fit.modelFile(table: table, adjustment: adjustment), facts: tableFacts)
    }

    /// Loads the whole input and fits it (the models that need every row): the table, whose
    /// spool file the caller removes, the fit, and the seconds each step took.
    private func loadAndFit(progress: @escaping (IterationRecord) -> Void)
        throws -> (table: LoadedTable, fitted: (fit: ImputationOutcome.Fit, facts: FitFacts, model: FittedModel),
                   loadTime: Double, emTime: Double) {
        let clock = ContinuousClock()
        var start = clock.now
        let table = try CSVLoader.load(input, options: reading)
        let loadTime = Self.seconds(clock.now - start)
        start = clock.now
        do {
            let fitted = try fit(table, progress: progress)
            return (table, fitted, loadTime, Self.seconds(clock.now - start))
        } catch {
            table.input.removeSpool()
            throw error
        }
    }

    /// The fit of a table held in memory (what multiple imputation draws from): the fit,
    /// what the report says of it, and the model.
    package func fit(_ table: LoadedTable, progress: @escaping (IterationRecord) -> Void)
        throws -> (fit: ImputationOutcome.Fit, facts: FitFacts, model: FittedModel) {
        let groups = table.matrix.patternGroups()
        switch model {
        case .gaussian(let options):
            // EM on the per-pattern statistics, as the streaming path fits them.
            let result = try GaussianEM(options: options).fit(table.statistics, progress: progress)
            return (.gaussian(result), FitFacts(result), .gaussian(result.model))
        case .mixture(let options, let largest):
            if let largest {
                let selection = try GaussianMixtureEM(options: options).fitSelectingComponents(table.matrix, maxComponents: largest)
                return (.mixture(selection.best), try FitFacts(groups, mixture: selection.best, selection: selection.table),
                        .mixture(selection.best.model))
            }
            let result = try GaussianMixtureEM(options: options).fit(table.matrix, progress: progress)
            return (.mixture(result), try FitFacts(groups, mixture: result, selection: nil), .mixture(result.model))
        case .t(let options):
            let result = try MultivariateTEM(options: options).fit(table.matrix, progress: progress)
            return (.t(result), FitFacts(groups, t: result), .t(result.model))
        }
    }

    /// Pass 2: the completed CSV, the deviations and the distributions, from one stream of rows.
    private func pass2(_ model: FittedModel, source: CSVInput, adjustment: ImputedValueAdjustment, output: OutputTarget,
                       deviations: OutputTarget?, distributions: ColumnDistributions, snapshot: InputSnapshot,
                       extra: [any CompletedRowConsumer] = []) throws -> ModelApplier.Summary {
        var consumers: [any CompletedRowConsumer] = [distributions] + extra
        if let deviations { consumers.append(try ConditionalDeviationsWriter(deviations, columnNames: model.columnNames)) }
        return try ModelApplier.apply(model, path: source.path, display: source.displayName, options: reading, output: output,
                                      adjustment: adjustment, computesDeviations: deviations != nil, consumers: consumers,
                                      snapshot: snapshot, threads: threads)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
