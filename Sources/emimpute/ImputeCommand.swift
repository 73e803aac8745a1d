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

    @Option(name: [.short, .long], help: ArgumentHelp("Write the completed CSV here instead of to standard output (- is standard output). A regular file is replaced atomically, keeping its permissions; a symlink is followed; a FIFO or device is written through.", valueName: "file"))
    var output: String?

    @Flag(help: "Allow --output to be the input file, replacing it.")
    var inPlace = false

    @Option(help: ArgumentHelp("Write the diagnostics as JSON (schema: Docs/Report.md); - is standard output.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report with charts (see Docs/Report.md).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Save the fitted model as JSON, to impute other files with 'emimpute apply'.", valueName: "file"))
    var saveModel: String?

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

    @Flag(name: .shortAndLong, help: "Print no summary or warnings on standard error.")
    var quiet = false

    @Flag(help: "Print progress on standard error even when it is not a terminal.")
    var progress = false

    mutating func validate() throws {
        if inPlace && output == nil { throw ValidationError("--in-place needs --output naming the input file") }
        if inPlace && inputOptions.input == "-" { throw ValidationError("--in-place cannot replace standard input") }
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
        var requests = imputations.map(completedRequests) ?? [OutputSet.Request(label: output == nil ? "completed CSV (standard output without --output)" : "--output",
                                                                                path: output ?? "-", mayReplaceInput: inPlace)]
        if let report { requests.append(.init(label: "--report", path: report)) }
        if let html { requests.append(.init(label: "--html", path: html)) }
        if let saveModel { requests.append(.init(label: "--save-model", path: saveModel)) }
        if let sdOutput { requests.append(.init(label: "--sd-output", path: sdOutput)) }
        return requests
    }

    private func impute() throws {
        let source = inputOptions.input
        let requests = outputRequests
        if requests.contains(where: { $0.path == "-" || $0.path == "/dev/stdout" }) && StandardStreams.closedAtStart.contains(1) {
            throw OutputError.standardOutputClosed
        }
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

    /// Loads, fits and writes every output (not yet committed); returns the summary to print.
    private func impute(_ source: String, into outputs: OutputSet) throws -> String {
        let printer = ProgressPrinter(requested: progress, quiet: quiet)
        let clock = ContinuousClock()

        var start = clock.now
        let table = try CSVLoader.load(source, options: inputOptions.readOptions, progress: printer.loading)
        defer { table.input.removeSpool() }
        let loadTime = seconds(clock.now - start)

        start = clock.now
        let result = try GaussianEM(options: fitOptions.emOptions).fit(table.matrix, progress: printer.iteration)
        let emTime = seconds(clock.now - start)

        if TestFault.current == .internal {
            throw CompletedCSVWriter.Inconsistency(description: "simulated internal error (EMIMPUTE_TEST_FAULT=internal)")
        }
        let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: roundIntegers, clampToObservedRange: clamp)
        let written = try adjustment.adjusted(result.imputedValues, of: table.matrix)
        start = clock.now
        var targets = outputs.targets.makeIterator()
        var multiple: MultipleImputationReport?
        var draws: [[Double]] = []
        if let imputations {
            (multiple, draws) = try writeMultipleImputations(imputations, table: table, fit: result, adjustment: adjustment, targets: &targets)
        } else {
            try CompletedCSVWriter.write(table, imputedValues: written, to: targets.next()!)
        }
        let writeTime = seconds(clock.now - start)

        var diagnostics = ImputationReport(table: table, result: result,
                                           timings: .init(load: loadTime, em: emTime, write: writeTime), adjustment: adjustment,
                                           writtenValues: written, includesInference: report != nil)
        diagnostics.multipleImputation = multiple
        if report != nil { try targets.next()!.write(try diagnostics.json()) }
        if html != nil { try targets.next()!.write(HTMLReport.render(table: table, result: result, report: diagnostics, writtenValues: written, imputations: draws)) }
        if saveModel != nil { try targets.next()!.write(try ModelFile(table: table, result: result, adjustment: adjustment).json()) }
        if sdOutput != nil { try ConditionalDeviationsFile.write(table.matrix, model: result.model, writtenValues: written, to: targets.next()!) }
        return TextSummary.impute(diagnostics)
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}
