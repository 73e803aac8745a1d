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

    /// The self-contained HTML page of the run (`--html`).
    public func htmlReport() -> String { HTMLReport.render(facts: facts, report: report) }
}
