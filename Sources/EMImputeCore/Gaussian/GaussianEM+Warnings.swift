import Foundation

/// The warning policy of a fit, shared by every data source (a matrix, or pattern
/// statistics): what a user must be told about a fit that produced estimates.
extension GaussianEM {
    /// The warnings a fit deserves: not converged, a nearly singular covariance, a decrease of
    /// the objective, disagreeing starts, rows with nothing observed, a ridge prior's
    /// posterior mode, slow convergence.
    static func warnings(best: Run, problem: Problem, options: EMOptions, starts: [StartOutcome], startsAgree: Bool?,
                         rowsWithNothingObserved: Int) -> [EMWarning] {
        let p = problem.p
        var warnings: [EMWarning] = []
        if !best.hasConverged {
            warnings.append(.notConverged(model: .gaussian, maxIterations: options.maxIterations, tolerance: options.tolerance))
        }
        // Near-collinear columns: the estimate stands, but it is fragile and ℓ is computed
        // with less precision (rounding can then look like a decrease).
        var nearlyCollinear: [String]?
        if let factor = try? CholeskyFactorization(best.theta.covariance, order: p) {
            let pivots = factor.relativePivots(of: best.theta.covariance)
            if let j = pivots.indices.min(by: { pivots[$0] < pivots[$1] }), pivots[j] < Self.nearSingularThreshold {
                let columns = problem.dependentColumns(best.theta.covariance, pivot: j)
                nearlyCollinear = columns
                warnings.append(.nearlySingular(columns: columns, unexplainedFraction: pivots[j]))
            }
        }
        if !best.history.isMonotone {
            warnings.append(.objectiveDecreased(model: .gaussian, largestDecrease: best.history.largestDecrease,
                                                nearlyCollinear: nearlyCollinear))
        }
        if startsAgree == false {
            warnings.append(.startsDisagree(starts: options.starts + 1,
                                            largestDifference: starts.map(\.maxDifferenceFromBest).max() ?? 0))
        }
        if rowsWithNothingObserved > 0 {
            warnings.append(.rowsWithNothingObserved(model: .gaussian, rows: rowsWithNothingObserved))
        }
        if options.ridge > 0 {
            warnings.append(.ridgePosteriorMode(ridge: options.ridge))
        }
        if let rate = best.rate, rate > 0.95, best.hasConverged {
            warnings.append(.slowConvergence(largestFractionOfMissingInformation: rate))
        }

        return warnings
    }

    /// The fewest rows for which "a different whole number in every row" is taken as the
    /// mark of an identifier rather than chance.
    static let identifierRowThreshold = 20

    /// Columns that look like identifiers — observed in every row, each row a different whole
    /// number — the most common survey-cleaning mistake (a respondent ID modelled as a
    /// measurement, with a mean of 10250).
    static func identifierWarnings(_ data: IncompleteMatrix) -> [EMWarning] {
        let n = data.rowCount, p = data.columnCount
        guard n >= identifierRowThreshold else { return [] }
        var out: [EMWarning] = []
        for j in 0..<p {
            var seen = Set<Double>()
            var looksLikeIdentifier = true
            for i in 0..<n {
                let v = data.values[i * p + j]
                guard !v.isNaN, v == v.rounded(), seen.insert(v).inserted else { looksLikeIdentifier = false; break }
            }
            guard looksLikeIdentifier else { continue }
            out.append(.identifierLikeColumn(column: data.columnNames[j], rows: n))
        }
        return out
    }
}
