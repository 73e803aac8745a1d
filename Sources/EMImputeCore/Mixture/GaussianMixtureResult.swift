/// How one start of a mixture fit ended.
public struct MixtureStartOutcome: Sendable, Codable, Equatable {
    /// 0-based start number.
    public let start: Int
    /// Final observed-data log-likelihood.
    public let logLikelihood: Double
    /// Iterations taken.
    public let iterations: Int
    /// Whether this start converged.
    public let hasConverged: Bool
}

/// The outcome of a `GaussianMixtureEM` fit: the mixture, imputations and diagnostics.
///
/// A run that hit the iteration cap is still a result, with `hasConverged == false`.
public struct GaussianMixtureResult: Sendable {
    /// The fitted mixture, ready to impute other data.
    public let model: GaussianMixtureModel
    /// Observed-data log-likelihood ℓ = Σᵢ log Σₖ πₖ N(x_{i,o} | μₖ,o, Σₖ,oo) at the
    /// estimates, with its full constant; rows with nothing observed contribute nothing.
    public let logLikelihood: Double
    /// Free parameters, K − 1 + K·p + K·p(p+1)/2.
    public var parameterCount: Int { model.parameterCount }
    /// BIC = −2ℓ + (parameters) · log(rows used); lower is better.
    public let bayesianInformationCriterion: Double
    /// M-steps taken by the kept start.
    public let iterations: Int
    /// Whether the kept start met the change criterion within the iteration cap.
    public let hasConverged: Bool
    /// Why the kept start stopped.
    public let stopReason: StopReason
    /// The kept start's iterations.
    public let history: ConvergenceHistory
    /// Every start, in order.
    public let starts: [MixtureStartOutcome]
    /// How many starts ended within `GaussianMixtureEM.agreementThreshold` (relative) of
    /// the best log-likelihood (the kept start included).
    public let startsReachingBest: Int
    /// Σᵢ rᵢₖ over the rows used: each component's expected number of rows.
    public let componentSizes: [Double]
    /// Components with less than one row's worth of responsibility at the end (0-based).
    public let emptyComponents: [Int]
    /// Components the covariance floor acted on in some iteration of the kept start (0-based).
    public let regularizedComponents: [Int]
    /// The conditional mean of every missing cell of the fitted matrix under the mixture, each
    /// with its row, column and conditional standard deviation (within- plus between-component).
    public let imputedCells: ImputedCells
    /// Rows that entered the likelihood (at least one observed cell).
    public let rowsUsed: Int
    /// Rows with every cell missing (imputed with the mixture mean Σ πₖ μₖ).
    public let rowsWithNothingObserved: Int
    /// The options the fit ran with.
    public let options: GaussianMixtureOptions
    /// Things the user should know (non-convergence, empty components, …).
    public let warnings: [EMWarning]
    /// Whether the log-likelihood never decreased across iterations (EM's defining
    /// property; the covariance floor, when it acts, may break it).
    public var isMonotone: Bool { history.isMonotone }

    let fitted: FittedData

    /// `data` with every missing cell replaced by its conditional mean (`imputedCells`).
    ///
    /// - Parameter data: the matrix this result was fitted on. Complete other data with
    ///   `model.completed(_:)`.
    /// - Throws: `DataError.shapeMismatch` or `DataError.notTheFittedData` for another matrix.
    /// - Complexity: O(n·p).
    public func completed(_ data: IncompleteMatrix) throws(DataError) -> Matrix {
        try fitted.completed(data, with: imputedCells)
    }
}

/// One row of a choice of K by BIC.
public struct ComponentCountFit: Sendable, Codable, Equatable {
    /// K.
    public let components: Int
    /// Observed-data log-likelihood of the best start.
    public let logLikelihood: Double
    /// Free parameters.
    public let parameterCount: Int
    /// −2ℓ + parameters · log(rows used).
    public let bayesianInformationCriterion: Double
    /// Whether the best start converged.
    public let hasConverged: Bool
    /// Whether the fit has an empty component or needed the covariance floor: it is then
    /// not a maximum of the likelihood (which is unbounded there), and BIC does not choose it.
    public let isDegenerate: Bool
}

/// The fits of K = 1…maxComponents and the one with the lowest BIC among those that are not
/// degenerate (K = 1 when all others are).
public struct MixtureSelection: Sendable {
    /// One row per K that could be fitted, ascending K.
    public let table: [ComponentCountFit]
    /// The chosen fit (lowest BIC among the fits that are not degenerate).
    public let best: GaussianMixtureResult
}
