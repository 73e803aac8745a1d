import EMImputeCore
import Foundation

extension HTMLReport {
    /// Section 4. Distributions of the page: the observed and the imputed values of each modelled column, over the same bins.
    static func distributions(facts: TableFacts, report r: ImputationReport) -> String {
        let names = facts.modelledNames
        let p = names.count
        let histograms = facts.histograms
        let adjustments = [r.options.roundIntegers ? "rounded to integers (in all-integer columns)" : nil,
                           r.options.clampToObservedRange ? "clamped to the observed range" : nil].compactMap { $0 }
        let imputedAre = adjustments.isEmpty
            ? "Imputed values are conditional means, so they spread less than the data"
            : "Imputed values are shown as written: conditional means, then \(adjustments.joined(separator: " and ")); the means spread less than the data"

        var s = "<section id=\"distributions-section\" class=\"charts\">\n<h2>Observed and imputed values</h2>\n"
        s += "<p class=\"how\">For each modelled column, histograms of the observed values and of the imputed values over the same bins, each scaled to unit area so their shapes compare despite different counts (an imputed bar taller than 2.5 times the highest observed bar is cut and marked ▲). \(imputedAre); a shift between the two is expected when the data are missing at random (missingness depends on other columns) and is worth a look otherwise.</p>\n"
        s += "<div class=\"legend\"><span><span class=\"swatch observed\"></span>observed values</span><span><span class=\"swatch missing\"></span>imputed values</span></div>\n"

        let columns = max(1, min(p, 4))
        let panelWidth = 272.0, panelHeight = 196.0, gap = 8.0
        let rows = (p + columns - 1) / columns
        var canvas = SVGCanvas(width: Double(columns) * panelWidth + Double(columns - 1) * gap,
                               height: max(40, Double(rows) * (panelHeight + gap)))
        if p == 0 { canvas.text("no modelled columns", x: 10, y: 24, class: "small") }
        for (j, h) in histograms.enumerated() {
            let px = Double(j % columns) * (panelWidth + gap), py = Double(j / columns) * (panelHeight + gap)
            canvas.append("<g class=\"histogram\" data-column=\"\(j)\">")
            canvas.rect(px + 0.5, py + 0.5, panelWidth - 1, panelHeight - 1, attributes: "class=\"panel-frame\" rx=\"4\"")
            canvas.text(names[j], x: px + 10, y: py + 18, class: "panel-title", limit: 29)
            let left = px + 14, right = px + panelWidth - 14, plotTop = py + 46, plotBottom = py + panelHeight - 34
            let observed = h.densities(h.observed), imputed = h.densities(h.imputed)
            // A few imputed values make a spike that would flatten the observed histogram:
            // bars above `clipFactor` × the observed peak are cut and marked with ▲.
            let observedPeak = observed.max() ?? 0, imputedPeak = imputed.max() ?? 0
            var peak = max(observedPeak, imputedPeak)
            let isClipped = observedPeak > 0 && imputedPeak > clipFactor * observedPeak
            if isClipped { peak = clipFactor * observedPeak }
            let x = LinearScale(domain: (h.lower, h.upper), range: (left, right))
            let y = LinearScale(domain: (0, peak > 0 ? peak * 1.08 : 1), range: (plotBottom, plotTop))
            if h.observedCount > 0 { canvas.path(stepPath(observed.map { min($0, peak) }, h, x, y), class: "hist-observed") }
            if h.imputedCount > 0 { canvas.path(stepPath(imputed.map { min($0, peak) }, h, x, y), class: "hist-imputed") }
            if isClipped {
                for (k, v) in imputed.enumerated() where v > peak {
                    let cx = x(h.lower + h.binWidth * (Double(k) + 0.5))
                    canvas.text("▲", x: cx, y: y(peak) - 2, class: "clip-mark", anchor: "middle")
                }
            }
            let counts = "\(h.observedCount) observed · \(h.imputedCount) imputed"
            canvas.text(counts + (isClipped ? " · ▲ bar cut" : ""), x: px + 10, y: py + 34, class: "small")
            if h.imputedBelow + h.imputedAbove > 0 {
                // The bins span the observed range; imputations beyond it are counted in the end bins.
                let outside = "\(h.imputedBelow) imputed below, \(h.imputedAbove) above the observed range (in the end bins)"
                canvas.text(outside, x: px + 10, y: py + panelHeight - 6, class: "small outside-range")
            }
            if h.imputedCount == 0 { canvas.text("no missing cells", x: right, y: plotTop + 4, class: "small", anchor: "end") }
            let ticks = Ticks(h.lower, h.upper, count: 4)
            canvas.xAxis(x, ticks: ticks.values.filter { $0 >= h.lower - 1e-9 * abs(h.lower) && $0 <= h.upper + 1e-9 * abs(h.upper) },
                         y: plotBottom, label: { NumberText.tick($0, step: ticks.step) })
            canvas.append("</g>")
        }
        s += "<figure>\(canvas.render(id: "distributions", label: "Histograms of observed and imputed values per modelled column"))</figure>\n"
        s += "</section>\n"
        return s
    }

    /// How many times the observed peak density an imputed bar may reach before it is cut.
    private static let clipFactor = 2.5

    /// The outline of a histogram as a closed step path along the baseline.
    private static func stepPath(_ densities: [Double], _ h: ColumnHistogram, _ x: LinearScale, _ y: LinearScale) -> String {
        let c = NumberText.coordinate
        var d = "M\(c(x(h.lower))),\(c(y(0)))"
        for (k, v) in densities.enumerated() {
            let a = h.lower + h.binWidth * Double(k)
            d += "V\(c(y(v)))H\(c(x(a + h.binWidth)))"
        }
        d += "V\(c(y(0)))Z"
        return d
    }
}
