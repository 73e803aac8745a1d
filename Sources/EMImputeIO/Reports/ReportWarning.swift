import EMImputeCore

/// A warning of a run, as its reports list it: the reader's, the fit's, or the report's own
/// about the imputed cells written. Typed, so a caller matches cases rather than strings; the
/// report's JSON writes `code`, the `description` as `message`, and a remedy in the words of
/// whoever writes the report (see `ImputationReport.Warning`).
public enum ReportWarning: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The reader's warning about the input.
    case input(CSVWarning)
    /// The fit's warning.
    case fit(EMWarning)
    /// The imputed cells were written adjusted — rounded in `roundedColumns`, clamped to each
    /// column's observed range when `clamped` — so they are no longer the conditional means.
    case adjustedImputations(roundedColumns: [String], clamped: Bool)

    /// The stable identifier, as written in the JSON report's `code`: a `CSVWarning.Code` or an
    /// `EMWarning.Code` raw value, or `adjustedImputations`.
    public var code: String {
        switch self {
        case .input(let w): return w.code.rawValue
        case .fit(let w): return w.code.rawValue
        case .adjustedImputations: return "adjustedImputations"
        }
    }

    /// What happened, in one sentence.
    public var description: String {
        switch self {
        case .input(let w): return w.description
        case .fit(let w): return w.description
        case .adjustedImputations(let rounded, let clamped):
            var what: [String] = []
            if !rounded.isEmpty { what.append("rounded to integers in \(rounded.map { "'\($0)'" }.joined(separator: ", "))") }
            if clamped { what.append("clamped to each column's observed range") }
            return "imputed cells were \(what.joined(separator: " and ")): they are no longer the conditional means, and the estimates (mean, covariance) do not reflect the adjustment"
        }
    }
}

extension ReportWarning {
    /// The warning about `adjustment` of the cells of `columns`, or nil when it changes nothing.
    init?(_ adjustment: ImputedValueAdjustment?, columns: [String]) {
        guard let adjustment, adjustment.isActive else { return nil }
        let rounded = adjustment.roundedColumns(columns)
        guard !rounded.isEmpty || adjustment.clampsToObservedRange else { return nil }
        self = .adjustedImputations(roundedColumns: rounded, clamped: adjustment.clampsToObservedRange)
    }
}
