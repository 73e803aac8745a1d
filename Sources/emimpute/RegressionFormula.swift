/// A linear model asked for with `--regress 'y ~ x1 + x2'` (an intercept is always included).
struct RegressionFormula: Equatable {
    /// The text as given, for the report.
    let text: String
    let response: String
    let predictors: [String]

    /// A formula names a column the model does not know; a usage error.
    struct UnknownColumn: Error, CustomStringConvertible {
        let formula: String
        let column: String
        let modelled: [String]
        var description: String {
            "--regress '\(formula)': '\(column)' is not a modelled column (modelled: \(modelled.map { "'\($0)'" }.joined(separator: ", ")))"
        }
    }

    /// Parses `y ~ x1 + x2`; nil when the text is not of that form.
    init?(_ text: String) {
        let sides = text.split(separator: "~", omittingEmptySubsequences: false)
        guard sides.count == 2 else { return nil }
        let response = sides[0].trimmingCharacters(in: .whitespaces)
        let predictors = sides[1].split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !response.isEmpty, !predictors.isEmpty, !predictors.contains(where: \.isEmpty),
              Set(predictors + [response]).count == predictors.count + 1 else { return nil }
        self.text = text
        self.response = response
        self.predictors = predictors
    }

    /// The column indices of the response and the predictors among `names`.
    func columns(in names: [String]) throws(UnknownColumn) -> (response: Int, predictors: [Int]) {
        func index(_ name: String) throws(UnknownColumn) -> Int {
            guard let j = names.firstIndex(of: name) else { throw UnknownColumn(formula: text, column: name, modelled: names) }
            return j
        }
        var predictorIndices: [Int] = []
        for name in predictors { predictorIndices.append(try index(name)) }
        return (try index(response), predictorIndices)
    }
}

import Foundation
