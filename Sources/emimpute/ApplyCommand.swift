import ArgumentParser
import EMImpute
import Foundation

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Impute a CSV with a model saved by 'impute --save-model', without refitting.",
        discussion: """
            Examples:
              emimpute impute history.csv --save-model model.json -o /dev/null
              emimpute apply --model model.json today.csv -o today-completed.csv
              cat today.csv | emimpute apply --model model.json - > completed.csv
              emimpute apply --model model.json today.csv --variance-output sd.csv -o out.csv

            Columns are matched by name; extra columns pass through untouched. Each missing \
            modelled cell becomes its conditional mean under the saved model, exactly as \
            'impute' would with the same model. The input is streamed: memory does not grow \
            with the number of rows. Missing-value codes are the model's unless --na is given.
            """)

    @Option(help: ArgumentHelp("The model file written by 'impute --save-model'.", valueName: "file"))
    var model: String

    @Argument(help: "The input CSV file, or - for standard input.")
    var input: String

    @OptionGroup var dialect: DialectOptions

    @Option(name: .customLong("na"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Missing-value codes to use instead of the model's (repeatable).", valueName: "code"))
    var missingCodes: [String] = []

    @Option(name: [.short, .long], help: ArgumentHelp("Write the completed CSV here (atomically) instead of to standard output.", valueName: "file"))
    var output: String?

    @Flag(help: "Allow --output to be the input file, replacing it.")
    var inPlace = false

    @Option(help: ArgumentHelp("Also write, for every imputed cell, its conditional standard deviation (CSV: row,column,imputed,conditional_sd).", valueName: "file"))
    var varianceOutput: String?

    @Flag(name: .shortAndLong, help: "Print no summary on standard error.")
    var quiet = false

    func run() throws {
        InterruptCleanup.install()
        signal(SIGPIPE, SIG_IGN)
        do {
            for target in [output, varianceOutput].compactMap({ $0 }) where !inPlace || target == varianceOutput {
                if SameFile.check(input, target) { throw OutputError.wouldOverwriteInput(path: target) }
            }
            let file = try ModelFile.read(model)
            let gaussian = try file.model(file: model)
            var options = CSVReadOptions()
            dialect.configure(&options)
            options.missingTokens = missingCodes.isEmpty ? file.missingTokens : missingCodes
            let target = try output.map(OutputTarget.file) ?? OutputTarget.standardOutput()
            let deviations = try varianceOutput.map(OutputTarget.file)
            do {
                try deviations?.write("row,column,imputed,conditional_sd\n")
                let summary = try ModelApplier.apply(gaussian, input: input, options: options, output: target, deviations: deviations)
                try target.commit()
                try deviations?.commit()
                if !quiet {
                    Failure.printError("emimpute: \(summary.rows) rows; imputed \(summary.imputedCells) cell(s) in \(summary.rowsWithImputedCells) row(s) with the model in \(model)")
                }
            } catch {
                target.abandon()
                deviations?.abandon()
                throw error
            }
        } catch {
            throw Failure.report(error)
        }
    }
}
