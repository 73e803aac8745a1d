import EMImputeCore
import Foundation

extension HTMLReport {
    /// Section 3. Missingness map of the page: which cells are missing, by pattern.
    static func missingness(facts: TableFacts, report r: ImputationReport) -> String {
        let names = facts.modelledNames, groups = facts.patternGroups

        let shown = Array(groups.prefix(maximumPatternRows))
        let p = names.count, n = max(1, facts.rowCount)

        var s = "<section id=\"missingness-section\" class=\"charts\">\n<h2>Missingness patterns</h2>\n"
        s += "<p class=\"how\">One row per distinct pattern of missing modelled cells, most frequent first; each column is a modelled variable. On the left, the number of rows with the pattern; on the right, how many variables it misses and a bar of its share of the rows. The bars underneath compare the variables' shares of missing cells (in percent).</p>\n"
        s += "<div class=\"legend\"><span><span class=\"swatch observed\"></span>observed</span><span><span class=\"swatch missing\"></span>missing</span></div>\n"

        let labelLimit = 20
        let longest = Double(min(labelLimit, names.map(\.count).max() ?? 1))
        let cell = max(8, min(56, 760 / Double(max(1, p))))
        let rowHeight = shown.count <= 12 ? 26.0 : shown.count <= 30 ? 20.0 : 14.0
        let labelFont = cell >= 14 ? 12.0 : 10.0
        let top = 24 + longest * labelFont * 0.58 * 0.71 + 8
        let x0 = 90.0
        let gridRight = x0 + cell * Double(p)
        let missingX = gridRight + 14
        let barX = missingX + 56, barWidth = 150.0
        let width = max(barX + barWidth + 60, gridRight + longest * labelFont * 0.58 * 0.71 + 20)
        let gridBottom = top + rowHeight * Double(shown.count)
        let bottomBars = 44.0
        let hidden = groups.count - shown.count
        let height = gridBottom + 14 + bottomBars + 18 + (hidden > 0 ? 22 : 0)

        var canvas = SVGCanvas(width: width, height: height)
        // Column names, rotated.
        for (j, name) in names.enumerated() {
            let cx = x0 + cell * (Double(j) + 0.5)
            canvas.text(name, x: cx + 3, y: top - 6, class: "label", limit: labelLimit,
                        extra: "transform=\"rotate(-45 \(NumberText.coordinate(cx + 3)) \(NumberText.coordinate(top - 6)))\"" + (labelFont < 12 ? " style=\"font-size:\(Int(labelFont))px\"" : ""))
        }
        canvas.text("rows", x: x0 - 8, y: top - 6, class: "axis-title", anchor: "end")
        canvas.text("missing", x: missingX + 20, y: top - 6, class: "axis-title", anchor: "middle")
        canvas.text("share of rows", x: barX, y: top - 6, class: "axis-title")

        let most = Double(shown.first?.rowCount ?? 1)
        for (k, g) in shown.enumerated() {
            let y = top + rowHeight * Double(k)
            let missingNames = g.pattern.missingColumns.map { names[$0] }
            let share = 100 * Double(g.rowCount) / Double(n)
            let tip = "\(g.rowCount) row(s) (\(NumberText.fixed(share, 1))%): " + (missingNames.isEmpty ? "complete" : "missing " + missingNames.joined(separator: ", "))
            canvas.append("<g class=\"pattern-row\"><title>\(Markup.escape(tip))</title>")
            canvas.text(String(g.rowCount), x: x0 - 8, y: y + rowHeight / 2 + 4, class: "value", anchor: "end")
            for j in 0..<p {
                canvas.rect(x0 + cell * Double(j), y, cell, rowHeight,
                            attributes: "class=\"\(g.pattern.isMissing(j) ? "cell-missing" : "cell-observed")\" stroke=\"#fff\" stroke-width=\"1\"")
            }
            canvas.text(String(g.pattern.missingCount), x: missingX + 20, y: y + rowHeight / 2 + 4, class: "value", anchor: "middle")
            canvas.rect(barX, y + 3, max(1, barWidth * Double(g.rowCount) / most), rowHeight - 6, attributes: "class=\"count-bar\"")
            canvas.text(NumberText.fixed(share, 1) + "%", x: barX + max(1, barWidth * Double(g.rowCount) / most) + 4, y: y + rowHeight / 2 + 4, class: "small")
            canvas.append("</g>")
        }
        // Share of missing cells per column.
        let barTop = gridBottom + 14
        canvas.text("% missing", x: x0 - 8, y: barTop + bottomBars / 2 + 4, class: "axis-title", anchor: "end")
        canvas.line(x0, barTop + bottomBars, gridRight, barTop + bottomBars, class: "axis")
        let observed = facts.observedCounts, rowCount = facts.rowCount
        let largest = max(1, (0..<p).map { rowCount - observed[$0] }.max() ?? 1)
        for j in 0..<p {
            let missing = rowCount - observed[j]
            let fraction = rowCount == 0 ? 0 : Double(missing) / Double(rowCount)
            let h = max(missing > 0 ? 1 : 0, (bottomBars - 14) * Double(missing) / Double(largest))
            canvas.rect(x0 + cell * Double(j) + 2, barTop + bottomBars - h, cell - 4, h, attributes: "class=\"missing-bar\"",
                        tooltip: "\(names[j]): \(missing) missing (\(NumberText.fixed(100 * fraction, 1))%)")
            if cell >= 26 {
                canvas.text(String(Int((100 * fraction).rounded())), x: x0 + cell * (Double(j) + 0.5), y: barTop + bottomBars - h - 3, class: "small", anchor: "middle")
            }
        }
        if hidden > 0 {
            let rows = groups.dropFirst(shown.count).reduce(0) { $0 + $1.rowCount }
            canvas.text("+\(hidden) more patterns (\(rows) rows) not drawn; the JSON report lists all \(groups.count).", x: x0, y: height - 6, class: "label")
        }
        s += "<figure>\(canvas.render(id: "missingness", label: "Missingness map: \(groups.count) patterns × \(p) modelled columns"))</figure>\n"
        s += "</section>\n"
        return s
    }
}
