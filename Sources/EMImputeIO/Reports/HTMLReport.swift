import EMImputeCore
import Foundation

/// The diagnostics of one `impute` run as a single self-contained HTML page, as written by
/// `--html`: inline CSS and SVG only — no scripts, nothing fetched.
///
/// The page shows the summary and warnings, the convergence trace, a missingness map, the
/// distributions of observed and imputed values per column, and the correlation heatmap
/// (how to read each: Docs/Report.md).
///
/// ```swift
/// let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: false, clampToObservedRange: false)
/// let written = try adjustment.adjusted(result.imputedValues, of: table.matrix)
/// let report = ImputationReport(table: table, result: result, timings: timings, adjustment: adjustment, writtenValues: written)
/// let page = HTMLReport.render(table: table, result: result, report: report, writtenValues: written)
/// try OutputTarget.writeFile("report.html", contents: page)
/// ```
public enum HTMLReport {
    /// The most missingness patterns drawn in the map; the rest are summarised in a note.
    public static let maximumPatternRows = 60

    /// The page for a run.
    ///
    /// - Parameters:
    ///   - table: the loaded input; its matrix supplies the observed values.
    ///   - result: the fit of `table.matrix`; supplies the missingness patterns.
    ///   - report: the diagnostics of the same run; supplies every other number.
    ///   - writtenValues: the imputed cells as written to the completed CSV (after any
    ///     rounding or clamping), in row-major order of the missing cells of `table.matrix` —
    ///     the values the report's `columnSummary` describes; the histograms show them.
    /// - Complexity: O(n·p) for the histograms and the patterns (two streaming passes over
    ///   the matrix, which is not copied), plus O(p²) for the heatmap.
    ///   - imputations: with multiple imputation, each imputation's drawn values as written
    ///     (same order as `writtenValues`); shown beside the observed distribution.
    public static func render(table: LoadedTable, result: EMResult, report: ImputationReport, writtenValues: [Double],
                              imputations: [[Double]] = []) -> String {
        render(table: table, groups: result.patternGroups, report: report, writtenValues: writtenValues, imputations: imputations)
    }

    /// The page for a run of any model (`--model mixture` and `t` add a section on the
    /// model); the missingness patterns come from `table.matrix`.
    public static func render(table: LoadedTable, report: ImputationReport, writtenValues: [Double],
                              imputations: [[Double]] = []) -> String {
        render(table: table, groups: table.matrix.patternGroups(), report: report, writtenValues: writtenValues, imputations: imputations)
    }

    private static func render(table: LoadedTable, groups: [PatternGroup], report: ImputationReport, writtenValues: [Double],
                               imputations: [[Double]]) -> String {
        var page = head(title: "emimpute report: \(report.input.path)")
        page += "<main>\n"
        page += summary(report)
        page += modelSection(report)
        page += convergence(report)
        page += missingness(table: table, groups: groups, report: report)
        page += distributions(table: table, written: writtenValues, report: report)
        page += inference(report)
        page += multipleImputation(table: table, draws: imputations, report: report)
        page += overimputation(table: table, report: report)
        page += correlation(report)
        page += "<footer>Written by emimpute \(Markup.escape(report.emimputeVersion)) (report schema \(report.schemaVersion)). Every number here is also in the JSON report (<code>--report</code>).</footer>\n"
        page += "</main>\n</body>\n</html>\n"
        return page
    }
}

// MARK: - Page

