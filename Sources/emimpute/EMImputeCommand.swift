import ArgumentParser
import EMImpute

@main
struct EMImputeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emimpute",
        abstract: "Fill the missing cells of a CSV by EM under a multivariate normal model.",
        discussion: """
            Numeric columns are modelled; text columns pass through untouched. Every cell that \
            was observed is written back byte for byte; each missing modelled cell becomes its \
            conditional mean given the row's observed cells under the maximum-likelihood (μ, Σ).

            Exit codes: 0 success; 64 usage error; 65 bad input data (a malformed CSV, a column \
            that cannot be modelled, a singular covariance); 66 cannot open the input; 70 internal \
            error; 73 cannot create or write the output; 141 standard output was closed by its reader.
            """,
        version: EMImputeVersion.current,
        subcommands: [ImputeCommand.self, ApplyCommand.self, DescribeCommand.self, StatisticsCommand.self, FitCommand.self, EStepCommand.self])

    /// Without a subcommand there is nothing to do: show the help and fail as a usage error.
    func run() throws {
        Failure.printError(Self.helpMessage())
        throw ExitCode(Failure.usageError)
    }
}
