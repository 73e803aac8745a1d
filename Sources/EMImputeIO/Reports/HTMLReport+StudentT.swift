import Foundation

// MARK: - The t model's row weights

extension HTMLReport {
    /// A histogram of the rows' weights wᵢ = (ν + oᵢ)/(ν + δᵢ²), with the weight the model
    /// expects on average (E[wᵢ] = 1) marked by a dashed line and the most down-weighted
    /// rows named below the axis: rows far to the left of the line are the likely outliers.
    static func weightChart(_ t: TReport) -> String {
        var canvas = SVGCanvas(width: 640, height: 316)
        let left = 64.0, right = 624.0, top = 16.0, bottom = 236.0
        let bins = t.weightHistogram
        guard let last = bins.last else { return "" }
        let peak = Double(bins.map(\.rows).max() ?? 0)
        let xTicks = Ticks(0, last.upper, count: 6)
        let yTicks = Ticks(0, max(1, peak), count: 4, integers: true)
        let x = LinearScale(domain: (0, xTicks.upper), range: (left, right))
        let y = LinearScale(domain: (0, yTicks.upper), range: (bottom, top))
        canvas.yAxis(y, ticks: yTicks.values, x: left, gridTo: right, label: { String(Int($0)) }, title: "rows")
        for bin in bins where bin.rows > 0 {
            let x0 = x(bin.lower), x1 = x(bin.upper)
            canvas.rect(x0 + 0.5, y(Double(bin.rows)), x1 - x0 - 1, bottom - y(Double(bin.rows)), attributes: "class=\"count-bar\"",
                        tooltip: "\(bin.rows) row(s) with weight \(NumberText.value(bin.lower)) to \(NumberText.value(bin.upper))")
        }
        canvas.xAxis(x, ticks: xTicks.values, y: bottom, label: { NumberText.tick($0, step: xTicks.step) }, title: "row weight w = (ν + o)/(ν + δ²)")
        let expected = x(t.expectedWeight)
        canvas.line(expected, top, expected, bottom, class: "tolerance")
        canvas.text("expected under the model: \(NumberText.value(t.expectedWeight))", x: expected + 4, y: top + 10, class: "tolerance-label")
        // The rows weighted down most, as ticks under the axis (at most five named).
        for (k, row) in t.mostDownweightedRows.enumerated() {
            let px = x(row.weight)
            canvas.line(px, bottom - 6, px, bottom, class: "tolerance")
            if k < 5 {
                canvas.text("row \(row.row)", x: px, y: bottom + 44 + Double(k % 3) * 10, class: "small", anchor: "middle")
            }
        }
        return canvas.render(id: "weight-histogram", label: "Distribution of the row weights of the multivariate t")
    }
}
