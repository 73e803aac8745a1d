import EMImpute
import Foundation

/// Plain-language text for people: the end-of-run summary of `impute` and the column and
/// pattern tables of `describe`, built by the same table code. Column names and messages
/// come from the data: they are shown with `PrintableText`, so no escape code, line break or
/// invisible character reaches the terminal raw.
enum TextSummary {
    /// The summary printed after `impute`.
    static func impute(_ r: ImputationReport) -> String {
        let (modelled, text, excluded, cells, missing) = r.counts
        var lines: [String] = []
        lines.append("emimpute: \(r.input.rows) rows; \(modelled) modelled, \(text) text and \(excluded) excluded column(s)")
        lines.append("  missing: \(missing) of \(cells) modelled cells (\(NumberText.percent(missing, cells))) in \(r.patterns.count) pattern(s); \(r.imputedCells) cell(s) imputed")
        let how = r.converged
            ? "converged after \(r.iterations) iteration(s) (largest parameter change below \(NumberText.short(r.options.tolerance)))"
            : "did NOT converge: stopped at the cap of \(r.options.maxIterations) iterations"
        lines.append("  EM: \(how)")
        lines += modelLines(r.model)
        lines.append("  log-likelihood: \(NumberText.fixed(r.logLikelihood, 4))\(r.isMaximumLikelihood ? "" : " (at the ridge posterior mode, not the MLE)")\(r.monotone ? ", never decreased" : ", DECREASED at some iteration")")
        if let rate = r.rateOfConvergence {
            lines.append("  largest fraction of missing information: \(NumberText.fixed(max(0, min(1, rate)), 3)) (rate of convergence)")
        }
        if let agree = r.startsAgree {
            lines.append("  starts: \(r.starts.count), \(agree ? "all reached the same optimum" : "reached DIFFERENT optima (the best was kept)")")
        }
        lines += inferenceLines(r)
        lines.append("  time: load \(NumberText.seconds(r.timings.load)), EM \(NumberText.seconds(r.timings.em)), write \(NumberText.seconds(r.timings.write))")
        if let mi = r.multipleImputation { lines += multipleImputationLines(mi) }
        lines += warningLines(r.warnings.map(\.warning))
        return lines.map(PrintableText.escaping).joined(separator: "\n") + "\n"
    }

    /// What only a mixture or a t fit has: the components, or ν and the rows weighted down most.
    static func modelLines(_ m: ModelReport) -> [String] {
        if let x = m.mixture {
            var lines = ["  model: mixture of \(x.components) normal component(s)\(x.selection == nil ? "" : ", chosen by BIC from K = 1…\(x.selection!.count)"); BIC \(NumberText.fixed(x.bayesianInformationCriterion, 2)), \(x.parameterCount) parameters"]
            lines.append("  component sizes: " + x.componentSizes.map { NumberText.fixed($0, 1) }.joined(separator: ", ")
                         + "; \(x.startsReachingBest) of \(x.starts.count) start(s) reached the best log-likelihood")
            return lines
        }
        if let t = m.t {
            let how = t.degreesOfFreedomEstimated ? "estimated" : "fixed"
            var lines = ["  model: multivariate t, ν = \(t.degreesOfFreedomIsInfinite ? "∞ (the normal)" : NumberText.fixed(t.degreesOfFreedom, 3)) (\(how))"]
            if !t.mostDownweightedRows.isEmpty {
                lines.append("  rows weighted down most: " + t.mostDownweightedRows.prefix(5).map { "\($0.row) (w = \(NumberText.fixed($0.weight, 3)))" }.joined(separator: ", "))
            }
            return lines
        }
        return []
    }

    /// Each warning as a `warning:` line and a `remedy:` line, the remedy in the command's flags.
    static func warningLines(_ warnings: [ReportWarning]) -> [String] {
        warnings.flatMap { ["warning: \($0)", "  remedy: \(Remedy.text(for: $0))"] }
    }

