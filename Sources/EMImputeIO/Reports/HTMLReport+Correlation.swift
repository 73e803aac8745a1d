import EMImputeCore
import Foundation

extension HTMLReport {
    /// Section 5. Correlation of the page: the correlation heatmap of the estimated Σ.
    static func correlation(_ r: ImputationReport) -> String {
        let names = r.columns
        let p = names.count
        var s = "<section id=\"correlation-section\" class=\"charts\">\n<h2>Estimated correlations</h2>\n"
        s += "<p class=\"how\">The correlation matrix implied by the estimated Σ: blue for positive, red for negative, white for none" + (p <= 15 ? "; each cell shows its value" : "; hover over a cell for its value") + ".</p>\n"
        let labelLimit = 18
        let longest = Double(min(labelLimit, names.map(\.count).max() ?? 1))
        let left = longest * 7 + 16
        let cell = max(12, min(56, (1000 - left - 90) / Double(max(1, p))))
        let top = longest * 7 * 0.71 + 16
        let grid = cell * Double(p)
        let legendX = left + grid + 24
        let width = max(legendX + 60, left + grid + longest * 5 + 10)
        let height = top + max(grid, 160) + 10
        var canvas = SVGCanvas(width: width, height: height)
        let fontSize = min(13, cell * 0.3)
        for (j, name) in names.enumerated() {
            let cx = left + cell * (Double(j) + 0.5)
            canvas.text(name, x: cx + 3, y: top - 6, class: "label", limit: labelLimit,
                        extra: "transform=\"rotate(-45 \(NumberText.coordinate(cx + 3)) \(NumberText.coordinate(top - 6)))\"")
            canvas.text(name, x: left - 6, y: top + cell * (Double(j) + 0.5) + 4, class: "label", anchor: "end", limit: labelLimit)
        }
        for i in 0..<p {
            for j in 0..<p {
                let v = i < r.correlation.count && j < r.correlation[i].count ? r.correlation[i][j] : .nan
                let x = left + cell * Double(j), y = top + cell * Double(i)
                canvas.rect(x, y, cell, cell, attributes: "fill=\"\(ChartColor.correlation(v))\" stroke=\"#fff\" stroke-width=\"1\"",
                            tooltip: "\(names[i]) × \(names[j]): r = \(v.isFinite ? String(format: "%.3f", v) : "undefined")")
                if p <= 15 {
                    let fill = v.isFinite && abs(v) > 0.55 ? "#fff" : "#1f2328"
                    canvas.text(v.isFinite ? String(format: "%.2f", v).replacingOccurrences(of: "-", with: "−") : "–",
                                x: x + cell / 2, y: y + cell / 2 + fontSize * 0.36, class: "value", anchor: "middle",
                                extra: "style=\"font-size:\(NumberText.coordinate(fontSize))px;fill:\(fill)\"")
                }
            }
        }
        // Colour legend.
        let legendTop = top, legendHeight = min(max(grid, 120), 220)
        canvas.append("<defs><linearGradient id=\"correlation-scale\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for k in 0...8 {
            let v = -1 + Double(k) / 4
            canvas.append("<stop offset=\"\(NumberText.coordinate(Double(k) * 12.5))%\" stop-color=\"\(ChartColor.correlation(v))\"/>")
        }
        canvas.append("</linearGradient></defs>")
        canvas.rect(legendX, legendTop, 14, legendHeight, attributes: "fill=\"url(#correlation-scale)\" stroke=\"#8c959f\" stroke-width=\"0.5\"")
        for v in [-1.0, -0.5, 0, 0.5, 1] {
            let y = legendTop + legendHeight * (1 - v) / 2
            canvas.line(legendX + 14, y, legendX + 18, y, class: "axis")
            canvas.text(v == 0 ? "0" : String(format: "%.1f", v).replacingOccurrences(of: "-", with: "−"), x: legendX + 21, y: y + 4, class: "tick")
        }
        s += "<figure>\(canvas.render(id: "correlation", label: "Correlation heatmap of the \(p) modelled columns"))</figure>\n"
        s += "</section>\n"
        return s
    }
}
