import EMImputeCore

/// Something about the input that the loader read without error but the user should know,
/// because the result may not be what they meant (`LoadedTable.warnings`); the reports list
/// them first.
public enum CSVWarning: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Why a column read as text looks numeric (see `NumericLookTally` for the rule).
    public enum NumericEvidence: Sendable, Equatable, Hashable {
        /// Cells that are numbers written with a decimal comma (`1,5`); `example` is the first.
        case decimalComma(cells: Int, example: String)
        /// Cells that are numbers written with thousands separators (`1,000`, `12,345.6`).
        case thousandsSeparators(cells: Int, example: String)
        /// The column's most frequent other text, in `cells` cells: perhaps a missing-value
        /// code that was not declared (`n/a`).
        case undeclaredCode(code: String, cells: Int)
    }

    /// The column `column` (1-based `position`) was read as text — copied through, its cells
    /// neither modelled nor imputed — although `numbers` of its `observed` non-missing cells
    /// are numbers in some notation, for the reasons in `evidence`.
    case textLooksNumeric(column: String, position: Int, numbers: Int, observed: Int, evidence: [NumericEvidence])
    /// The input does not end with a line end: its last line, `line` (beginning with `text`),
    /// may have been cut off, as when a stream is interrupted.
    case missingFinalLineEnd(line: Int, text: String)

    /// The stable identifier of a loader warning, as written in the JSON report's `code`.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// See `CSVWarning.textLooksNumeric`.
        case textLooksNumeric
        /// See `CSVWarning.missingFinalLineEnd`.
        case missingFinalLineEnd
    }

    /// The stable identifier of this warning.
    public var code: Code {
        switch self {
        case .textLooksNumeric: return .textLooksNumeric
        case .missingFinalLineEnd: return .missingFinalLineEnd
        }
    }

    /// What happened, in one sentence (what to do depends on the caller's vocabulary).
    public var description: String {
        switch self {
        case .textLooksNumeric(let column, let position, let numbers, let observed, let evidence):
            let reasons = evidence.map { e -> String in
                switch e {
                case .decimalComma(let cells, let example):
                    return "\(cells) cell(s) are numbers with a decimal comma (e.g. '\(example)')"
                case .thousandsSeparators(let cells, let example):
                    return "\(cells) cell(s) are numbers with thousands separators (e.g. '\(example)')"
                case .undeclaredCode(let code, let cells):
                    return "\(cells) cell(s) are '\(PrintableText.of(code).text)', which is not a missing-value code"
                }
            }
            return "column '\(PrintableText.escaping(column))' (column \(position)) was read as text, so its missing cells were not imputed, although \(numbers) of its \(observed) non-missing cell(s) are numbers: \(reasons.joined(separator: "; "))"
        case .missingFinalLineEnd(let line, let text):
            return "the input does not end with a line end: its last line (line \(line): '\(text)') may have been cut off"
        }
    }
}
