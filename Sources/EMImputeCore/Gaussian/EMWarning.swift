import Foundation

/// Something the user should know about a fit that nevertheless produced estimates.
///
/// Each case carries the facts; `description` says them in a sentence, and `code` is the
/// stable identifier a caller filters on. What to do about a warning depends on the caller's
/// vocabulary (the command line names its flags), so the library does not prescribe it.
///
/// ```swift
/// let fit = try GaussianEM().fit(data)
/// if fit.warnings.contains(where: { $0.code == .notConverged }) { … }
/// for case .identifierLikeColumn(let column, _) in fit.warnings { print("drop", column) }
/// ```
public enum EMWarning: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The stable identifier of a warning, as written in the JSON report's `code`.
    public enum Code: String, Sendable, Codable, CaseIterable {
        /// See `EMWarning.notConverged`.
        case notConverged
        /// See `EMWarning.nearlySingular`.
        case nearSingular
        /// See `EMWarning.objectiveDecreased`.
        case nonMonotone
        /// See `EMWarning.startsDisagree` and `EMWarning.startsReachedLowerMaxima`.
        case startsDisagree
        /// See `EMWarning.rowsWithNothingObserved`.
        case rowsWithNothingObserved
        /// See `EMWarning.ridgePosteriorMode`.
        case ridgePosteriorMode
        /// See `EMWarning.slowConvergence`.
        case slowConvergence
        /// See `EMWarning.identifierLikeColumn`.
        case identifierLikeColumn
        /// See `EMWarning.degreesOfFreedomAtUpperBound` and `.degreesOfFreedomAtLowerBound`.
        case degreesOfFreedomAtBound
        /// See `EMWarning.emptyComponents`.
        case emptyComponents
        /// See `EMWarning.componentCovarianceFloored`.
        case componentCovarianceFloored
    }

    /// The iteration cap `maxIterations` was reached before the largest parameter change
    /// fell below `tolerance`: the estimates are not final.
    case notConverged(model: ModelKind, maxIterations: Int, tolerance: Double)
    /// Σ is nearly singular: `columns` are nearly collinear, only `unexplainedFraction` of the
    /// variance of the last one is not explained by the others.
    case nearlySingular(columns: [String], unexplainedFraction: Double)
    /// The objective decreased between iterations by `largestDecrease`; `nearlyCollinear`
    /// names the columns whose near collinearity explains it as rounding, when known.
    case objectiveDecreased(model: ModelKind, largestDecrease: Double, nearlyCollinear: [String]?)
    /// The `starts` starts reached estimates up to `largestDifference` apart: the likelihood may
    /// have several maxima or a flat ridge (the best fit was kept).
    case startsDisagree(starts: Int, largestDifference: Double)
    /// Only `reaching` of the `starts` mixture starts reached the best log-likelihood.
    case startsReachedLowerMaxima(reaching: Int, starts: Int)
    /// `rows` rows have every modelled cell missing: imputed with the model's mean, outside
    /// the likelihood.
    case rowsWithNothingObserved(model: ModelKind, rows: Int)
    /// A ridge prior of strength `ridge` makes the estimates a posterior mode, not the MLE.
    case ridgePosteriorMode(ridge: Double)
    /// EM converged slowly: the largest fraction of missing information is `fraction` (> 0.95).
    case slowConvergence(largestFractionOfMissingInformation: Double)
    /// `column` holds a different whole number in every one of its `rows` rows: an identifier
    /// modelled as a measurement.
    case identifierLikeColumn(column: String, rows: Int)
    /// The estimated degrees of freedom of a t reached the upper `bound`: no heavier tails than
    /// the normal.
    case degreesOfFreedomAtUpperBound(bound: Double)
    /// The estimated degrees of freedom of a t reached the lower `bound`: extremely heavy tails.
    case degreesOfFreedomAtLowerBound(bound: Double)
    /// The mixture `components` (1-based) of the `fitted` hold less than one row's worth of
    /// responsibility.
    case emptyComponents(components: [Int], fitted: Int)
    /// The covariance of mixture `components` (1-based) collapsed and was held up by the
    /// covariance floor `floor` (a fraction of each column's variance).
    case componentCovarianceFloored(components: [Int], floor: Double)

    /// The stable identifier of this warning.
    public var code: Code {
        switch self {
        case .notConverged: return .notConverged
        case .nearlySingular: return .nearSingular
        case .objectiveDecreased: return .nonMonotone
        case .startsDisagree, .startsReachedLowerMaxima: return .startsDisagree
        case .rowsWithNothingObserved: return .rowsWithNothingObserved
        case .ridgePosteriorMode: return .ridgePosteriorMode
        case .slowConvergence: return .slowConvergence
        case .identifierLikeColumn: return .identifierLikeColumn
        case .degreesOfFreedomAtUpperBound, .degreesOfFreedomAtLowerBound: return .degreesOfFreedomAtBound
        case .emptyComponents: return .emptyComponents
        case .componentCovarianceFloored: return .componentCovarianceFloored
        }
    }

    /// What happened, in one sentence.
    public var description: String {
        func quoted(_ columns: [String]) -> String { columns.map { "'\($0)'" }.joined(separator: ", ") }
        switch self {
        case .notConverged(let model, let cap, let tolerance):
            return "\(model.algorithm) stopped at the iteration cap (\(cap)) before the largest parameter change fell below \(tolerance); the estimates are not final"
        case .nearlySingular(let columns, let fraction):
            return "the covariance matrix is nearly singular: columns \(quoted(columns)) are nearly collinear (only \(String(format: "%.2g", fraction)) of the variance of '\(columns.last ?? "")' is not explained by the others)"
        case .objectiveDecreased(_, let decrease, let columns?):
            return "the log-likelihood decreased between iterations by \(decrease): rounding error, because the covariance matrix is nearly singular (columns \(quoted(columns)))"
        case .objectiveDecreased(let model, let decrease, nil):
            return "the log-likelihood decreased between iterations by \(decrease), which \(model.algorithm) should never do"
        case .startsDisagree(let starts, let difference):
            return "the \(starts) starts reached different estimates (the largest difference from the best is \(difference)); the likelihood may have several maxima or a flat ridge"
        case .startsReachedLowerMaxima(let reaching, let starts):
            return "\(reaching) of \(starts) starts reached the best log-likelihood; the others stopped at lower local maxima (the best was kept)"
        case .rowsWithNothingObserved(let model, let rows):
            return "\(rows) row(s) have every modelled cell missing; their cells were imputed with the \(model.center) and they do not enter the likelihood"
        case .ridgePosteriorMode(let ridge):
            return "with a ridge prior of \(ridge) the estimates are a posterior mode, not the maximum-likelihood estimates; the log-likelihood is reported at that mode"
        case .slowConvergence(let rate):
            return "EM converged slowly (rate \(rate.formatted(.number.precision(.fractionLength(3))))): up to \(Int((rate * 100).rounded()))% of the information about some parameter is missing, so those estimates are uncertain"
        case .identifierLikeColumn(let column, let rows):
            return "column '\(column)' looks like an identifier: every one of its \(rows) rows holds a different whole number; modelled as a measurement it distorts the estimates of the other columns"
        case .degreesOfFreedomAtUpperBound(let bound):
            return "the estimated degrees of freedom reached the upper bound \(bound): the data show no heavier tails than the normal"
        case .degreesOfFreedomAtLowerBound(let bound):
            return "the estimated degrees of freedom reached the lower bound \(bound): the tails are extremely heavy (a few rows may be far from the rest)"
        case .emptyComponents(let components, let fitted):
            return "component(s) \(components.map(String.init).joined(separator: ", ")) hold less than one row's worth of responsibility: the data do not support \(fitted) components"
        case .componentCovarianceFloored(let components, let floor):
            return "the covariance of component(s) \(components.map(String.init).joined(separator: ", ")) collapsed onto a few rows and was held up by the covariance floor (\(floor) of each column's variance); the log-likelihood there is not a maximum"
        }
    }
}

extension ModelKind {
    /// The algorithm's name in a sentence.
    var algorithm: String { self == .t ? "ECME" : "EM" }
    /// What a row with nothing observed is imputed with.
    var center: String {
        switch self {
        case .gaussian: return "estimated means"
        case .mixture: return "mixture mean"
        case .t: return "estimated location"
        }
    }
}
