import ArgumentParser
import EMImpute

/// For commands that read one part of a larger CSV (a Spark partition): the header, given
/// apart from the part's rows.
struct PartOptions: ParsableArguments {
    @Option(name: .customLong("header-record"),
            help: ArgumentHelp("The input has no header line: this CSV record (the file's header line, as text) names its columns, as if it were the input's line 1. The input may then have no rows; 'apply' writes no header.", valueName: "record"))
    var headerRecord: String?

    /// Validates against the dialect: a given header needs the header setting.
    func validate(noHeader: Bool) throws {
        guard let headerRecord else { return }
        if noHeader { throw ValidationError("--header-record names the columns of a file with a header; it cannot go with --no-header") }
        if headerRecord.contains(where: { $0 == "\n" || $0 == "\r" }) {
            throw ValidationError("--header-record must be one line, without a line break")
        }
    }

    /// Sets the header of `options`.
    func configure(_ options: inout CSVReadOptions) {
        options.headerRecord = headerRecord
    }
}
