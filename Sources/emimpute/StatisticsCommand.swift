import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

struct StatisticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statistics",
        abstract: "Read a CSV once into the per-pattern statistics a fit needs, and write them as JSON.",
        discussion: """
            Examples:
              emimpute statistics survey.csv --na -99 --exclude respondent_id -o survey.stats.json
              zcat batch.csv.gz | emimpute statistics - > batch.stats.json

            The statistics of each missingness pattern of the numeric columns — its row count and \
            the mean and cross-products of its observed cells, or its rows when it has few — are \
            all that EM needs: 'fit' merges any number of such files and gives the same estimates \
            as a fit on the files' rows together. Columns, missing-value codes and the dialect are \
            read as 'impute' reads them. Format: Docs/CLI.md.
            """)

    @OptionGroup var inputOptions: InputOptions

    @OptionGroup var part: PartOptions

    @Option(name: [.short, .long], help: ArgumentHelp("Write the statistics here instead of to standard output (- is standard output).", valueName: "file"))
    var output: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Threads to read with (default: all cores). The statistics do not depend on it.", valueName: "n"))
    var threads: Int?

    @Flag(name: .shortAndLong, help: "Print no summary or warnings on standard error.")
    var quiet = false

    mutating func validate() throws {
        try part.validate(noHeader: inputOptions.dialect.noHeader)
        if let threads, !(1...FitOptions.threadLimit).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(FitOptions.threadLimit), not \(threads)")
        }
    }

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        do {
            let path = output ?? "-"
            try StandardStreams.requireStandardOutput(for: [path])
            let outputs = try OutputSet([.init(label: output == nil ? "statistics (standard output without --output)" : "--output", path: path)],
                                        inputs: [.init(label: "input", path: inputOptions.input)])
            let statistics: TableStatistics
            do {
                var options = inputOptions.readOptions
                part.configure(&options)
                statistics = try CSVStatisticsReader.read(inputOptions.input, options: options, threads: threads)
                try statistics.writeJSON(to: outputs.targets[0])
                try outputs.commit()
            } catch {
                outputs.abandon()
                throw error
            }
            if !quiet { StandardStreams.writeError(Self.summary(statistics)) }
        } catch {
            throw Failure.report(error)
        }
    }

    private static func summary(_ s: TableStatistics) -> String {
        let kinds = s.columns.map(\.kind)
        let kept = s.statistics.groups.values.filter { $0.keepsRows && $0.observedCount > 0 }.count
        var lines = ["emimpute: \(s.rowCount) rows; \(kinds.filter { $0 == .numeric }.count) modelled, \(kinds.filter { $0 == .text }.count) text and \(kinds.filter { $0 == .excluded }.count) excluded column(s); \(s.statistics.groups.count) pattern(s), \(kept) kept as rows"]
        lines += TextSummary.warningLines(s.warnings.map(ReportWarning.input))
        return lines.map(PrintableText.escaping).joined(separator: "\n") + "\n"
    }
}
