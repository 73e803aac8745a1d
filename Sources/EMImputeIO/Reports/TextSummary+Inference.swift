import EMImputeCore
import Foundation

extension TextSummary {
    /// The inference block of the summary: Little's MCAR test and, per column, the standard
    /// errors of μ̂ⱼ and Σ̂ⱼⱼ with their fractions of missing information (the full Σ̂ is in the
    /// JSON and HTML reports). Empty when neither was computed.
    static func inferenceLines(_ r: ImputationReport) -> [String] {
        var lines: [String] = []
        if let little = r.littleTest { lines.append("  " + littleLine(little)) }
        if let se = r.standardErrors {
            lines.append("  standard errors at the estimates (observed information; fmi = fraction of missing information):")
            for (j, name) in r.columns.enumerated() where j < se.mean.count {
                lines.append("    \(name): μ \(significant(r.mean[j])) (SE \(significant(se.mean[j])), fmi \(fixed(max(0, se.meanFractionMissing[j]), 3)));"
                             + " σ² \(significant(r.covariance[j][j])) (SE \(significant(se.covariance[j][j])), fmi \(fixed(max(0, se.covarianceFractionMissing[j][j]), 3)))")
            }
        }
        return lines
    }
}
