import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

/// The filter that a distributed fit runs where the rows are (one Spark partition at a time).
struct EStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estep",
        abstract: "For a fit over many machines: a part's summary, or its E-step sums at given parameters, as JSON.",
        discussion: """
            Used by the Spark driver (Integrations/spark) when the statistics of the whole data \
            are too large to gather: 'estep --summary' reads a part of the data into what 'fit \
            --summaries' needs to start (column moments, pattern counts, column profiles); 'fit \
            --summaries' then writes one request per E-step on standard output, the driver runs \
            'estep --at REQUEST' on every part and writes the JSON array of their answers on a \
            line of fit's standard input. The columns and missing-value codes are read as \
            'statistics' reads them. Format: Docs/Spark.md.
            """)

    @OptionGroup var inputOptions: InputOptions

    @OptionGroup var part: PartOptions

    @Flag(help: "Write the part's summary (for 'fit --summaries').")
    var summary = false

    @Option(help: ArgumentHelp("Write the part's E-step sums at the parameters of this request (a line written by 'fit --summaries').", valueName: "file"))
    var at: String?

    @Option(name: [.short, .long], help: ArgumentHelp("Write the JSON here instead of to standard output.", valueName: "file"))
    var output: String?

    mutating func validate() throws {
        try part.validate(noHeader: inputOptions.dialect.noHeader)
        if summary == (at != nil) { throw ValidationError("give either --summary or --at <request>") }
    }

    func run() throws {
        InterruptCleanup.install()
        StandardStreams.secure()
        do {
            let path = output ?? "-"
            try StandardStreams.requireStandardOutput(for: [path])
            var inputs: [OutputSet.Input] = [.init(label: "input", path: inputOptions.input)]
            if let at { inputs.append(.init(label: "--at", path: at)) }
            let outputs = try OutputSet([.init(label: output == nil ? "E-step (standard output without --output)" : "--output", path: path)],
                                        inputs: inputs)
            do {
                var options = inputOptions.readOptions
                part.configure(&options)
                let request = try at.map(Self.request)
                let statistics = try CSVStatisticsReader.read(inputOptions.input, options: options, threads: 1)
                if let request {
                    let sums = try statistics.statistics.expectationSums(at: request)
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys]
                    try outputs.targets[0].write(String(decoding: try encoder.encode(sums), as: UTF8.self) + "\n")
                } else {
                    try outputs.targets[0].write(try TableSummary(statistics).json())
                }
                try outputs.commit()
            } catch {
                outputs.abandon()
                throw error
            }
        } catch {
            throw Failure.report(error)
        }
    }

    private static func request(_ path: String) throws -> ExpectationRequest {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw TableStatisticsError.cannotOpen(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(ExpectationRequest.self, from: data)
        } catch {
            throw TableStatisticsError.invalid(path: path, reason: "not an E-step request written by 'emimpute fit --summaries' (\(error))")
        }
    }
}
