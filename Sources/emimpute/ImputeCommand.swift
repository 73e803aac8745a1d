import ArgumentParser
import EMImpute
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
              emimpute impute history.csv --save-model model.json -o /dev/null

            The completed CSV goes to --output (written atomically) or to standard output. A \
            summary and any warnings go to standard error; --report writes every diagnostic as JSON.
            """)

    @OptionGroup var inputOptions: InputOptions
    @OptionGroup var fitOptions: FitOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write the completed CSV here (atomically) instead of to standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Allow --output to be the input file, replacing it.")
    var inPlace = false

    @Option(help: ArgumentHelp("Write the diagnostics as JSON (schema: Docs/Report.md).", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Write a self-contained HTML report with charts (see Docs/Report.md).", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Save the fitted model as JSON, to impute other files with 'emimpute apply'.", valueName: "file"))
    var saveModel: String?

    @Flag(help: "Round the imputed cells of columns whose observed values are all integers (survey items).")
    var roundIntegers = false

    @Flag(help: "Clamp each imputed cell to the range of its column's observed values.")
    var clamp = false

    @Flag(name: .shortAndLong, help: "Print no summary or warnings on standard error.")
    var quiet = false

    @Flag(help: "Print progress on standard error even when it is not a terminal.")
    var progress = false

    func run() throws {
        InterruptCleanup.install()
        signal(SIGPIPE, SIG_IGN)
        do {
            try impute()
        } catch {
            throw Failure.report(error)
        }
    }

    private func impute() throws {
        let source = inputOptions.input
        for target in [output, report, html].compactMap({ $0 }) where !inPlace || target == report || target == html {
            if SameFile.check(source, target) { throw OutputError.wouldOverwriteInput(path: target) }
        }
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
        let written = adjustment.adjusted(result.imputedValues, of: table.matrix)
        start = clock.now
        let target = try output.map(OutputTarget.file) ?? OutputTarget.standardOutput()
        do {
            try CompletedCSVWriter.write(table, imputedValues: written, to: target)
            try target.commit()
        } catch {
            target.abandon()
            throw error
        }
        let writeTime = seconds(clock.now - start)

        let diagnostics = ImputationReport(table: table, result: result,
                                           timings: .init(load: loadTime, em: emTime, write: writeTime), adjustment: adjustment,
                                           writtenValues: written)
        if let report { try OutputTarget.writeFile(report, contents: try diagnostics.json()) }
        if let saveModel { try OutputTarget.writeFile(saveModel, contents: try ModelFile(table: table, result: result).json()) }
        if let html { try OutputTarget.writeFile(html, contents: HTMLReport.render(table: table, result: result, report: diagnostics)) }
        if !quiet { FileHandle.standardError.write(Data(TextSummary.impute(diagnostics).utf8)) }
    }

    private func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }
}

/// Whether two paths name the same existing file (same device and inode).
enum SameFile {
    static func check(_ a: String, _ b: String) -> Bool {
        guard a != "-",
              let x = try? FileManager.default.attributesOfItem(atPath: a),
              let y = try? FileManager.default.attributesOfItem(atPath: b) else { return false }
        return (x[.systemNumber] as? NSNumber) == (y[.systemNumber] as? NSNumber)
            && (x[.systemFileNumber] as? NSNumber) == (y[.systemFileNumber] as? NSNumber)
    }
}
