import EMImpute
import Foundation

extension TextSummary {
    /// The most columns whose standard errors the summary lists.
    static let inferenceColumnLimit = 10

    /// The inference block of the summary: Little's MCAR test and, per column, the standard
    /// errors of μ̂ⱼ and Σ̂ⱼⱼ with their fractions of missing information for the first
    /// `inferenceColumnLimit` columns (all of Σ̂ is in the JSON and HTML reports). Empty when
    /// neither was computed: they are computed when a JSON or HTML report is written.
    static func inferenceLines(_ r: ImputationReport) -> [String] {
        var lines: [String] = []
        if let little = r.littleTest { lines.append("  " + littleLine(little)) }
        if let se = r.standardErrors {
            lines.append("  standard errors at the estimates (observed information; fmi = fraction of missing information):")
            let shown = min(r.columns.count, se.mean.count, Self.inferenceColumnLimit)
            for (j, name) in r.columns.prefix(shown).enumerated() {
                lines.append("    \(name): μ \(NumberText.significant(r.mean[j])) (SE \(NumberText.significant(se.mean[j])), fmi \(NumberText.fixed(max(0, se.meanFractionMissing[j]), 3)));"
                             + " σ² \(NumberText.significant(r.covariance[j][j])) (SE \(NumberText.significant(se.covariance[j][j])), fmi \(NumberText.fixed(max(0, se.covarianceFractionMissing[j][j]), 3)))")
            }
            if shown < r.columns.count { lines.append("    … and \(r.columns.count - shown) more column(s) in the JSON and HTML reports") }
        }
        return lines
    }
}
