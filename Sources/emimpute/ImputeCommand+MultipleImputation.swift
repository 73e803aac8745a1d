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
    /// the drawn values as written.
    func writeMultipleImputations(_ count: Int, table: LoadedTable, fit: MultipleImputationFit, adjustment: ImputedValueAdjustment,
                                  targets: inout IndexingIterator<[OutputTarget]>) throws -> (MultipleImputationReport, [[Double]]) {
        let names = table.modelledNames
        let formulas = regress.compactMap(RegressionFormula.init)
        let columns = try formulas.map { try $0.columns(in: names) }
        let bounds: [ClosedRange<Double>?]? = boundedDraws
            ? adjustment.observed.map { $0.minimum <= $0.maximum ? $0.minimum...$0.maximum : nil } : nil
        let engine = MultipleImputation(count: count, options: fitOptions.emOptions, bounds: bounds)
        let imputations: [Imputation]
        let section: (PooledAnalysis, [(formula: String, PooledAnalysis.Regression)]) -> MultipleImputationReport
        switch fit {
        case .gaussian(let fit):
            let result = try engine.impute(table.matrix, fit: fit)
            imputations = result.imputations
            section = { MultipleImputationReport(result, analysis: $0, regressions: $1, boundedDraws: boundedDraws) }
        case .mixture(let fit):
            let result = try engine.impute(table.matrix, mixture: fit)
            imputations = result.imputations
            section = { MultipleImputationReport(result, analysis: $0, regressions: $1, boundedDraws: boundedDraws) }
        case .t(let fit):
            let result = try engine.impute(table.matrix, t: fit)
            imputations = result.imputations
            section = { MultipleImputationReport(result, analysis: $0, regressions: $1, boundedDraws: boundedDraws) }
        }
        let toStandardOutput = output == nil || output == "-"
        let stream = toStandardOutput ? targets.next()! : nil
        // One completed matrix at a time: summarised and regressed, then dropped.
        var summaries: [CompletedDataSummary] = []
        var fits = [[LinearRegression]](repeating: [], count: formulas.count)
        var draws: [[Double]] = []
        for imputation in imputations {
            let written = try adjustment.adjusted(imputation.imputedValues, of: table.matrix)
            if html != nil { draws.append(written) }
            if let stream {
                try CompletedCSVWriter.write(table, imputedValues: written, to: stream,
                                             longFormat: .init(label: String(imputation.index), isFirst: imputation.index == 1))
            } else {
                try CompletedCSVWriter.write(table, imputedValues: written, to: targets.next()!)
            }
            var values = table.matrix.values
            var k = 0
            for i in values.indices where values[i].isNaN { values[i] = written[k]; k += 1 }
            let matrix = try Matrix(rowCount: table.matrix.rowCount, columnCount: table.matrix.columnCount, storage: values)
            summaries.append(CompletedDataSummary(matrix))
            for (f, c) in columns.enumerated() { fits[f].append(try LinearRegression(matrix, response: c.response, predictors: c.predictors)) }
        }
        let analysis = try PooledAnalysis(summaries: summaries)
        let regressions = try formulas.indices.map { f in
            (formula: formulas[f].text, try PooledAnalysis.regression(fits: fits[f], columnNames: names, response: columns[f].response,
                                                                     predictors: columns[f].predictors))
        }
        return (section(analysis, regressions), draws)
    }
}

/// The fit the imputations are drawn under (`--model`).
enum MultipleImputationFit {
    case gaussian(EMResult)
    case mixture(GaussianMixtureResult)
    case t(MultivariateTResult)
}
