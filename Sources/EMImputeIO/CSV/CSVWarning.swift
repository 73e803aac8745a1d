import EMImputeCore

/// Something about the input that the loader read without error but the user should know,
/// because the result may not be what they meant. Reported in the `impute` summary, in the
/// JSON report's `warnings` (see `reportWarning`) and by `describe`.
public enum CSVWarning: Sendable, Equatable {
    /// Why a column read as text looks numeric (see `NumericLookTally` for the rule).
    public enum NumericEvidence: Sendable, Equatable {
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

    /// A stable identifier: `textLooksNumeric` or `missingFinalLineEnd`.
    public var code: String {
        switch self {
        case .textLooksNumeric: return "textLooksNumeric"
        case .missingFinalLineEnd: return "missingFinalLineEnd"
        }
    }

    /// What happened, in one sentence.
    public var message: String {
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

    /// What to do about it.
    public var remedy: String {
        switch self {
        case .textLooksNumeric(let column, _, _, _, let evidence):
            var steps: [String] = []
            for e in evidence {
                switch e {
                case .decimalComma:
                    steps.append("write the numbers with a decimal point (1.5; emimpute reads no other decimal separator)")
                case .thousandsSeparators:
                    steps.append("write the numbers without thousands separators (1000)")
                case .undeclaredCode(let code, _):
                    let shown = PrintableText.of(code)
                    steps.append(shown.isExact
                                 ? "if '\(shown.text)' means missing, add --na \(ShellQuoting.quoted(code))"
                                 : "if '\(shown.text)' means missing, declare it with --na")
                }
            }
            let exclude = "--exclude \(ShellQuoting.quoted(column))"
            return steps.joined(separator: "; ") + "; if the column really is text, leave it out with \(exclude) to silence this warning"
        case .missingFinalLineEnd:
            return "check that the input is complete (a file written to the end finishes with a line end); if it is, nothing to do"
        }
    }

    /// The warning as the JSON report lists it.
    public var reportWarning: EMWarning {
        EMWarning(code: code, message: message, remedy: remedy)
    }
}
