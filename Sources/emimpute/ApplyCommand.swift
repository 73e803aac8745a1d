import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Impute a CSV with a model saved by 'impute --save-model', without refitting.",
        discussion: """
            Examples:
              emimpute impute history.csv --save-model model.json -o history-completed.csv
              emimpute apply --model model.json today.csv -o today-completed.csv
              cat today.csv | emimpute apply --model model.json - > completed.csv
              emimpute apply --model model.json today.csv --sd-output sd.csv -o out.csv

            Columns are matched by name; extra columns pass through untouched. Each missing \
            modelled cell becomes its conditional mean under the saved model, exactly as \
            'impute' would with the same model. The input is streamed: memory does not grow \
            with the number of rows. Missing-value codes are the model's, plus any --na codes \
            (--na-only: the --na codes alone). Rounding and clamping of the imputed cells are \
            as the model was trained (impute --round-integers/--clamp) unless changed here.
            """)

    @Option(help: ArgumentHelp("The model file written by 'impute --save-model'.", valueName: "file"))
    var model: String

    @Argument(help: "The input CSV file, or - for standard input.")
    var input: String

    @OptionGroup var dialect: DialectOptions

    @OptionGroup var part: PartOptions

    @Option(name: .customLong("na"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("An extra missing-value code, added to the model's (repeatable).", valueName: "code"))
    var missingCodes: [String] = []

    @Flag(help: "Use only the --na codes, not the model's.")
    var naOnly = false

    @Flag(inversion: .prefixedNo, help: "Round the imputed cells of columns whose training values were all integers (default: as in training).")
    var roundIntegers: Bool?

    @Flag(inversion: .prefixedNo, help: "Clamp each imputed cell to its column's range in the training data (default: as in training).")
    var clamp: Bool?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the completed CSV here instead of to standard output (- is standard output); a regular file is replaced atomically, a FIFO or device written through.", valueName: "file"))
    var output: String?

    @Flag(help: "Allow --output to be the input file, replacing it.")
    var inPlace = false

    @Option(name: [.customLong("sd-output"), .customLong("variance-output")],
            help: ArgumentHelp("Also write, for every imputed cell, its conditional standard deviation (CSV: row,column,imputed,conditional_sd). --variance-output is the old name, kept as an alias.", valueName: "file"))
    var sdOutput: String?

    @Flag(name: .shortAndLong, help: "Print no summary on standard error.")
    var quiet = false

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads for a regular input file (default: all cores). The output does not depend on it.", valueName: "n"))
    var threads: Int?

    mutating func validate() throws {
        try part.validate(noHeader: dialect.noHeader)
        if inPlace && output == nil { throw ValidationError("--in-place needs --output naming the input file") }
        if inPlace && input == "-" { throw ValidationError("--in-place cannot replace standard input") }
        if naOnly && missingCodes.isEmpty { throw ValidationError("--na-only needs at least one --na code") }
        if let threads, !(1...FitOptions.threadLimit).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(FitOptions.threadLimit), not \(threads)")
        }
    }

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        TestFault.activate()
        do {
            try apply()
        } catch {
            throw Failure.report(error)
        }
    }

    private func apply() throws {
        var requests = [OutputSet.Request.completedCSV(output: output, inPlace: inPlace)]
        if let sdOutput { requests.append(.init(label: "--sd-output", path: sdOutput)) }
        try StandardStreams.requireStandardOutput(for: requests.map(\.path))
        // Checked before anything is read: no output may replace the data or the model.
        let outputs = try OutputSet(requests, inputs: [.init(label: "input", path: input, isReplaceable: true),
                                                       .init(label: "--model", path: model)])
        let summary: ModelApplier.Summary
        var adjusted = ""
        do {
            let file = try ModelFile.read(model)
            let fitted = try file.fittedModel(file: model)
            var options = CSVReadOptions()
            dialect.configure(&options)
            part.configure(&options)
            options.missingTokens = naOnly ? missingCodes : file.missingTokens + missingCodes
            let adjustment = try file.appliedAdjustment(roundIntegers: roundIntegers, clampToObservedRange: clamp, file: model)
            adjusted = adjustment?.summary(columnNames: file.columns).map { "; imputed cells \($0) of the training data" } ?? ""
            let deviations = sdOutput == nil ? nil : outputs.targets[1]
            summary = try ModelApplier.apply(fitted, input: input, options: options, output: outputs.targets[0], deviations: deviations,
                                             adjustment: adjustment, threads: threads)
            try outputs.commit()
        } catch {
            outputs.abandon()
            throw error
        }
        if !quiet {
            Failure.printError("emimpute: \(summary.rows) rows; imputed \(summary.imputedCells) cell(s) in \(summary.rowsWithImputedCells) row(s) with the model in \(model)\(adjusted)")
            TextSummary.warningLines(summary.warnings.map(ReportWarning.input)).forEach { Failure.printError(PrintableText.escaping($0)) }
        }
    }
}