extension HTMLReport {
    private static func head(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(Markup.escape(title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>

        """
    }

    private static let style = """
        :root { --observed: \(ChartColor.observed); --missing: \(ChartColor.missing); --ink: #1f2328; --muted: #59636e; --rule: #d8dee4; }
        * { box-sizing: border-box; }
        html { -webkit-text-size-adjust: 100%; }
        body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        main { max-width: 1140px; margin: 0 auto; padding: 24px 24px 48px; }
        h1 { font-size: 26px; margin: 0 0 2px; }
        h2 { font-size: 20px; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
        h3 { font-size: 15px; margin: 0 0 4px; }
        p { margin: 6px 0; }
        code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
        .subtitle { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
        .how { color: var(--muted); font-size: 14px; max-width: 90ch; }
        .note { color: var(--muted); font-size: 13px; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; margin: 12px 0; }
        .tile { border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; min-width: 0; }
        .tile .k { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
        .tile .v { font-size: 20px; font-weight: 600; overflow-wrap: anywhere; }
        .tile .s { font-size: 13px; color: var(--muted); }
        .good { color: #1a7f37; }
        .bad { color: #cf222e; }
        .warning { border-left: 4px solid #bf8700; background: #fff8c5; padding: 8px 12px; margin: 8px 0; border-radius: 0 6px 6px 0; }
        .warning .remedy { display: block; margin-top: 2px; }
        .no-warnings { border-left: 4px solid #1a7f37; background: #dafbe1; padding: 6px 12px; border-radius: 0 6px 6px 0; }
        table { width: 100%; border-collapse: collapse; table-layout: fixed; font-size: 13px; font-variant-numeric: tabular-nums; margin: 8px 0; }
        th, td { padding: 4px 6px; border-bottom: 1px solid #eaeef2; text-align: right; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
        th { font-weight: 600; color: var(--muted); border-bottom: 1px solid var(--rule); white-space: normal; vertical-align: bottom; }
        th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
        col.name { width: 20%; } col.type { width: 9%; }
        dl.options { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 13px; margin: 8px 0; }
        dl.options dt { color: var(--muted); }
        dl.options dd { margin: 0; overflow-wrap: anywhere; }
        .pair { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 440px), 1fr)); gap: 20px; }
        figure { margin: 12px 0; min-width: 0; }
        svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
        svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; fill: var(--ink); }
        svg .tick { font-size: 11px; fill: var(--muted); }
        svg .power { font-size: 13px; }
        svg .label { font-size: 12px; }
        svg .small { font-size: 11px; fill: var(--muted); }
        svg .value { font-size: 11px; }
        svg .panel-title { font-size: 13px; font-weight: 600; }
        svg .axis-title { font-size: 12px; fill: var(--muted); }
        svg .axis { stroke: #8c959f; stroke-width: 1; }
        svg .grid { stroke: #eaeef2; stroke-width: 1; }
        svg .trace { fill: none; stroke: var(--observed); stroke-width: 2; stroke-linejoin: round; }
        svg .dot { fill: var(--observed); }
        svg .tolerance { stroke: #cf222e; stroke-width: 1.5; stroke-dasharray: 6 4; }
        svg .tolerance-label { font-size: 11px; fill: #cf222e; }
        svg .cell-observed { fill: var(--observed); }
        svg .cell-missing { fill: var(--missing); }
        svg .count-bar { fill: #9aa7b4; }
        svg .missing-bar { fill: var(--missing); }
        svg .hist-observed { fill: var(--observed); fill-opacity: .28; stroke: var(--observed); stroke-width: 1.5; }
        svg .mi-line { fill: none; stroke: var(--missing); stroke-width: 1.2; stroke-opacity: .7; }
        svg .hist-imputed { fill: var(--missing); fill-opacity: .30; stroke: var(--missing); stroke-width: 2; }
        svg .panel-frame { fill: none; stroke: #eaeef2; }
        svg .clip-mark { font-size: 9px; fill: var(--missing); }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 18px; font-size: 13px; margin: 6px 0; }
        .swatch { display: inline-block; width: 14px; height: 14px; border-radius: 3px; vertical-align: -2px; margin-right: 6px; }
        .swatch.observed { background: var(--observed); }
        .swatch.missing { background: var(--missing); }
        .swatch.line { height: 3px; vertical-align: 4px; width: 20px; border-radius: 0; }
        .swatch.dashed { background: repeating-linear-gradient(90deg, #cf222e 0 6px, transparent 6px 10px); height: 2px; vertical-align: 4px; width: 22px; border-radius: 0; }
        footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
        @media print {
          body { font-size: 10pt; }
          main { max-width: none; padding: 0; }
          h2 { break-after: avoid; margin-top: 18px; }
          section.charts, figure, .tile, .warning, tr { break-inside: avoid; }
          .warning, .no-warnings, .swatch, .tile { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          table { font-size: 8.5pt; }
          th, td { padding: 2px 3px; }
          col.name { width: 16%; } col.type { width: 8%; }
          footer { margin-top: 16px; }
          @page { size: A4; margin: 12mm; }
        }
        """
}

// MARK: - 1. Summary

extension HTMLReport {
    private static func summary(_ r: ImputationReport) -> String {
        let numeric = r.columnSummary.filter { $0.type == "numeric" }
        let textColumns = r.columnSummary.filter { $0.type == "text" }.count
        let excluded = r.columnSummary.filter { $0.type == "excluded" }.count
        let cells = numeric.reduce(0) { $0 + $1.observed + $1.missing }
        let missing = numeric.reduce(0) { $0 + $1.missing }
        let e = Markup.escape

        var s = "<header>\n<h1>Imputation report</h1>\n"
        s += "<p class=\"subtitle\"><code title=\"\(e(r.input.path))\">\(e(r.input.path == "-" ? "<stdin>" : r.input.path))</code> · \(r.input.rows) rows · \(r.input.bytes) bytes · emimpute \(e(r.emimputeVersion))</p>\n</header>\n"
        s += "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"tiles\">\n"

        func tile(_ key: String, _ value: String, _ sub: String, valueClass: String = "") -> String {
            "<div class=\"tile\"><div class=\"k\">\(key)</div><div class=\"v\(valueClass.isEmpty ? "" : " " + valueClass)\">\(value)</div><div class=\"s\">\(sub)</div></div>\n"
        }
        var rowsNote = "\(r.rowsUsed) used by EM"
        if r.rowsWithNothingObserved > 0 { rowsNote += "; \(r.rowsWithNothingObserved) with nothing observed (imputed with μ)" }
        s += tile("Rows", String(r.input.rows), rowsNote)
        s += tile("Modelled columns", String(numeric.count), "\(textColumns) text, \(excluded) excluded (passed through)")
        s += tile("Missing cells", "\(missing) of \(cells)", "\(TextSummary.percent(missing, cells)) of the modelled cells, in \(r.patterns.count) pattern(s)")
        let adjusted = [r.options.roundIntegers ? "rounded" : nil, r.options.clampToObservedRange ? "clamped" : nil].compactMap { $0 }
        s += tile("Imputed cells", String(r.imputedCells), "by their conditional means given each row's observed cells"
                  + (adjusted.isEmpty ? "" : ", then \(adjusted.joined(separator: " and ")) (see the warnings)"))
        if r.converged {
            s += tile("EM", "converged", "after \(r.iterations) iteration(s): largest parameter change below \(e(TextSummary.short(r.options.tolerance)))", valueClass: "good")
        } else {
            s += tile("EM", "did not converge", "stopped at the cap of \(r.options.maxIterations) iterations", valueClass: "bad")
        }
        var llNote = r.monotone ? "never decreased" : "<span class=\"bad\">decreased at some iteration</span>"
        if !r.isMaximumLikelihood { llNote += "; at the ridge posterior mode, not the MLE" }
        s += tile("Log-likelihood", TextSummary.fixed(r.logLikelihood, 4), llNote)
        if let rate = r.rateOfConvergence {
            s += tile("Missing information", TextSummary.fixed(max(0, min(1, rate)), 3), "largest fraction (EM's rate of convergence)")
        }
        if let agree = r.startsAgree {
            s += tile("Starts", String(r.starts.count), agree ? "all reached the same optimum" : "<span class=\"bad\">reached different optima</span> (the best was kept)")
        }
        let t = r.timings
        s += tile("Time", TextSummary.seconds(t.load + t.em + t.write), "load \(TextSummary.seconds(t.load)), EM \(TextSummary.seconds(t.em)), write \(TextSummary.seconds(t.write))")
        s += "</div>\n"

        s += "<h3>Warnings</h3>\n"
        if r.warnings.isEmpty {
            s += "<p class=\"no-warnings\">No warnings.</p>\n"
        } else {
            for w in r.warnings {
                s += "<div class=\"warning\" data-code=\"\(e(w.code))\"><strong>\(e(w.message))</strong><span class=\"remedy\">Remedy: \(e(w.remedy))</span></div>\n"
            }
        }

        s += "<h3 style=\"margin-top:18px\">Columns</h3>\n"
        s += "<table id=\"columns\">\n<colgroup><col class=\"name\"><col class=\"type\"><col><col><col><col><col><col><col><col></colgroup>\n"
        s += "<thead><tr><th>column</th><th>type</th><th>observed</th><th>missing</th><th>% missing</th><th title=\"mean of the observed cells\">observed mean</th><th title=\"mean of the imputed cells\">imputed mean</th><th title=\"estimated μ\">estimated μ</th><th title=\"standard deviation of the observed cells\">observed sd</th><th title=\"estimated √Σⱼⱼ\">estimated sd</th></tr></thead>\n<tbody>\n"
        for c in r.columnSummary {
            let modelled = c.type == "numeric"
            func v(_ x: Double?) -> String { modelled ? NumberText.value(x) : "" }
            s += "<tr><td title=\"\(e(c.name))\">\(e(c.name))</td><td>\(modelled ? "modelled" : e(c.type))</td><td>\(c.observed)</td><td>\(c.missing)</td><td>\(TextSummary.fixed(c.percentMissing, 1))</td>"
            s += "<td>\(v(c.observedMean))</td><td>\(v(c.imputedMean))</td><td>\(v(c.estimatedMean))</td><td>\(v(c.observedStandardDeviation))</td><td>\(v(c.estimatedStandardDeviation))</td></tr>\n"
        }
        s += "</tbody>\n</table>\n"

        let o = r.options
        let codes = o.missingTokens.map { $0.isEmpty ? "(empty cell)" : $0 }.map(e).joined(separator: ", ")
        s += "<dl class=\"options\">"
        s += "<dt>stopping rule</dt><dd>\(e(o.criterion)) (tolerance \(e(TextSummary.short(o.tolerance))), at most \(o.maxIterations) iterations)</dd>"
        s += "<dt>ridge</dt><dd>\(e(TextSummary.short(o.ridge)))</dd>"
        s += "<dt>acceleration</dt><dd>\(e(o.acceleration))</dd>"
        s += "<dt>random starts</dt><dd>\(o.starts) (seed \(o.seed))</dd>"
        s += "<dt>missing-value codes</dt><dd>\(codes)</dd>"
        let delimiterNames = [",": "comma", ";": "semicolon", "|": "pipe", "\t": "tab"]
        let delimiter = delimiterNames[o.delimiter].map { $0 == "tab" ? $0 : "\($0) (<code>\(e(o.delimiter))</code>)" } ?? "<code>\(e(o.delimiter))</code>"
        s += "<dt>delimiter, header</dt><dd>\(delimiter); \(o.header ? "the first row is the header" : "no header row")</dd>"
        s += "</dl>\n</section>\n"
        return s
    }
}

// MARK: - 2. Convergence

extension HTMLReport {
    private static func convergence(_ r: ImputationReport) -> String {
        var s = "<section id=\"convergence-section\" class=\"charts\">\n<h2>Convergence</h2>\n"
        s += "<p class=\"how\">Left: the observed-data log-likelihood after each iteration; EM never lowers it, so the line rises and flattens. Right: the largest absolute change of any entry of μ or Σ (standardised scale) on a log scale; EM stopped when it fell below the dashed tolerance line. A straight descent means linear convergence; a shallow slope means much missing information.</p>\n"
        s += "<div class=\"pair\">\n"
        // With a ridge EM increases ℓ + log prior, which differs from ℓ by far more than ℓ's
        // own range, so it is not drawn; ℓ alone may fall.
        let ridgeNote = r.isMaximumLikelihood ? "" : "<p class=\"note\">With the ridge prior (λ = \(Markup.escape(TextSummary.short(r.options.ridge)))) EM increases the log-likelihood plus the log prior, not the log-likelihood itself, which may fall.</p>"
        s += "<figure><h3>Log-likelihood per iteration</h3>\(likelihoodChart(r))\(ridgeNote)</figure>\n"
        s += "<figure><h3>Largest parameter change per iteration (log scale)</h3>\(changeChart(r))</figure>\n"
        s += "</div>\n</section>\n"
        return s
    }

    /// Keeps at most about `limit` records (always the first and the last).
    private static func thinned(_ records: [IterationRecord], limit: Int = 1500) -> [IterationRecord] {
        guard records.count > limit else { return records }
        let stride = Int((Double(records.count) / Double(limit)).rounded(.up))
        var out = records.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
        if out.last?.iteration != records.last?.iteration, let last = records.last { out.append(last) }
        return out
    }

    private static func likelihoodChart(_ r: ImputationReport) -> String {
        var canvas = SVGCanvas(width: 540, height: 300)
        let left = 84.0, right = 524.0, top = 14.0, bottom = 250.0
        let records = thinned(r.history).filter { $0.logLikelihood.isFinite }
        guard !records.isEmpty else {
            canvas.text("no iterations recorded", x: 270, y: 150, class: "small", anchor: "middle")
            return canvas.render(id: "convergence", label: "Log-likelihood per iteration (none recorded)")
        }
        let values = records.map(\.logLikelihood)
        let yTicks = Ticks(values.min()!, values.max()!, count: 5)
        let lastIteration = Double(records.last!.iteration)
        let xTicks = Ticks(1, max(2, lastIteration), count: 6, integers: true)
        let x = LinearScale(domain: (1, max(2, lastIteration)), range: (left, right))
        let y = LinearScale(domain: (yTicks.lower, yTicks.upper), range: (bottom, top))
        canvas.yAxis(y, ticks: yTicks.values, x: left, gridTo: right, label: { NumberText.tick($0, step: yTicks.step) }, title: "log-likelihood")
        canvas.xAxis(x, ticks: xTicks.values.filter { $0 >= 1 && $0 <= max(2, lastIteration) }, y: bottom, label: { String(Int($0)) }, title: "iteration")
        canvas.polyline(records.map { (x(Double($0.iteration)), y($0.logLikelihood)) }, class: "trace")
        if records.count <= 60 {
            for rec in records {
                canvas.append("<circle class=\"dot\" cx=\"\(NumberText.coordinate(x(Double(rec.iteration))))\" cy=\"\(NumberText.coordinate(y(rec.logLikelihood)))\" r=\"2.6\"><title>iteration \(rec.iteration): ℓ = \(TextSummary.fixed(rec.logLikelihood, 4))</title></circle>")
            }
        }
        return canvas.render(id: "convergence", label: "Log-likelihood per iteration")
    }

    private static func changeChart(_ r: ImputationReport) -> String {
        var canvas = SVGCanvas(width: 540, height: 300)
        let left = 84.0, right = 524.0, top = 14.0, bottom = 250.0
        let records = thinned(r.history).filter { $0.maxAbsoluteChange.isFinite && $0.maxAbsoluteChange > 0 }
        guard !records.isEmpty else {
            canvas.text("no parameter changes recorded", x: 270, y: 150, class: "small", anchor: "middle")
            return canvas.render(id: "convergence-change", label: "Largest parameter change per iteration (none recorded)")
        }
        let logs = records.map { log10($0.maxAbsoluteChange) }
        let tolerance = r.options.tolerance
        let logTolerance = tolerance > 0 && tolerance.isFinite ? log10(tolerance) : nil
        var low = min(logs.min()!, logTolerance ?? .infinity).rounded(.down)
        var high = max(logs.max()!, logTolerance ?? -.infinity).rounded(.up)
        if high <= low { high = low + 1 }
        // At most 8 labelled powers of ten, with both ends of the axis labelled.
        let stride = max(1, Int(((high - low) / 7).rounded(.up)))
        low = high - Double(stride) * ((high - low) / Double(stride)).rounded(.up)
        let exponents = Swift.stride(from: Int(low), through: Int(high), by: stride).map(Double.init)
        let lastIteration = Double(records.last!.iteration)
        let xTicks = Ticks(1, max(2, lastIteration), count: 6, integers: true)
        let x = LinearScale(domain: (1, max(2, lastIteration)), range: (left, right))
        let y = LinearScale(domain: (low, high), range: (bottom, top))
        canvas.yAxis(y, ticks: exponents, x: left, gridTo: right, label: { NumberText.powerOfTen(Int($0)) }, title: "max |Δ parameter|", tickClass: "tick power")
        canvas.xAxis(x, ticks: xTicks.values.filter { $0 >= 1 && $0 <= max(2, lastIteration) }, y: bottom, label: { String(Int($0)) }, title: "iteration")
        if let logTolerance {
            canvas.line(left, y(logTolerance), right, y(logTolerance), class: "tolerance")
            canvas.text("tolerance \(TextSummary.short(tolerance))", x: left + 6, y: y(logTolerance) - 5, class: "tolerance-label")
        }
        canvas.polyline(zip(records, logs).map { (x(Double($0.iteration)), y($1)) }, class: "trace")
        if records.count <= 60 {
            for (rec, l) in zip(records, logs) {
                canvas.append("<circle class=\"dot\" cx=\"\(NumberText.coordinate(x(Double(rec.iteration))))\" cy=\"\(NumberText.coordinate(y(l)))\" r=\"2.6\"><title>iteration \(rec.iteration): change \(String(format: "%.3g", rec.maxAbsoluteChange))</title></circle>")
            }
        }
        return canvas.render(id: "convergence-change", label: "Largest absolute parameter change per iteration, log scale")
    }
}

// MARK: - 3. Missingness map

extension HTMLReport {
    private static func missingness(table: LoadedTable, groups: [PatternGroup], report r: ImputationReport) -> String {
        let names = table.modelledNames

        let shown = Array(groups.prefix(maximumPatternRows))
        let p = names.count, n = max(1, table.rowCount)

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
            let tip = "\(g.rowCount) row(s) (\(TextSummary.fixed(share, 1))%): " + (missingNames.isEmpty ? "complete" : "missing " + missingNames.joined(separator: ", "))
            canvas.append("<g class=\"pattern-row\"><title>\(Markup.escape(tip))</title>")
            canvas.text(String(g.rowCount), x: x0 - 8, y: y + rowHeight / 2 + 4, class: "value", anchor: "end")
            for j in 0..<p {
                canvas.rect(x0 + cell * Double(j), y, cell, rowHeight,
                            attributes: "class=\"\(g.pattern.isMissing(j) ? "cell-missing" : "cell-observed")\" stroke=\"#fff\" stroke-width=\"1\"")
            }
            canvas.text(String(g.pattern.missingCount), x: missingX + 20, y: y + rowHeight / 2 + 4, class: "value", anchor: "middle")
            canvas.rect(barX, y + 3, max(1, barWidth * Double(g.rowCount) / most), rowHeight - 6, attributes: "class=\"count-bar\"")
            canvas.text(TextSummary.fixed(share, 1) + "%", x: barX + max(1, barWidth * Double(g.rowCount) / most) + 4, y: y + rowHeight / 2 + 4, class: "small")
            canvas.append("</g>")
        }
        // Share of missing cells per column.
        let barTop = gridBottom + 14
        canvas.text("% missing", x: x0 - 8, y: barTop + bottomBars / 2 + 4, class: "axis-title", anchor: "end")
        canvas.line(x0, barTop + bottomBars, gridRight, barTop + bottomBars, class: "axis")
        let observed = table.matrix.observedCounts
        let largest = max(1, (0..<p).map { table.rowCount - observed[$0] }.max() ?? 1)
        for j in 0..<p {
            let missing = table.rowCount - observed[j]
            let fraction = table.rowCount == 0 ? 0 : Double(missing) / Double(table.rowCount)
            let h = max(missing > 0 ? 1 : 0, (bottomBars - 14) * Double(missing) / Double(largest))
            canvas.rect(x0 + cell * Double(j) + 2, barTop + bottomBars - h, cell - 4, h, attributes: "class=\"missing-bar\"",
                        tooltip: "\(names[j]): \(missing) missing (\(TextSummary.fixed(100 * fraction, 1))%)")
            if cell >= 26 {
                canvas.text(String(Int((100 * fraction).rounded())), x: x0 + cell * (Double(j) + 0.5), y: barTop + bottomBars - h - 3, class: "small", anchor: "middle")
            }
        }
        if hidden > 0 {
            let rows = groups.dropFirst(shown.count).reduce(0) { $0 + $1.rowCount }
            canvas.text("+\(hidden) more patterns (\(rows) rows) not drawn; the JSON report (--report) lists all \(groups.count).", x: x0, y: height - 6, class: "label")
        }
        s += "<figure>\(canvas.render(id: "missingness", label: "Missingness map: \(groups.count) patterns × \(p) modelled columns"))</figure>\n"
        s += "</section>\n"
        return s
    }
}

// MARK: - 4. Distributions

extension HTMLReport {
    private static func distributions(table: LoadedTable, written: [Double], report r: ImputationReport) -> String {
        let names = table.modelledNames
        let p = names.count
        let histograms = ColumnHistogram.make(values: table.matrix.values, columnCount: table.matrix.columnCount, imputed: written)
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
            canvas.text("\(h.observedCount) observed · \(h.imputedCount) imputed" + (isClipped ? " · ▲ bar cut" : ""), x: px + 10, y: py + 34, class: "small")
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

// MARK: - 5. Correlation

extension HTMLReport {
    private static func correlation(_ r: ImputationReport) -> String {
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
