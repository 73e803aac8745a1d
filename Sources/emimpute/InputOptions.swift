import ArgumentParser
import EMImpute

/// How to read the input CSV: shared by every command that reads one.
struct InputOptions: ParsableArguments {
    @Argument(help: "The input CSV file, or - for standard input.")
    var input: String

    @OptionGroup var reading: ReadingOptions

    var dialect: DialectOptions { reading.dialect }
    var readOptions: CSVReadOptions { reading.readOptions }
}
