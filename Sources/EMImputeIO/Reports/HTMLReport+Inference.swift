import EMImputeCore
import Foundation

// The inference section of the HTML report: Little's MCAR test with each pattern's part of
// d², and the standard errors of μ̂ and Σ̂ with their fractions of missing information.
extension HTMLReport {
    /// The section, or "" when neither Little's test nor the standard errors were computed.
    static func inference(_ r: ImputationReport) -> String {
        guard r.littleTest != nil || r.standardErrors != nil else { return "" }
        let e = Markup.escape, v = NumberText.value
        var s = "<section id=\"inference\">\n<h2>Inference at the estimates</h2>\n"
        if let t = r.littleTest, t.pValue == nil {
            s += "<h3>Little's MCAR test</h3>\n<p class=\"how\" id=\"little-test\">\(e(t.sentence)).</p>\n"
        } else if let t = r.littleTest {
            s += "<h3>Little's MCAR test</h3>\n"
            s += "<p class=\"how\" id=\"little-test\">\(e(t.sentence)). d² = Σ_g n_g (ȳ_g − μ̂_g)ᵀ Σ̂_gg⁻¹ (ȳ_g − μ̂_g) over the missingness patterns g at the estimates, with Σ_g |O_g| − p degrees of freedom; a large contribution marks a pattern whose observed means differ from what the model expects.</p>\n"
            s += "<table id=\"little-patterns\">\n<thead><tr><th>missing columns</th><th>rows</th><th>df</th><th>contribution to d²</th></tr></thead>\n<tbody>\n"
            for pattern in t.patterns.sorted(by: { $0.contribution > $1.contribution }).prefix(20) {
                let missing = pattern.missing.isEmpty ? "(complete rows)" : pattern.missing.joined(separator: ", ")
                s += "<tr><td>\(e(missing))\(pattern.pseudoInverse ? " (pseudo-inverse)" : "")</td><td>\(pattern.rows)</td><td>\(pattern.degreesOfFreedom)</td><td>\(v(pattern.contribution))</td></tr>\n"
            }
            s += "</tbody>\n</table>\n"
            if t.patterns.count > 20 { s += "<p class=\"small\">The 20 largest of \(t.patterns.count) contributions; all are in the JSON report.</p>\n" }
        }
        if let se = r.standardErrors {
            s += "<h3>Standard errors of the estimates</h3>\n"
            s += "<p class=\"how\">From the observed-data information at the estimates. The fraction of missing information is 1 − (the parameter's variance had no cell been missing) / (its variance with the cells missing): how much of what the complete data would tell about it the missing cells took away.</p>\n"
            s += "<table id=\"standard-errors\">\n<thead><tr><th>parameter</th><th>estimate</th><th>standard error</th><th>fraction of missing information</th></tr></thead>\n<tbody>\n"
            let names = r.columns, p = min(names.count, se.mean.count)
            for j in 0..<p {
                s += "<tr><td>μ \(e(names[j]))</td><td>\(v(r.mean[j]))</td><td>\(v(se.mean[j]))</td><td>\(v(se.meanFractionMissing[j]))</td></tr>\n"
            }
            for a in 0..<p {
                for b in a..<p {
                    let label = a == b ? "σ² \(names[a])" : "σ \(names[a]), \(names[b])"
                    s += "<tr><td>\(e(label))</td><td>\(v(r.covariance[a][b]))</td><td>\(v(se.covariance[a][b]))</td><td>\(v(se.covarianceFractionMissing[a][b]))</td></tr>\n"
                }
            }
            s += "</tbody>\n</table>\n"
        }
        return s + "</section>\n"
    }
}
