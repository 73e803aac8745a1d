import EMImputeCore
import Foundation

// MARK: - Mixture and t

extension HTMLReport {
    /// The section on a mixture (component sizes and means, the BIC curve) or a t (ν, the
    /// distribution of the row weights, the rows weighted down most); empty for the normal.
    static func modelSection(_ r: ImputationReport) -> String {
        let e = Markup.escape
        if let m = r.model.mixture {
            var s = "<section id=\"mixture\">\n<h2>Mixture of \(m.components) normal components</h2>\n"
            s += "<p class=\"how\">Each missing cell is the responsibility-weighted average of the components' conditional means. Size: Σ of the rows' responsibilities. BIC = −2ℓ + parameters · log(rows used) = \(NumberText.fixed(m.bayesianInformationCriterion, 2)) with \(m.parameterCount) parameters; \(m.startsReachingBest) of \(m.starts.count) start(s) reached the best log-likelihood.</p>\n"
            s += "<table id=\"components\">\n<thead><tr><th>component</th><th>weight</th><th>size</th>"
            for c in r.columns { s += "<th title=\"\(e(c))\">μ \(e(c))</th>" }
            s += "</tr></thead>\n<tbody>\n"
            for k in 0..<m.components {
                s += "<tr><td>\(k + 1)\(m.emptyComponents.contains(k + 1) ? " (empty)" : "")\(m.flooredComponents.contains(k + 1) ? " (floored)" : "")</td>"
                s += "<td>\(NumberText.fixed(m.weights[k], 4))</td><td>\(NumberText.fixed(m.componentSizes[k], 1))</td>"
                for v in m.means[k] { s += "<td>\(NumberText.value(v))</td>" }
                s += "</tr>\n"
            }
            s += "</tbody>\n</table>\n"
            s += "<figure><h3>Component sizes</h3>\(componentSizeChart(m))</figure>\n"
            s += "<figure><h3>Component means</h3>\(componentMeanChart(r, m))</figure>\n"
            if let selection = m.selection, !selection.isEmpty {
                s += "<figure><h3>BIC by number of components (lower is better)</h3>\(bicChart(selection, chosen: m.components))</figure>\n"
                s += "<table id=\"bic\">\n<thead><tr><th>K</th><th>log-likelihood</th><th>parameters</th><th>BIC</th><th>converged</th><th>degenerate</th></tr></thead>\n<tbody>\n"
                for row in selection {
                    s += "<tr><td>\(row.components)\(row.components == m.components ? " (chosen)" : "")</td><td>\(NumberText.fixed(row.logLikelihood, 4))</td><td>\(row.parameterCount)</td><td>\(NumberText.fixed(row.bayesianInformationCriterion, 2))</td><td>\(row.hasConverged ? "yes" : "no")</td><td>\(row.isDegenerate ? "yes (not eligible)" : "no")</td></tr>\n"
                }
                s += "</tbody>\n</table>\n"
            }
            return s + "</section>\n"
        }
        if let t = r.model.t {
            var s = "<section id=\"t-model\">\n<h2>Multivariate t</h2>\n"
            let how = t.degreesOfFreedomEstimated ? "estimated" + (t.degreesOfFreedomAtBound ? " (at a bound of 0.1…10000)" : "") : "fixed"
            let nu = t.degreesOfFreedomIsInfinite ? "∞ (the normal: every weight is 1)" : NumberText.fixed(t.degreesOfFreedom, 3)
            s += "<p class=\"how\">Degrees of freedom ν = \(nu) (\(how)). Each row has the weight w = (ν + o)/(ν + δ²), o its observed cells and δ² its squared Mahalanobis distance; rows far from the bulk get small weights and pull the location and scatter less. The means and standard deviations above are the location and the scatter's √Σⱼⱼ.</p>\n"
            s += "<figure><h3>Distribution of the row weights</h3>\(weightChart(t))</figure>\n"
            s += "<table id=\"weight-quantiles\">\n<thead><tr><th>quantile</th>" + t.weightQuantiles.map { "<th>\(NumberText.fixed($0.probability, 2))</th>" }.joined() + "</tr></thead>\n"
            s += "<tbody><tr><td>weight</td>" + t.weightQuantiles.map { "<td>\(NumberText.fixed($0.weight, 3))</td>" }.joined() + "</tr></tbody>\n</table>\n"
            s += "<h3>Rows weighted down most (likely outliers)</h3>\n"
            s += "<table id=\"downweighted\">\n<thead><tr><th>data row</th><th>weight</th><th>δ²</th><th>observed cells</th></tr></thead>\n<tbody>\n"
            for row in t.mostDownweightedRows {
                s += "<tr><td>\(row.row)</td><td>\(NumberText.fixed(row.weight, 4))</td><td>\(NumberText.fixed(row.squaredDistance, 2))</td><td>\(row.observedCells)</td></tr>\n"
            }
            return s + "</tbody>\n</table>\n</section>\n"
        }
        return ""
    }

    private static func bicChart(_ rows: [ComponentCountFit], chosen: Int) -> String {
        var canvas = SVGCanvas(width: 540, height: 300)
        let left = 84.0, right = 524.0, top = 14.0, bottom = 250.0
        let values = rows.map(\.bayesianInformationCriterion)
        let yTicks = Ticks(values.min()!, values.max()!, count: 5)
        let last = Double(rows.last!.components)
        let x = LinearScale(domain: (1, max(2, last)), range: (left, right))
        let y = LinearScale(domain: (yTicks.lower, yTicks.upper), range: (bottom, top))
        canvas.yAxis(y, ticks: yTicks.values, x: left, gridTo: right, label: { NumberText.tick($0, step: yTicks.step) }, title: "BIC")
        canvas.xAxis(x, ticks: rows.map { Double($0.components) }, y: bottom, label: { String(Int($0)) }, title: "components K")
        canvas.polyline(rows.map { (x(Double($0.components)), y($0.bayesianInformationCriterion)) }, class: "trace")
        for row in rows {
            let cls = row.components == chosen ? "dot chosen" : "dot"
            canvas.append("<circle class=\"\(cls)\" cx=\"\(NumberText.coordinate(x(Double(row.components))))\" cy=\"\(NumberText.coordinate(y(row.bayesianInformationCriterion)))\" r=\"\(row.components == chosen ? 5 : 2.6)\"><title>K = \(row.components): BIC \(NumberText.fixed(row.bayesianInformationCriterion, 2))</title></circle>")
        }
        return canvas.render(id: "bic", label: "BIC by number of components")
    }
}
