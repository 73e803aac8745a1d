/// Why the iterations stopped.
public enum StopReason: String, Sendable, Codable, Equatable {
    /// The largest parameter change fell below the tolerance.
    case tolerance
    /// The iteration cap was reached first.
    case maxIterations
}

/// How one start ended, when several were run.
public struct StartOutcome: Sendable, Codable, Equatable {
    /// 0 for the default start, k for the k-th random start.
    public let start: Int
    /// Final observed-data log-likelihood.
    public let logLikelihood: Double
    /// Final objective (ℓ plus log prior when a ridge is set).
    public let objective: Double
    /// Iterations taken.
    public let iterations: Int
    /// Whether this start converged.
    public let hasConverged: Bool
    /// Largest absolute difference of its μ and Σ from the chosen fit (standardised scale).
    public let maxDifferenceFromBest: Double
}

/// The outcome of a `GaussianEM` fit: estimates, imputations and diagnostics.
///
/// A run that hit the iteration cap is still a result, with `hasConverged == false`.
public struct EMResult: Sendable {
    /// The fitted normal model (μ, Σ), ready to impute other data.
    public let model: GaussianModel
    /// Observed-data log-likelihood at the estimates, with its full constant:
    /// ℓ = Σᵢ log N(x_{i,o} | μ_o, Σ_oo), rows with nothing observed contributing nothing.
    /// With a ridge prior this is ℓ at the posterior mode, not at the MLE.
    public let logLikelihood: Double
    /// ℓ plus the log density of the ridge prior (up to its normalising constant); equals
    /// `logLikelihood` without a ridge. EM never lowers this.
    public let objective: Double
    /// M-steps taken (accepted updates when accelerated).
    public let iterations: Int
    /// E-steps evaluated (equals `iterations + 1` for plain EM).
    public let expectationSteps: Int
    /// Whether the change criterion (see `EMOptions.tolerance`) was met within the iteration cap.
    public let hasConverged: Bool
    /// Why the iterations stopped.
    public let stopReason: StopReason
    /// Every iteration's log-likelihood and parameter change.
    public let history: ConvergenceHistory
    /// The largest fraction of missing information: EM's rate of convergence near the
    /// optimum (the largest eigenvalue of the EM map, estimated from the ratio of successive
    /// parameter changes). nil if too few iterations to tell.
    public let largestFractionOfMissingInformation: Double?

    /// The former name of `largestFractionOfMissingInformation`.
    @available(*, deprecated, renamed: "largestFractionOfMissingInformation")
    public var rateOfConvergence: Double? { largestFractionOfMissingInformation }
    /// Outcome of every start, when random starts were requested (empty otherwise).
    public let starts: [StartOutcome]
    /// Whether all starts reached the same optimum; nil with a single start.
    public let startsAgree: Bool?
    /// The conditional mean of every missing cell of the fitted matrix, each with its row and
    /// column (none for a fit on `PatternStatistics`).
    public let imputedCells: ImputedCells
    /// Rows that entered the likelihood (at least one observed modelled cell).
    public let rowsUsed: Int
    /// Rows with every modelled cell missing (imputed with μ).
    public let rowsWithNothingObserved: Int
    /// The distinct missingness patterns with their row counts, most frequent first (as
    /// `IncompleteMatrix.patternGroups()` gives them).
    public let patternGroups: [PatternGroup]
    /// Distinct missingness patterns.
    public var patternCount: Int { patternGroups.count }
    /// The options the fit ran with.
    public let options: EMOptions
    /// Things the user should know (non-convergence, disagreeing starts, …).
    public let warnings: [EMWarning]

    /// μ.
    public var mean: [Double] { model.mean }
    /// Σ, maximum-likelihood divisor n.
    public var covariance: Matrix { model.covariance }
    /// Whether the objective never decreased across iterations (EM's defining property).
    public var isMonotone: Bool { history.isMonotone }

    /// The matrix the fit ran on.
    let fitted: FittedData

    /// `data` with every missing cell replaced by its conditional mean (`imputedCells`).
    ///
    /// - Parameter data: the matrix this result was fitted on (same cells and column names).
    ///   Complete any other data with `model.completed(_:)`.
    /// - Throws: `DataError.shapeMismatch` when `data` has other dimensions,
    ///   `DataError.notTheFittedData` when it has other cells or column names, or when the fit
    ///   ran on `PatternStatistics` (complete data with `model.completed(_:)` then).
    /// - Complexity: O(n·p).
    public func completed(_ data: IncompleteMatrix) throws(DataError) -> Matrix {
        try fitted.completed(data, with: imputedCells)
    }
}
