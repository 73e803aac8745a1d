import EMImputeCore
import Foundation

/// The diagnostics of one `impute` run as a single self-contained HTML page, as written by
/// `--html`: inline CSS and SVG only — no scripts, nothing fetched.
///
/// The page shows the summary and warnings, the convergence trace, a missingness map, the
/// distributions of observed and imputed values per column, and the correlation heatmap
/// (how to read each: Docs/Report.md).
///
/// The page is rendered by an imputation run (`ImputationOutcome.htmlReport()`), from the
/// run's report and what the run saw of the table, so that every chart shows the cells as
/// written.
public enum HTMLReport {
    /// The most missingness patterns drawn in the map; the rest are summarised in a note.
    public static let maximumPatternRows = 60

    /// The page for a run of any model (`--model mixture` and `t` add a section on the model).
    ///
    /// - Parameters:
    ///   - facts: the table as read and completed: columns, patterns, and the histograms of
    ///     its observed and written imputed values.
    ///   - report: the diagnostics of the same run; supplies every other number.
    ///   - draws: with multiple imputation, each column's observed values and each
    ///     imputation's drawn values as written; shown beside the observed distribution.
    /// - Complexity: O(patterns · p + p²).
    package static func render(facts: TableFacts, report: ImputationReport, draws: DrawnValues? = nil) -> String {
        var page = head(title: "emimpute report: \(report.input.path)")
        page += "<main>\n"
        page += summary(report)
        page += modelSection(report)
        page += convergence(report)
        page += missingness(facts: facts, report: report)
        page += distributions(facts: facts, report: report)
        page += inference(report)
        if let draws { page += multipleImputation(draws, report: report) }
        if let sample = facts.sample { page += overimputation(sample, report: report) }
        page += correlation(report)
        page += "<footer>Written by emimpute \(Markup.escape(report.emimputeVersion)) (report schema \(report.schemaVersion)). Every number here is also in the JSON report.</footer>\n"
        page += "</main>\n</body>\n</html>\n"
        return page
    }
}
