import Foundation

// MARK: - The mixture's component sizes and means

extension HTMLReport {
    /// One colour per component (cycled beyond eight).
    static func componentColor(_ k: Int) -> String {
        let palette = ["#3b6fb6", "#e3771c", "#2da44e", "#cf222e", "#8250df", "#bf8700", "#1b7c83", "#a0616a"]
        return palette[k % palette.count]
    }

    /// A bar per component: its size Σᵢ rᵢₖ (expected rows), the weight in the tooltip;
    /// empty components are drawn as an outline.
    static func componentSizeChart(_ m: MixtureReport) -> String {
        let rowHeight = 22.0, left = 120.0, right = 520.0, top = 10.0
        let bottom = top + rowHeight * Double(m.components)
        var canvas = SVGCanvas(width: 540, height: bottom + 44)
        let ticks = Ticks(0, max(1, m.componentSizes.max() ?? 1), count: 5)
        let x = LinearScale(domain: (0, ticks.upper), range: (left, right))
        for k in 0..<m.components {
            let yk = top + rowHeight * Double(k)
            let empty = m.emptyComponents.contains(k + 1)
            canvas.text("component \(k + 1)\(empty ? " (empty)" : "")", x: left - 8, y: yk + rowHeight * 0.65, class: "label", anchor: "end")
            canvas.rect(left, yk + 3, x(m.componentSizes[k]) - left, rowHeight - 6,
                        attributes: empty ? "fill=\"none\" stroke=\"\(componentColor(k))\"" : "fill=\"\(componentColor(k))\"",
                        tooltip: "component \(k + 1): \(NumberText.fixed(m.componentSizes[k], 1)) rows, weight \(NumberText.fixed(m.weights[k], 4))")
        }
        canvas.xAxis(x, ticks: ticks.values, y: bottom, label: { NumberText.tick($0, step: ticks.step) }, title: "size (Σ of the rows' responsibilities)")
        return canvas.render(id: "component-sizes", label: "Size of each mixture component")
    }

    /// Each component's mean of each column, in units of the column's overall standard
    /// deviation from the overall mean: a row per column, a dot per component, so that
    /// what separates the components reads at a glance.
    static func componentMeanChart(_ r: ImputationReport, _ m: MixtureReport) -> String {
        let p = r.columns.count
        guard p > 0, r.mean.count == p, r.covariance.count == p else { return "" }
        let rowHeight = 24.0, left = 150.0, right = 520.0, top = 10.0
        let bottom = top + rowHeight * Double(p)
        var canvas = SVGCanvas(width: 540, height: bottom + 64)
        let sd = (0..<p).map { r.covariance[$0][$0] > 0 ? r.covariance[$0][$0].squareRoot() : 1 }
        let z = m.means.map { mean in (0..<p).map { (mean[$0] - r.mean[$0]) / sd[$0] } }
        let all = z.joined().filter(\.isFinite)
        let bound = max(1, all.map(abs).max() ?? 1)
        let ticks = Ticks(-bound, bound, count: 6)
        let x = LinearScale(domain: (ticks.lower, ticks.upper), range: (left, right))
        for j in 0..<p {
            let yj = top + rowHeight * (Double(j) + 0.5)
            canvas.line(left, yj, right, yj, class: "grid")
            canvas.text(r.columns[j], x: left - 8, y: yj + 4, class: "label", anchor: "end", limit: 20)
            for k in 0..<m.components where z[k][j].isFinite {
                canvas.append("<circle cx=\"\(NumberText.coordinate(x(z[k][j])))\" cy=\"\(NumberText.coordinate(yj))\" r=\"4.5\" fill=\"\(componentColor(k))\" fill-opacity=\"0.85\"><title>component \(k + 1), \(Markup.escape(r.columns[j])): mean \(NumberText.value(m.means[k][j])) (\(NumberText.fixed(z[k][j], 2)) SD from the overall mean)</title></circle>")
            }
        }
        let zero = x(0)
        canvas.line(zero, top, zero, bottom, class: "axis")
        canvas.xAxis(x, ticks: ticks.values, y: bottom, label: { NumberText.tick($0, step: ticks.step) },
                     title: "component mean − overall mean, in overall standard deviations")
        for k in 0..<m.components {
            let lx = left + Double(k % 6) * 62, ly = bottom + 48 + Double(k / 6) * 14
            canvas.append("<circle cx=\"\(NumberText.coordinate(lx))\" cy=\"\(NumberText.coordinate(ly - 4))\" r=\"4.5\" fill=\"\(componentColor(k))\"/>")
            canvas.text("\(k + 1)", x: lx + 8, y: ly, class: "small")
        }
        canvas.height += Double(max(0, (m.components - 1) / 6)) * 14
        return canvas.render(id: "component-means", label: "Component means by column")
    }
}
