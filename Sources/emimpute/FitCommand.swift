import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit the model to merged statistics files, without reading any CSV again.",
        discussion: """
            Examples:
              emimpute statistics monday.csv -o monday.stats.json
              emimpute statistics tuesday.csv -o tuesday.stats.json
              emimpute fit --statistics monday.stats.json tuesday.stats.json --save-model model.json
              emimpute apply --model model.json wednesday.csv -o wednesday-completed.csv

            The files are merged — their columns, dialect and missing-value codes must agree — \
            and fitted: the estimates are those of a fit on all their rows together, so a model \
            can take in each new batch without reading the old ones again. A summary goes to \
            standard error; --report writes the diagnostics as JSON (the schema of 'impute \
            --report', with no imputed cells).
            """)

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Statistics files written by 'emimpute statistics' (one or more).", valueName: "file"))
    var statistics: [String] = []

    @Option(parsing: .upToNextOption, help: ArgumentHelp("Instead of --statistics: summaries written by 'emimpute estep --summary' of the parts of data held elsewhere. Each E-step is then a request written on standard output (one JSON line), answered on standard input by one line: the JSON array of 'estep --at' outputs of every part (Docs/Spark.md).", valueName: "file"))
    var summaries: [String] = []

    @OptionGroup var fitOptions: FitOptions

    @OptionGroup var fitOutputs: FitOutputOptions
    private var report: String? { fitOutputs.report }
    private var saveModel: String? { fitOutputs.saveModel }
    private var quiet: Bool { fitOutputs.quiet }
    private var progress: Bool { fitOutputs.progress }

    @Flag(help: "Record in the model that 'apply' rounds the imputed cells of columns whose observed values are all integers.")
    var roundIntegers = false

    @Flag(help: "Record in the model that 'apply' clamps each imputed cell to its column's observed range.")
    var clamp = false

    @Option(help: ArgumentHelp("With --statistics: memory for the rows that rare missingness patterns keep while EM runs: bytes, or a size such as 512M or 2G, or auto (a quarter of physical memory, at most 128M). Beyond it they are spilled to a temporary file and read back every iteration, with the same estimates.", valueName: "size"),
            transform: { try MemoryLimit($0) })
    var memoryLimit: MemoryLimit = .automatic

    mutating func validate() throws {
        if statistics.isEmpty == summaries.isEmpty {
            if summaries.isEmpty { throw ValidationError("--statistics needs at least one file written by 'emimpute statistics'") }
            throw ValidationError("give --statistics or --summaries, not both")
        }
        if !summaries.isEmpty, [report, saveModel].contains("-") {
            throw ValidationError("with --summaries standard output carries the E-step requests: write --report and --save-model to files")
        }
    }

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        do {
            if summaries.isEmpty {
                try fit(statistics, label: "--statistics", as: TableStatistics.self) { merged, printer in
                    try merged.fit(GaussianEM(options: fitOptions.emOptions), memoryLimit: memoryLimit, progress: printer.iteration).result
                }
            } else {
                // The E-steps are answered on standard input.
                try fit(summaries, label: "--summaries", as: TableSummary.self) { merged, printer in
                    try GaussianEM(options: fitOptions.emOptions).fit(merged.summary, progress: printer.iteration,
                                                                      expectation: ExpectationExchange.standardStreams)
                }
            }
        } catch {
            throw Failure.report(error)
        }
    }

    /// The outputs asked for, in the order `fit()` writes them.
    private var outputRequests: [OutputSet.Request] {
        var requests: [OutputSet.Request] = []
        if let saveModel { requests.append(.init(label: "--save-model", path: saveModel)) }
        if let report { requests.append(.init(label: "--report", path: report)) }
        return requests
    }

    /// Reads and merges `paths` (`label` names them in errors), fits them with `estimate`,
    /// and writes the model file and the report asked for: `--statistics` and `--summaries`
    /// differ only in what they read and in how an E-step is answered.
    private func fit<Source: MergeableFitInput>(_ paths: [String], label: String, as _: Source.Type,
                                                estimate: (inout Source, ProgressPrinter) throws -> EMResult) throws {
        let requests = outputRequests
        try StandardStreams.requireStandardOutput(for: requests.map(\.path))
        let outputs = try OutputSet(requests, inputs: paths.map { .init(label: label, path: $0) })
        let summary: String
        do {
            let clock = ContinuousClock()
            var start = clock.now
            var merged = try Source.read(paths[0])
            for path in paths.dropFirst() { try merged.merge(try Source.read(path)) }
            let loadTime = Self.seconds(clock.now - start)
            start = clock.now
            let result = try estimate(&merged, ProgressPrinter(requested: progress, quiet: quiet))
            let emTime = Self.seconds(clock.now - start)
            let adjustment = merged.adjustment(roundIntegers: roundIntegers, clampToObservedRange: clamp)
            let diagnostics = merged.report(for: result, inputs: paths, timings: .init(load: loadTime, em: emTime, write: 0),
                                            adjustment: adjustment)
            summary = try write(diagnostics, model: { try merged.modelFile(for: result, adjustment: adjustment) }, to: outputs)
        } catch {
            outputs.abandon()
            throw error
        }
        if !quiet { StandardStreams.writeError(summary) }
    }

    /// Writes the model file and the report (with the CLI's remedies) that were asked for,
    /// commits them, and returns the summary to print.
    private func write(_ report: ImputationReport, model: () throws -> ModelFile, to outputs: OutputSet) throws -> String {
        var diagnostics = report
        diagnostics.setRemedies(Remedy.text(for:))
        var targets = outputs.targets.makeIterator()
        if saveModel != nil { try targets.next()!.write(try model().json()) }
        if self.report != nil { try targets.next()!.write(try diagnostics.json()) }
        try outputs.commit()
        return TextSummary.impute(diagnostics)
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// What `fit` merges and fits: `emimpute statistics` files, or `estep --summary` summaries.
protocol MergeableFitInput {
    static func read(_ path: String) throws -> Self
    mutating func merge(_ other: Self) throws
    func adjustment(roundIntegers: Bool, clampToObservedRange: Bool) -> ImputedValueAdjustment
    func report(for result: EMResult, inputs: [String], timings: ImputationReport.Timings,
                adjustment: ImputedValueAdjustment?) -> ImputationReport
    func modelFile(for result: EMResult, adjustment: ImputedValueAdjustment) throws -> ModelFile
}

extension TableStatistics: MergeableFitInput {
    func modelFile(for result: EMResult, adjustment: ImputedValueAdjustment) throws -> ModelFile {
        try modelFile(for: result, adjustment: Optional(adjustment))
    }
}

extension TableSummary: MergeableFitInput {}

/// The line protocol of `fit --summaries`: a request out, the parts' sums in.
enum ExpectationExchange {
    /// Why an exchange failed.
    enum Failure: Error, CustomStringConvertible, LocalizedError {
        case inputEnded(step: Int)
        case invalidAnswer(step: Int, reason: String)
        var description: String {
            switch self {
            case .inputEnded(let step):
                return "standard input ended before the answer to E-step \(step); run 'fit --summaries' under the driver that answers its requests"
            case .invalidAnswer(let step, let reason):
                return "the answer to E-step \(step) is not a JSON array of 'estep --at' outputs: \(reason)"
            }
        }
        var errorDescription: String? { description }
    }

    /// Writes `request` as one line on standard output and reads the parts' sums, added in
    /// the order given, from one line of standard input.
    static func standardStreams(_ request: ExpectationRequest) throws -> ExpectationSums {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = Array(try encoder.encode(request)) + [10]
        try bytes.withUnsafeBytes { buffer in
            do { try FileDescriptorIO.writeAll(1, buffer.baseAddress!, count: buffer.count) } catch { throw OutputError.standardOutputClosed }
        }
        guard let line = readLine(strippingNewline: true) else { throw Failure.inputEnded(step: request.step) }
        let parts: [ExpectationSums]
        do {
            parts = try JSONDecoder().decode([ExpectationSums].self, from: Data(line.utf8))
        } catch {
            throw Failure.invalidAnswer(step: request.step, reason: "\(error)")
        }
        var total = ExpectationSums(columns: request.columns)
        for part in parts { try total.add(part) }
        return total
    }
}
