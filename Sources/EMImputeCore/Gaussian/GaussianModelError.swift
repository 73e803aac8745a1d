import Foundation

/// Why parts do not make a valid `GaussianModel`, or why a valid model cannot condition a
/// row's missing cells on its observed ones.
public enum GaussianModelError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A model needs at least one column.
    case noColumns
    /// The parts disagree in size: `columns` names, `means` means, `scales` scales and a
    /// `covarianceRows`×`covarianceColumns` covariance matrix.
    case dimensionMismatch(columns: Int, means: Int, scales: Int, covarianceRows: Int, covarianceColumns: Int)
    /// Two columns share `name`.
    case duplicateColumnName(String)
    /// The mean of `column` is NaN or ±∞.
    case nonFiniteMean(column: String)
    /// The scale of `column` is not a positive finite number.
    case invalidScale(column: String, value: Double)
    /// The covariance entry of columns `row` and `column` is NaN or ±∞.
    case nonFiniteCovariance(row: String, column: String)
    /// The covariance entries of columns `row`, `column` and `column`, `row` differ.
    case asymmetricCovariance(row: String, column: String)
    /// The covariance matrix is not (numerically) positive definite: `column` is, within
    /// rounding, a linear combination of the columns before it, or its variance is not positive.
    case notPositiveDefinite(column: String)
    /// The covariance matrix is too close to singular to condition `missingColumns` on the
    /// others: their conditional covariance is not numerically positive definite.
    case illConditioned(missingColumns: [String])

    /// What is wrong, in the library's terms.
    public var description: String {
        switch self {
        case .noColumns:
            return "a model needs at least one column"
        case .dimensionMismatch(let p, let means, let scales, let rows, let columns):
            return "the parts of the model disagree in size: \(p) column name(s), \(means) mean(s), \(scales) scale(s) and a \(rows)×\(columns) covariance matrix"
        case .duplicateColumnName(let name):
            return "the column name '\(name)' is used more than once; column names must be unique"
        case .nonFiniteMean(let column):
            return "the mean of column '\(column)' is not a finite number"
        case .invalidScale(let column, let value):
            return "the scale of column '\(column)' is \(value); scales must be positive finite numbers"
        case .nonFiniteCovariance(let row, let column):
            return "the covariance of columns '\(row)' and '\(column)' is not a finite number"
        case .asymmetricCovariance(let row, let column):
            return "the covariance matrix is not symmetric: its entries for '\(row)', '\(column)' and '\(column)', '\(row)' differ"
        case .notPositiveDefinite(let column):
            return "the covariance matrix is not positive definite: the variance of column '\(column)' is not positive, or the column is (numerically) a linear combination of the columns before it"
        case .illConditioned(let columns):
            return "the covariance matrix is too close to singular to impute \(DataError.list(columns)) from the other columns (their conditional covariance is not numerically positive definite)"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
