import ArgumentParser
import EMImpute
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

    /// Draws the imputations, writes them (adjusted by `--round-integers`/`--clamp`), and
    /// pools the analyses of the completed data as written; returns the report section and
    /// the drawn values as written (kept only for the HTML report).
    ///
    /// With `-o`, each imputation is written to its file, summarised and regressed by the
    /// thread that drew it, then its values are let go (kept only for `--html`): the M
    /// imputations are drawn, written and analysed in parallel, and each file is the same for
    /// any thread count. The long CSV on standard output is written in order after the draws.
    func writeMultipleImputations(_ count: Int, table: LoadedTable, fit: MultipleImputationFit, adjustment: ImputedValueAdjustment,
                                  targets: inout IndexingIterator<[OutputTarget]>) throws -> (MultipleImputationReport, [[Double]]) {
        let names = table.modelledNames
        let formulas = regress.compactMap(RegressionFormula.init)
        let columns = try formulas.map { try $0.columns(in: names) }
        let bounds: [ClosedRange<Double>?]? = boundedDraws
            ? adjustment.observed.map { $0.minimum <= $0.maximum ? $0.minimum...$0.maximum : nil } : nil
        let engine = MultipleImputation(count: count, options: fitOptions.emOptions, bounds: bounds)
        let toStandardOutput = output == nil || output == "-"
        let files = toStandardOutput ? nil : UncheckedTargets((0..<count).map { _ in targets.next()! })
        let keepsValues = toStandardOutput || html != nil
        let body: @Sendable (Imputation) throws -> Analysed = { imputation in
            let written = try adjustment.adjusted(imputation.imputedValues, of: table.matrix)
            if let files { try CompletedCSVWriter.write(table, imputedValues: written, to: files.targets[imputation.index - 1]) }
            var fits: [LinearRegression] = []
            if !columns.isEmpty {
                // The regressions need the completed matrix; the summary does not.
                var values = table.matrix.values
                var k = 0
                for i in values.indices where values[i].isNaN { values[i] = written[k]; k += 1 }
                let matrix = try Matrix(rowCount: table.matrix.rowCount, columnCount: table.matrix.columnCount, storage: values)
                fits = try columns.map { try LinearRegression(matrix, response: $0.response, predictors: $0.predictors) }
            }
            return Analysed(imputation: imputation.droppingValues(), written: keepsValues ? written : [],
                            summary: CompletedDataSummary(table.matrix, imputedValues: written), fits: fits)
        }
        let method: String?
        let analysed: [Analysed]
        switch fit {
        case .gaussian(let fit): (method, analysed) = (nil, try engine.impute(table.matrix, fit: fit, each: body).results)
        case .mixture(let fit): (method, analysed) = try engine.impute(table.matrix, mixture: fit, each: body)
        case .t(let fit): (method, analysed) = try engine.impute(table.matrix, t: fit, each: body)
        }
        if toStandardOutput {
            let stream = targets.next()!
            for a in analysed {
                try CompletedCSVWriter.write(table, imputedValues: a.written, to: stream,
                                             longFormat: .init(label: String(a.imputation.index), isFirst: a.imputation.index == 1))
            }
        }
        let analysis = try PooledAnalysis(summaries: analysed.map(\.summary))
        let regressions = try formulas.indices.map { f in
            (formula: formulas[f].text, try PooledAnalysis.regression(fits: analysed.map { $0.fits[f] }, columnNames: names,
                                                                     response: columns[f].response, predictors: columns[f].predictors))
        }
        let section = MultipleImputationReport(imputations: analysed.map(\.imputation), columnNames: names, method: method,
                                               analysis: analysis, regressions: regressions, boundedDraws: boundedDraws)
        return (section, html != nil ? analysed.map(\.written) : [])
    }
}

/// One imputation once written and analysed.
private struct Analysed: Sendable {
    /// Its diagnostics (without its values).
    let imputation: Imputation
    /// Its values as written, when they are still needed (standard output, the HTML report).
    let written: [Double]
    let summary: CompletedDataSummary
    let fits: [LinearRegression]
}

/// The M files' targets, each written by one thread only.
private struct UncheckedTargets: @unchecked Sendable {
    let targets: [OutputTarget]
    init(_ targets: [OutputTarget]) { self.targets = targets }
}

/// The fit the imputations are drawn under (`--model`).
enum MultipleImputationFit {
    case gaussian(EMResult)
    case mixture(GaussianMixtureResult)
    case t(MultivariateTResult)
}
