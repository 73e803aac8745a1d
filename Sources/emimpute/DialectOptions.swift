import ArgumentParser
import EMImpute

/// The CSV dialect of an input: shared by every command that reads one.
struct DialectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Field delimiter: a single character, or 'tab'.", valueName: "char"))
    var delimiter: String = ","

    @Flag(help: "The first row is data, not column names; columns are named V1, V2, ….")
    var noHeader = false

    mutating func validate() throws {
        guard CSVReadOptions.delimiter(named: delimiter) != nil else {
            throw ValidationError("--delimiter must be one character (',', ';', '|') or 'tab', not '\(delimiter)'")
        }
    }

    /// Sets the delimiter and header flag of `options`.
    func configure(_ options: inout CSVReadOptions) {
        options.delimiter = CSVReadOptions.delimiter(named: delimiter) ?? UInt8(ascii: ",")
        options.hasHeader = !noHeader
    }
}
