import ArgumentParser

/// Where a fit's diagnostics and model go, and how much it prints: shared by every command
/// that fits (`impute`, `fit`).
struct FitOutputOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write the diagnostics as JSON (schema: Docs/Report.md); - is standard output.", valueName: "file"))
    var report: String?

    @Option(help: ArgumentHelp("Save the fitted model as JSON, to impute other files with 'emimpute apply'.", valueName: "file"))
    var saveModel: String?

    @Flag(name: .shortAndLong, help: "Print no summary or warnings on standard error.")
    var quiet = false

    @Flag(help: "Print progress on standard error even when it is not a terminal.")
    var progress = false
}
