import EMImputeCore
import Foundation

// The overimputation section of the HTML report (Amelia's overimpute): for a sample of each
// column's observed cells, the prediction from the rest of the row under the fitted normal
// with its 90% interval, against the value that was there, around the line y = x; and the
// share of intervals that cover it, beside the nominal 90%.
extension HTMLReport {
    /// Cells sampled per column.
    static let overimputedCellsPerColumn = 100
    /// The panels drawn at most.
    static let overimputationPanels = 12

    /// The section, or "" for a mixture or t fit, without missing cells, or when the check cannot run.
    /// `sample`: the rows as read, or a seeded sample of them for a streamed table.
    static func overimputation(_ sample: IncompleteMatrix, report r: ImputationReport) -> String {
        guard r.model.kind == .gaussian, r.imputedCells > 0 else { return "" }
        let names = r.columns, p = names.count, n = sample.rowCount, values = sample.values
        let columns = Array((0..<p).filter { j in (0..<n).contains { values[$0 * p + j].isNaN } }.prefix(overimputationPanels))
        guard let covariance = try? Matrix(rowCount: p, columnCount: p, storage: r.covariance.flatMap { $0 }),
              let model = try? GaussianModel(columnNames: names, mean: r.mean, covariance: covariance),
              let check = try? Overimputation(sample, model: model, columns: columns, cellsPerColumn: overimputedCellsPerColumn,
                                              level: 0.9, seed: r.options.seed),
              !check.cells.isEmpty else { return "" }
        let percent = { (x: Double) in NumberText.fixed(100 * x, 1) + "%" }
        var s = "<section id=\"overimputation\" class=\"charts\">\n<h2>Overimputation</h2>\n"
        s += "<p class=\"how\">Up to \(overimputedCellsPerColumn) observed cells of each column with missing cells (a seeded sample) are treated as missing one at a time and predicted from the rest of their row under the fitted normal, with the 90% interval of the conditional distribution. Points should scatter about the line y = x and about 90% of the intervals should cross it; far fewer means the model misdescribes the column (skew, outliers, a non-linear relation).</p>\n"
        s += "<p id=\"overimputation-coverage\"><strong>\(percent(check.coverage))</strong> of \(check.cells.count) 90% intervals cover the observed value (nominal 90%).</p>\n"
        let perRow = max(1, min(columns.count, 3))
        let panelWidth = 360.0, panelHeight = 300.0, gap = 8.0
        let rows = (columns.count + perRow - 1) / perRow
        var canvas = SVGCanvas(width: Double(perRow) * panelWidth + Double(perRow - 1) * gap, height: Double(rows) * (panelHeight + gap))
        for (panel, j) in columns.enumerated() {
            let cells = check.cells.filter { $0.column == j }
            guard !cells.isEmpty, let coverage = check.coverage(ofColumn: j) else { continue }
            let everything = cells.flatMap { [$0.observed, $0.lower, $0.upper] }
            var lo = everything.min()!, hi = everything.max()!
            if hi == lo { lo -= 0.5; hi += 0.5 }
            let px = Double(panel % perRow) * (panelWidth + gap), py = Double(panel / perRow) * (panelHeight + gap)
            canvas.append("<g class=\"overimputation\" data-column=\"\(j)\" data-coverage=\"\(NumberText.fixed(coverage, 4))\">")
            canvas.rect(px + 0.5, py + 0.5, panelWidth - 1, panelHeight - 1, attributes: "class=\"panel-frame\" rx=\"4\"")
            canvas.text(names[j], x: px + 10, y: py + 18, class: "panel-title", limit: 40)
            canvas.text("\(percent(coverage)) of \(cells.count) intervals cover", x: px + 10, y: py + 34, class: "small")
            let left = px + 52, right = px + panelWidth - 14, top = py + 46, bottom = py + panelHeight - 38
            let x = LinearScale(domain: (lo, hi), range: (left, right))
            let y = LinearScale(domain: (lo, hi), range: (bottom, top))
            let ticks = Ticks(lo, hi, count: 4)
            let shown = ticks.values.filter { $0 >= lo - 1e-9 * abs(lo) && $0 <= hi + 1e-9 * abs(hi) }
            canvas.yAxis(y, ticks: shown, x: left, gridTo: right, label: { NumberText.tick($0, step: ticks.step) })
            canvas.xAxis(x, ticks: shown, y: bottom, label: { NumberText.tick($0, step: ticks.step) }, title: "observed value")
            canvas.line(x(lo), y(lo), x(hi), y(hi), class: "tolerance")
            for cell in cells {
                let colour = cell.isCovered ? ChartColor.observed : ChartColor.missing
                canvas.append("<line x1=\"\(NumberText.coordinate(x(cell.observed)))\" y1=\"\(NumberText.coordinate(y(cell.lower)))\" x2=\"\(NumberText.coordinate(x(cell.observed)))\" y2=\"\(NumberText.coordinate(y(cell.upper)))\" stroke=\"\(colour)\" stroke-opacity=\".45\"/>")
                canvas.append("<circle cx=\"\(NumberText.coordinate(x(cell.observed)))\" cy=\"\(NumberText.coordinate(y(cell.predicted)))\" r=\"2.2\" fill=\"\(colour)\" data-covered=\"\(cell.isCovered)\"/>")
            }
            canvas.append("</g>")
        }
        s += "<div class=\"legend\"><span><span class=\"swatch observed\"></span>interval covers the observed value</span><span><span class=\"swatch missing\"></span>interval misses it</span><span><span class=\"swatch dashed\"></span>y = x</span></div>\n"
        s += "<figure>\(canvas.render(id: "overimputation-chart", label: "Overimputed observed cells: predicted value and 90% interval against the observed value, per column"))</figure>\n"
        return s + "</section>\n"
    }
}
