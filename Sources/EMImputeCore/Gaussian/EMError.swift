import Foundation

/// Why a `GaussianEM` fit could not produce estimates. Each case names the columns
/// involved; what to do depends on the caller (the command line names its flags).
public enum EMError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// No column to model, or no row with any observed modelled cell.
    case noData
    /// A modelled column in which no cell is observed.
    case columnEntirelyMissing(column: String)
    /// A modelled column whose observed cells are all equal (or that has one observed cell).
    case constantColumn(column: String)
    /// Fewer than two usable rows, or (without a ridge prior) no more usable rows than
    /// modelled columns: Σ cannot be estimated.
    case tooFewRows(rows: Int, columns: Int)
    /// Σ became singular: `columns` are (numerically) linearly dependent.
    case singularCovariance(columns: [String], iteration: Int)
    /// More modelled columns than the engine accepts.
    case tooManyColumns(count: Int, limit: Int)
    /// An imputed value (conditional mean) beyond the range of a Double; `row` is 1-based.
    case imputationOutOfRange(column: String, row: Int)
    /// The progress callback answered false after `iteration` of `start` (0: the default
    /// start): the fit stopped there, with no result.
    case cancelled(start: Int, iteration: Int)

    /// What went wrong.
    public var description: String {
        switch self {
        case .noData:
            return "nothing to model: no modelled column, or no row with an observed modelled cell"
        case .columnEntirelyMissing(let c):
            return "column '\(c)' has no observed value, so nothing can be estimated for it"
        case .constantColumn(let c):
            return "column '\(c)' is constant (fewer than two distinct observed values), so its variance is zero"
        case .tooFewRows(let n, let p) where n < 2:
            return "\(n) usable row(s) for \(p) modelled column(s): at least two rows with an observed cell are needed to estimate a variance"
        case .tooFewRows(let n, let p):
            return "\(n) usable row(s) for \(p) modelled columns: the covariance matrix is singular without a prior"
        case .singularCovariance(let cols, let it):
            let list = cols.map { "'\($0)'" }.joined(separator: ", ")
            return "the covariance matrix became singular at iteration \(it): columns \(list) are linearly dependent (collinear)"
        case .tooManyColumns(let count, let limit):
            return "\(count) modelled columns exceed the limit of \(limit)"
        case .imputationOutOfRange(let c, let row):
            return "the imputed value of column '\(c)' in data row \(row) is beyond the range of a Double (about ±1.8e308)"
        case .cancelled(let start, let iteration):
            return "the fit was cancelled after iteration \(iteration) of \(start == 0 ? "the default start" : "random start \(start)")"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
