import ArgumentParser
import EMImpute
import EMImputeIO
import Foundation

extension ImputeCommand {
    /// The checks of the multiple-imputation flags (`validate()` calls this).
    func validateMultipleImputation() throws {
        if let imputations {
            if imputations == 1 {
                throw ValidationError("--imputations must be at least 2: a single random draw is not multiple imputation (leave the option out for the conditional means)")
            }
            guard (2...MultipleImputation.maximumCount).contains(imputations) else {
                throw ValidationError("--imputations must be between 2 and \(MultipleImputation.maximumCount), not \(imputations)")
            }
            if inPlace { throw ValidationError("--in-place cannot be combined with --imputations, which writes several files") }
        } else {
            if !regress.isEmpty { throw ValidationError("--regress needs --imputations (pooled regressions are fitted on the completed data sets)") }
            if boundedDraws { throw ValidationError("--bounded-draws needs --imputations") }
        }
        for text in regress where RegressionFormula(text) == nil {
            throw ValidationError("--regress '\(text)' is not of the form 'y ~ x1 + x2' (distinct column names)")
        }
    }

    /// The completed-data outputs of `--imputations M`: one long CSV on standard output, or
    /// `stem-1.ext` … `stem-M.ext` beside `--output`.
    func completedRequests(_ count: Int) -> [OutputSet.Request] {
        guard let output, output != "-" else {
            return [.init(label: "completed CSVs (long format on standard output without --output)", path: "-")]
        }
        return (1...count).map { .init(label: "--output (imputation \($0))", path: Self.path(output, imputation: $0)) }
    }

    /// `out.csv` → `out-3.csv`; a name without an extension gets `-3` at the end.
    static func path(_ output: String, imputation m: Int) -> String {
        let url = URL(fileURLWithPath: output)
        let name = url.lastPathComponent
        let folder = String(output.dropLast(name.count))
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            return folder + name[..<dot] + "-\(m)" + name[dot...]
        }
        return folder + name + "-\(m)"
    }

    /// Draws the M parameter draws, then writes the M completed data sets in one pass over the
    /// input (`MultipleImputationPass`; the long format on standard output in M passes), each
    /// cell drawn and adjusted by `--round-integers`/`--clamp` as it is written, and pools the
    /// analyses of the completed data as written; returns the report section and, for
    /// `--html`, the observed and drawn values of each column. (The mixture and the t: the
    /// weighted refits walk the loaded rows.)
    func writeMultipleImputations(_ count: Int, table: LoadedTable, fit: MultipleImputationFit, adjustment: ImputedValueAdjustment,
                                  targets: inout IndexingIterator<[OutputTarget]>) throws -> (MultipleImputationReport, DrawnValues?) {
        let bounds: [ClosedRange<Double>?]? = boundedDraws
            ? adjustment.observed.map { $0.minimum <= $0.maximum ? $0.minimum...$0.maximum : nil } : nil
        let engine = MultipleImputation(count: count, options: fitOptions.emOptions, bounds: bounds)
        let method: String?
        let draws: [ImputationDraw]
        switch fit {
        case .gaussian(let fit): (method, draws) = (nil, try engine.parameterDraws(table.matrix, fit: fit).draws)
        case .mixture(let fit): (method, draws) = try engine.parameterDraws(table.matrix, mixture: fit)
        case .t(let fit): (method, draws) = try engine.parameterDraws(table.matrix, t: fit)
        }
        let destination = completedDestination(count, targets: &targets)
        let outcome = try MultipleImputationPass.run(draws, table: table, adjustment: adjustment, to: destination, keepsValues: html != nil,
                                                     threads: fitOptions.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        return (try pooledSection(draws, outcome: outcome, names: table.modelledNames, method: method), outcome.values)
    }

    /// Where the completed data sets go: one long CSV on standard output, or M files.
    func completedDestination(_ count: Int, targets: inout IndexingIterator<[OutputTarget]>) -> MultipleImputationPass.Destination {
        let toStandardOutput = output == nil || output == "-"
        return toStandardOutput ? .longFormat(targets.next()!) : .files((0..<count).map { _ in targets.next()! })
    }

    /// The report section of M completed data sets: the pooled summaries and `--regress` fits.
    func pooledSection(_ draws: [ImputationDraw], outcome: MultipleImputationPass.Outcome, names: [String],
                       method: String?) throws -> MultipleImputationReport {
        let formulas = regress.compactMap(RegressionFormula.init)
        let columns = try formulas.map { try $0.columns(in: names) }
        let analysis = try PooledAnalysis(summaries: outcome.moments.map(CompletedDataSummary.init))
        let regressions = try formulas.indices.map { f in
            let fits = try outcome.moments.map { try LinearRegression($0, response: columns[f].response, predictors: columns[f].predictors) }
            return (formula: formulas[f].text, try PooledAnalysis.regression(fits: fits, columnNames: names, response: columns[f].response,
                                                                             predictors: columns[f].predictors))
        }
        return MultipleImputationReport(draws: draws, counts: outcome.counts, columnNames: names, method: method,
                                        analysis: analysis, regressions: regressions, boundedDraws: boundedDraws)
    }
}

/// The fit the imputations are drawn under (`--model`).
enum MultipleImputationFit {
    case gaussian(EMResult)
    case mixture(GaussianMixtureResult)
    case t(MultivariateTResult)
}