    /// The column table and the missingness patterns of `describe`, then the loader's warnings.
    static func describe(_ table: LoadedTable, littleLine: String? = nil) -> String {
        var out = "\(PrintableText.escaping(table.input.displayName)): \(table.rowCount) rows, \(table.columns.count) columns\n\n"
        let rows = table.columns.map { c in
            [PrintableText.escaping(c.name), c.kind.rawValue, String(c.observed), String(c.missing), NumberText.fixed(c.percentMissing, 1)]
        }
        out += grid(header: ["column", "type", "observed", "missing", "% missing"], rows: rows, rightAligned: [2, 3, 4])
        let names = table.modelledNames.map(PrintableText.escaping)
        let groups = table.matrix.patternGroups()
        out += "\nmissingness patterns of the \(names.count) modelled column(s): \(groups.count) distinct\n"
        if names.count <= 30 {
            // Like mice's md.pattern: 1 = observed, 0 = missing; last column: cells missing.
            let header = ["rows"] + names + ["missing"]
            let body = groups.map { g in
                [String(g.rowCount)] + (0..<names.count).map { g.pattern.isMissing($0) ? "0" : "1" } + [String(g.pattern.missingCount)]
            }
            out += grid(header: header, rows: body, rightAligned: Set(0..<header.count))
        } else {
            let body = groups.map { g in
                [String(g.rowCount), g.pattern.missingCount == 0 ? "(complete)" : g.pattern.missingColumns.map { names[$0] }.joined(separator: ", ")]
            }
            out += grid(header: ["rows", "missing columns"], rows: body, rightAligned: [0])
        }
        if let littleLine { out += "\n" + PrintableText.escaping(littleLine) + "\n" }
        if !table.warnings.isEmpty {
            out += "\n" + warningLines(table.warnings.map(ReportWarning.input)).map(PrintableText.escaping).joined(separator: "\n") + "\n"
        }
        return out
    }

    /// Columns padded to their widest cell, two spaces apart.
    static func grid(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        var width = header.map(\.count)
        for r in rows { for (k, c) in r.enumerated() { width[k] = max(width[k], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { k, c in
                let pad = String(repeating: " ", count: width[k] - c.count)
                return rightAligned.contains(k) ? pad + c : c + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }

}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

extension TextSummary {
    /// The lines `impute --imputations M` adds: the draws and the pooled estimates.
    static func multipleImputationLines(_ r: MultipleImputationReport) -> [String] {
        var lines: [String] = []
        let iterations = r.draws.map(\.iterations)
        let unconverged = r.draws.filter { !$0.converged }.count
        lines.append("  multiple imputation: \(r.imputations) imputations (EM with Bayesian-bootstrap weights, \(iterations.min() ?? 0)–\(iterations.max() ?? 0) iterations each\(unconverged > 0 ? ", \(unconverged) NOT converged" : ""))")
        lines.append("  pooled means (Rubin's rules; estimate, standard error, fraction of missing information):")
        for m in r.pooledMeans {
            lines.append("    \(m.name): \(NumberText.significant(m.estimate)) (SE \(NumberText.significant(m.standardError)), fmi \(NumberText.fixed(m.fractionOfMissingInformation, 3)))")
        }
        for regression in r.regressions {
            lines.append("  regression \(regression.formula) (pooled; df by Barnard–Rubin):")
            for t in regression.terms {
                lines.append("    \(t.name): \(NumberText.significant(t.estimate)) (SE \(NumberText.significant(t.standardError)), t \(NumberText.fixed(t.tStatistic, 2)), df \(NumberText.fixed(t.degreesOfFreedom, 1)), p \(NumberText.pValue(t.pValue)), fmi \(NumberText.fixed(t.fractionOfMissingInformation, 3)))")
            }
        }
        return lines
    }

    /// Little's MCAR test of `table`'s modelled columns at their ML estimates (an EM fit with
    /// the default settings), in one line; the reason when it cannot be computed.
    static func littleLine(_ table: LoadedTable) -> String {
        guard table.matrix.missingCount > 0 else { return "Little's MCAR test: not applicable (no missing cells)" }
        do {
            let fit = try GaussianEM().fit(table.matrix)
            return littleLine(LittleTestReport(try LittleMCARTest(table.matrix, model: fit.model), columnNames: table.modelledNames))
        } catch {
            return "Little's MCAR test: not computed (\(error))"
        }
    }

    /// Little's MCAR test in one line.
    static func littleLine(_ t: LittleTestReport) -> String { t.sentence }

}
