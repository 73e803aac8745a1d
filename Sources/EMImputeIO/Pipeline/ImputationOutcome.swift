import EMImputeCore

/// What an `ImputationJob` produced besides the completed CSV: the diagnostics, the fitted
/// model and its file, and the HTML page.
public struct ImputationOutcome: Sendable {
    /// The fit, by model kind.
    public enum Fit: Sendable {
        /// A normal fit (on the per-pattern statistics).
        case gaussian(EMResult)
        /// A mixture fit (the one chosen by BIC when the count was selected).
        case mixture(GaussianMixtureResult)
        /// A t fit.
        case t(MultivariateTResult)
    }

    /// The diagnostics (`--report`'s JSON: `report.json()`).
    public var report: ImputationReport
    /// The fitted model.
    public let model: FittedModel
    /// The fit in full.
    public let fit: Fit
    /// The model file (`--save-model`: `modelFile.json()`), for `apply`.
    public let modelFile: ModelFile
    /// What the reports say of the table.
    let facts: TableFacts
    /// Bytes of kept rows spilled to a temporary file because they exceeded
    /// `ImputationJob.memoryLimit` (nil: none were; the file is gone once the job returns).
    public var spilledBytes: Int?

    /// The self-contained HTML page of the run (`--html`).
    public func htmlReport() -> String { HTMLReport.render(facts: facts, report: report) }
}

extension ImputationOutcome.Fit {
    /// The model file of this fit of `table`, recording `adjustment` for `apply`.
    package func modelFile(table: LoadedTable, adjustment: ImputedValueAdjustment) throws -> ModelFile {
        switch self {
        case .gaussian(let r): try ModelFile(table: table, result: r, adjustment: adjustment)
        case .mixture(let r): try ModelFile(table: table, mixture: r, adjustment: adjustment)
        case .t(let r): try ModelFile(table: table, t: r, adjustment: adjustment)
        }
    }
}

extension ImputationReport {
    /// Adds Little's MCAR test and the standard errors of `model`, a normal fit of
    /// `statistics`; each stays null when it cannot be computed.
    package mutating func addInference(_ statistics: PatternStatistics, model: GaussianModel) {
        littleTest = (try? LittleMCARTest(statistics, model: model)).map { LittleTestReport($0, columnNames: model.columnNames) }
        standardErrors = (try? StandardErrors(statistics, model: model)).map(StandardErrorReport.init)
    }
}
