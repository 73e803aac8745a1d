import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

struct ImputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "impute",
        abstract: "Impute the missing numeric cells of a CSV and write the completed CSV.",
        discussion: """
            Examples:
              emimpute impute Datasets/airquality.csv -o airquality-completed.csv
              emimpute impute survey.csv --na -99 --exclude respondent_id --report report.json
              cat data.csv | emimpute impute - --quiet > completed.csv
              emimpute impute history.csv --save-model model.json -o history-completed.csv

            The completed CSV goes to --output or to standard output; - names standard output for any output. A \
            summary and any warnings go to standard error; --report writes every diagnostic as JSON.
            """)

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var fitOptions: FitOptions
    @OptionGroup(title: "Model") var modelOptions: ModelOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write the completed CSV here instead of to standard output (- is standard output). A regular file is replaced atomically, keeping its permissions; a symlink is followed; a FIFO or device is written through.", valueName: "file"))
    var output: String?

    @Flag(help: "Allow --output to be the input file, replacing it.")
    var inPlace = false

    @OptionGroup var fitOutputs: FitOutputOptions
    private var report: String? { fitOutputs.report }
    private var saveModel: String? { fitOutputs.saveModel }
    private var quiet: Bool { fitOutputs.quiet }
    private var progress: Bool { fitOutputs.progress }

    @Option(help: ArgumentHelp("Write a self-contained HTML report with charts (see Docs/Report.md).", valueName: "file"))
    var html: String?

    @Flag(help: "Round the imputed cells of columns whose observed values are all integers (survey items).")
    var roundIntegers = false

    @Flag(help: "Clamp each imputed cell to the range of its column's observed values.")
    var clamp = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Multiple imputation: write M ≥ 2 completed data sets whose imputed cells are random draws (-o out.csv writes out-1.csv … out-M.csv; standard output gets one long CSV with a leading 'imputation' column) and pool the results by Rubin's rules.", valueName: "M"))
    var imputations: Int?

    @Option(help: ArgumentHelp("With --imputations: fit this linear regression (intercept included) on every completed data set and pool it; repeatable.", valueName: "'y ~ x1 + x2'"))
    var regress: [String] = []

    @Flag(help: "With --imputations: redraw an imputed cell that falls outside its column's observed range (up to 100 times, then the nearest bound).")
    var boundedDraws = false

    @Option(help: ArgumentHelp("Also write, for every imputed cell, its conditional standard deviation (CSV: row,column,imputed,conditional_sd, as apply --sd-output).", valueName: "file"))
    var sdOutput: String?

    @Option(help: ArgumentHelp("Memory for the rows that rare missingness patterns keep while EM runs (normal model): bytes, or a size such as 512M or 2G, or auto (a quarter of physical memory, at most 128M). Beyond it they are spilled to a temporary file and read back every iteration, with the same estimates.", valueName: "size"),
            transform: { try MemoryLimit($0) })
    var memoryLimit: MemoryLimit = .automatic

    mutating func validate() throws {
        if inPlace && output == nil { throw ValidationError("--in-place needs --output naming the input file") }
        if inPlace && inputOptions.input == "-" { throw ValidationError("--in-place cannot replace standard input") }
        if modelOptions.model != .gaussian {
            if fitOptions.ridge != 0 { throw ValidationError("--ridge applies to --model gaussian") }
            if fitOptions.accelerate != .none { throw ValidationError("--accelerate applies to --model gaussian") }
        }
        try validateMultipleImputation()
    }

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        TestFault.activate()
        do {
            try impute()
        } catch {
            throw Failure.report(error)
        }
    }

    /// The outputs asked for, in the order `impute()` writes them; the completed CSV goes to
    /// standard output unless --output names a file (or another output claims standard output).
    private var outputRequests: [OutputSet.Request] {
        var requests = imputations.map(completedRequests) ?? [OutputSet.Request.completedCSV(output: output, inPlace: inPlace)]
        if let report { requests.append(.init(label: "--report", path: report)) }
        if let html { requests.append(.init(label: "--html", path: html)) }
        if let saveModel { requests.append(.init(label: "--save-model", path: saveModel)) }
        if let sdOutput { requests.append(.init(label: "--sd-output", path: sdOutput)) }
        return requests
    }

    private func impute() throws {
        let source = inputOptions.input
        let requests = outputRequests
        try StandardStreams.requireStandardOutput(for: requests.map(\.path))
        // Every destination is checked before the input is read: a bad path fails at once.
        let outputs = try OutputSet(requests, inputs: [.init(label: "input", path: source, isReplaceable: true)])
        let summary: String
        do {
            summary = try impute(source, into: outputs)
            try outputs.commit()
        } catch {
            outputs.abandon()
            throw error
        }
        if !quiet { StandardStreams.writeError(summary) }
    }

    /// The job the options describe.
    private var job: ImputationJob {
        var job = ImputationJob(input: inputOptions.input, reading: inputOptions.readOptions)
        switch modelOptions.model {
        case .gaussian:
            job.model = .gaussian(fitOptions.emOptions)
        case .mixture:
            var options = GaussianMixtureOptions()
            options.tolerance = fitOptions.tolerance
            options.maxIterations = fitOptions.maxIterations
            options.starts = min((fitOptions.starts ?? 4) + 1, EMOptions.maximumStarts)
            options.seed = fitOptions.seed
            options.threads = fitOptions.threads
            if let k = modelOptions.fixedComponents { options.components = k }
            job.model = .mixture(options, selectingUpTo: modelOptions.fixedComponents == nil ? modelOptions.maxComponents ?? 6 : nil)
        case .t:
            var options = MultivariateTOptions()
            options.tolerance = fitOptions.tolerance
            options.maxIterations = fitOptions.maxIterations
            options.threads = fitOptions.threads
            options.degreesOfFreedom = modelOptions.df
            job.model = .t(options)
        }
        job.roundsIntegers = roundIntegers
        job.clampsToObservedRange = clamp
        job.threads = fitOptions.threads
        job.includesInference = report != nil || html != nil
        job.memoryLimit = memoryLimit
        return job
    }

    /// Fits and writes every output (not yet committed); returns the summary to print.
    private func impute(_ source: String, into outputs: OutputSet) throws -> String {
        let printer = ProgressPrinter(requested: progress, quiet: quiet)
        if let imputations { return try imputeMultiply(imputations, source, into: outputs, printer: printer) }
        if TestFault.current == .internal {
            throw CSVInconsistency(description: "simulated internal error (EMIMPUTE_TEST_FAULT=internal)")
        }
        var targets = outputs.targets.makeIterator()
        let completed = targets.next()!
        let reportTarget = report == nil ? nil : targets.next()!
        let htmlTarget = html == nil ? nil : targets.next()!
        let modelTarget = saveModel == nil ? nil : targets.next()!
        let deviationsTarget = sdOutput == nil ? nil : targets.next()!
        var outcome = try job.run(writingTo: completed, deviations: deviationsTarget, progress: printer.iteration)
        outcome.report.setRemedies(Remedy.text(for:))
        try reportTarget?.write(try outcome.report.json())
        try htmlTarget?.write(outcome.htmlReport())
        try modelTarget?.write(try outcome.modelFile.json())
        return TextSummary.impute(outcome.report)
    }

    /// `--imputations M`: the parameter draws refit the rows in memory; the cells are drawn in
    /// one pass over the input (`writeMultipleImputations`).
    private func imputeMultiply(_ count: Int, _ source: String, into outputs: OutputSet, printer: ProgressPrinter) throws -> String {
        let clock = ContinuousClock()
        var start = clock.now
        let table = try CSVLoader.load(source, options: inputOptions.readOptions, progress: printer.loading)
        defer { table.input.removeSpool() }
        let loadTime = seconds(clock.now - start)
        start = clock.now
        let (fit, fitFacts, fitted) = try job.fit(table, progress: printer.iteration)
        let emTime = seconds(clock.now - start)
        let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: roundIntegers, clampToObservedRange: clamp)
        start = clock.now
        var targets = outputs.targets.makeIterator()
        let drawn: MultipleImputationFit = switch fit {
        case .gaussian(let r): .gaussian(r)
        case .mixture(let r): .mixture(r)
        case .t(let r): .t(r)
        }
        let (multiple, drawnValues) = try writeMultipleImputations(count, table: table, fit: drawn, adjustment: adjustment, targets: &targets)
        let writeTime = seconds(clock.now - start)
        let reportTarget = report == nil ? nil : targets.next()!
        let htmlTarget = html == nil ? nil : targets.next()!
        let modelTarget = saveModel == nil ? nil : targets.next()!
        let deviationsTarget = sdOutput == nil ? nil : targets.next()!
        let facts = try TableFacts.completing(table, model: fitted, adjustment: adjustment, deviations: deviationsTarget)
        var diagnostics = ImputationReport(facts: facts, fit: fitFacts,
                                           timings: .init(load: loadTime, em: emTime, write: writeTime), adjustment: adjustment)
        diagnostics.multipleImputation = multiple
        if case .gaussian(let result) = fit, report != nil || html != nil {
            diagnostics.addInference(table.statistics, model: result.model)
        }
        diagnostics.setRemedies(Remedy.text(for:))
        try reportTarget?.write(try diagnostics.json())
        try htmlTarget?.write(HTMLReport.render(facts: facts, report: diagnostics, draws: drawnValues))
        try modelTarget?.write(try fit.modelFile(table: table, adjustment: adjustment).json())
        return TextSummary.impute(diagnostics)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
