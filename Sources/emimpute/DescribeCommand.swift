import ArgumentParser
import EMImpute
import Foundation

struct DescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe",
        abstract: "Show each column's type and missing cells, and the missingness patterns.",
        discussion: """
            Examples:
              emimpute describe Datasets/airquality.csv
              emimpute describe survey.csv --na -99 --exclude respondent_id --json
            """)

    @OptionGroup var inputOptions: InputOptions

    @Flag(help: "Print JSON instead of tables.")
    var json = false

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        do {
            try StandardStreams.requireStandardOutput(for: ["-"])
            let table = try CSVLoader.load(inputOptions.input, options: inputOptions.readOptions)
            defer { table.input.removeSpool() }
            let out = OutputTarget.standardOutput()
            try out.write(json ? try TableDescription(table).json() : TextSummary.describe(table, littleLine: TextSummary.littleLine(table)))
            try out.commit()
        } catch {
            throw Failure.report(error)
        }
    }
}
