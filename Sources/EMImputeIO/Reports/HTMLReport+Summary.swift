import EMImputeCore
import Foundation

extension HTMLReport {
    /// Section 1. Summary of the page: the summary tiles, the warnings, the column table and the options.
    static func summary(_ r: ImputationReport) -> String {
        let (modelled, textColumns, excluded, cells, missing) = r.counts
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
        s += tile("Modelled columns", String(modelled), "\(textColumns) text, \(excluded) excluded (passed through)")
        s += tile("Missing cells", "\(missing) of \(cells)", "\(NumberText.percent(missing, cells)) of the modelled cells, in \(r.patterns.count) pattern(s)")
        let adjusted = [r.options.roundIntegers ? "rounded" : nil, r.options.clampToObservedRange ? "clamped" : nil].compactMap { $0 }
        s += tile("Imputed cells", String(r.imputedCells), "by their conditional means given each row's observed cells"
                  + (adjusted.isEmpty ? "" : ", then \(adjusted.joined(separator: " and ")) (see the warnings)"))
        if r.converged {
            s += tile("EM", "converged", "after \(r.iterations) iteration(s): largest parameter change below \(e(NumberText.short(r.options.tolerance)))", valueClass: "good")
        } else {
            s += tile("EM", "did not converge", "stopped at the cap of \(r.options.maxIterations) iterations", valueClass: "bad")
        }
        var llNote = r.monotone ? "never decreased" : "<span class=\"bad\">decreased at some iteration</span>"
        if !r.isMaximumLikelihood { llNote += "; at the ridge posterior mode, not the MLE" }
        s += tile("Log-likelihood", NumberText.fixed(r.logLikelihood, 4), llNote)
        if let rate = r.rateOfConvergence {
            s += tile("Missing information", NumberText.fixed(max(0, min(1, rate)), 3), "largest fraction (EM's rate of convergence)")
        }
        if let agree = r.startsAgree {
            s += tile("Starts", String(r.starts.count), agree ? "all reached the same optimum" : "<span class=\"bad\">reached different optima</span> (the best was kept)")
        }
        let t = r.timings
        s += tile("Time", NumberText.seconds(t.load + t.em + t.write), "load \(NumberText.seconds(t.load)), EM \(NumberText.seconds(t.em)), write \(NumberText.seconds(t.write))")
        s += "</div>\n"

        s += "<h3>Warnings</h3>\n"
        if r.warnings.isEmpty {
            s += "<p class=\"no-warnings\">No warnings.</p>\n"
        } else {
            for w in r.warnings {
                s += "<div class=\"warning\" data-code=\"\(e(w.code))\"><strong>\(e(w.message))</strong>" + (w.remedy.isEmpty ? "" : "<span class=\"remedy\">Remedy: \(e(w.remedy))</span>") + "</div>\n"
            }
        }

        s += "<h3 style=\"margin-top:18px\">Columns</h3>\n"
        s += "<table id=\"columns\">\n<colgroup><col class=\"name\"><col class=\"type\"><col><col><col><col><col><col><col><col></colgroup>\n"
        s += "<thead><tr><th>column</th><th>type</th><th>observed</th><th>missing</th><th>% missing</th><th title=\"mean of the observed cells\">observed mean</th><th title=\"mean of the imputed cells\">imputed mean</th><th title=\"estimated μ\">estimated μ</th><th title=\"standard deviation of the observed cells\">observed sd</th><th title=\"estimated √Σⱼⱼ\">estimated sd</th></tr></thead>\n<tbody>\n"
        for c in r.columnSummary {
            let isModelled = c.type == .numeric
            func v(_ x: Double?) -> String { isModelled ? NumberText.value(x) : "" }
            s += "<tr><td title=\"\(e(c.name))\">\(e(c.name))</td><td>\(isModelled ? "modelled" : e(c.type.rawValue))</td><td>\(c.observed)</td><td>\(c.missing)</td><td>\(NumberText.fixed(c.percentMissing, 1))</td>"
            s += "<td>\(v(c.observedMean))</td><td>\(v(c.imputedMean))</td><td>\(v(c.estimatedMean))</td><td>\(v(c.observedStandardDeviation))</td><td>\(v(c.estimatedStandardDeviation))</td></tr>\n"
        }
        s += "</tbody>\n</table>\n"

        let o = r.options
        let codes = o.missingTokens.map { $0.isEmpty ? "(empty cell)" : $0 }.map(e).joined(separator: ", ")
        s += "<dl class=\"options\">"
        s += "<dt>stopping rule</dt><dd>\(e(o.criterion)) (tolerance \(e(NumberText.short(o.tolerance))), at most \(o.maxIterations) iterations)</dd>"
        s += "<dt>ridge</dt><dd>\(e(NumberText.short(o.ridge)))</dd>"
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
