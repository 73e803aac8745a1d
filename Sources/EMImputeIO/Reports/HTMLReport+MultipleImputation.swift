import EMImputeCore
import Foundation

// The multiple-imputation section of the HTML report: per column, the observed distribution
// beside the distribution of the drawn values of each imputation (as Amelia's
// compare.density), and the pooled means and regressions.
extension HTMLReport {
    /// The section, or "" without multiple imputation.
    ///
    /// - Parameters:
    ///   - values: per column, the observed values and each imputation's drawn values as written.
    static func multipleImputation(_ values: DrawnValues, report r: ImputationReport) -> String {
        guard let mi = r.multipleImputation, !values.drawn.isEmpty else { return "" }
        let names = values.columnNames
        // Columns with missing cells only.
        let columns = names.indices.filter { j in values.drawn.contains { !$0[j].isEmpty } }
        var s = "<section id=\"multiple-imputation-section\" class=\"charts\">\n<h2>Multiple imputation</h2>\n"
        s += "<p class=\"how\">\(mi.imputations) imputations drawn by EM with Bayesian-bootstrap weights. For each column with missing cells: the histogram of the observed values and, as lines over the same bins, the distribution of the drawn values of each imputation, each scaled to unit area. Unlike conditional means, draws should spread about as much as the data given the other columns; the lines differ from one another because the parameters are drawn too.</p>\n"
        s += "<div class=\"legend\"><span><span class=\"swatch observed\"></span>observed values</span><span><span class=\"swatch missing line\"></span>drawn values, one line per imputation</span></div>\n"
        let perRow = max(1, min(columns.count, 3))
        let panelWidth = 360.0, panelHeight = 210.0, gap = 8.0
        let rows = (columns.count + perRow - 1) / perRow
        var canvas = SVGCanvas(width: Double(perRow) * panelWidth + Double(perRow - 1) * gap, height: max(40, Double(rows) * (panelHeight + gap)))
        if columns.isEmpty { canvas.text("no missing cells", x: 10, y: 24, class: "small") }
        for (panel, j) in columns.enumerated() {
            let observed = values.observed[j]
            let drawn = values.drawn.map { $0[j].filter(\.isFinite) }
            let everything = observed + drawn.flatMap { $0 }
            guard var lo = everything.min(), var hi = everything.max() else { continue }
            if hi == lo { lo -= 0.5; hi += 0.5 }
            let bins = 24
            let width = (hi - lo) / Double(bins)
            func densities(_ xs: [Double]) -> [Double] {
                var counts = [Double](repeating: 0, count: bins)
                for x in xs { counts[min(bins - 1, max(0, Int((x - lo) / width)))] += 1 }
                return counts.map { xs.isEmpty ? 0 : $0 / (Double(xs.count) * width) }
            }
            let observedDensity = densities(observed)
            let drawnDensities = drawn.map(densities)
            let peak = max(observedDensity.max() ?? 0, drawnDensities.flatMap { $0 }.max() ?? 0)
            let px = Double(panel % perRow) * (panelWidth + gap), py = Double(panel / perRow) * (panelHeight + gap)
            canvas.append("<g class=\"mi-density\" data-column=\"\(j)\">")
            canvas.rect(px + 0.5, py + 0.5, panelWidth - 1, panelHeight - 1, attributes: "class=\"panel-frame\" rx=\"4\"")
            canvas.text(names[j], x: px + 10, y: py + 18, class: "panel-title", limit: 40)
            canvas.text("\(observed.count) observed · \(drawn.first?.count ?? 0) drawn per imputation", x: px + 10, y: py + 34, class: "small")
            let left = px + 14, right = px + panelWidth - 14, top = py + 46, bottom = py + panelHeight - 34
            let x = LinearScale(domain: (lo, hi), range: (left, right))
            let y = LinearScale(domain: (0, peak > 0 ? peak * 1.08 : 1), range: (bottom, top))
            let c = NumberText.coordinate
            var d = "M\(c(x(lo))),\(c(y(0)))"
            for (k, v) in observedDensity.enumerated() { d += "V\(c(y(v)))H\(c(x(lo + width * Double(k + 1))))" }
            canvas.path(d + "V\(c(y(0)))Z", class: "hist-observed")
            for density in drawnDensities {
                canvas.polyline(density.enumerated().map { (x(lo + width * (Double($0.offset) + 0.5)), y($0.element)) }, class: "mi-line")
            }
            let ticks = Ticks(lo, hi, count: 4)
            canvas.xAxis(x, ticks: ticks.values.filter { $0 >= lo - 1e-9 * abs(lo) && $0 <= hi + 1e-9 * abs(hi) },
                         y: bottom, label: { NumberText.tick($0, step: ticks.step) })
            canvas.append("</g>")
        }
        s += "<figure>\(canvas.render(id: "multiple-imputation", label: "Observed values and the drawn values of each imputation, per column with missing cells"))</figure>\n"
        s += "<table id=\"pooled\">\n<tr><th>quantity</th><th>estimate</th><th>standard error</th><th>95% interval</th><th>df</th><th>fraction of missing information</th></tr>\n"
        func row(_ label: String, _ q: PooledReport) -> String {
            "<tr><td>\(Markup.escape(label))</td><td>\(NumberText.value(q.estimate))</td><td>\(NumberText.value(q.standardError))</td><td>\(NumberText.value(q.lower95)) to \(NumberText.value(q.upper95))</td><td>\(NumberText.value(q.degreesOfFreedom))</td><td>\(NumberText.value(q.fractionOfMissingInformation))</td></tr>\n"
        }
        for q in mi.pooledMeans { s += row("mean of \(q.name)", q) }
        for regression in mi.regressions {
            for t in regression.terms { s += row("\(regression.formula): \(t.name)", t) }
        }
        s += "</table>\n</section>\n"
        return s
    }
}
