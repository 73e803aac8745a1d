/// A row that the t fit weighted down (a likely outlier).
public struct DownweightedRow: Sendable, Codable, Equatable {
    /// 0-based index of the row in the input.
    public let row: Int
    /// Its weight wᵢ = (ν + oᵢ)/(ν + δᵢ²) at the estimates (1 is a typical row).
    public let weight: Double
    /// δᵢ², its observed part's squared Mahalanobis distance from μ under Σ.
    public let squaredDistance: Double
    /// oᵢ, its observed cells.
    public let observedCount: Int
}

/// The outcome of a `MultivariateTEM` fit: the t model, imputations and diagnostics.
///
/// A run that hit the iteration cap is still a result, with `hasConverged == false`.
public struct MultivariateTResult: Sendable {
    /// The fitted t_ν(μ, Σ).
    public let model: MultivariateTModel
    /// Observed-data log-likelihood Σᵢ log t_ν(x_{i,o} | μ_o, Σ_oo) at the estimates, with
    /// its full constant; rows with nothing observed contribute nothing.
    public let logLikelihood: Double
    /// ν (estimated, or the fixed value).
    public var degreesOfFreedom: Double { model.degreesOfFreedom }
    /// Whether ν was estimated (rather than fixed by the options).
    public let isDegreesOfFreedomEstimated: Bool
    /// Whether the estimate of ν is a bound of `MultivariateTOptions.degreesOfFreedomRange`.
    public let isDegreesOfFreedomAtBound: Bool
    /// Iterations taken (each a CM-step for μ and Σ, then one for ν).
    public let iterations: Int
    /// Whether the change criterion was met within the iteration cap.
    public let hasConverged: Bool
    /// Why the iterations stopped.
    public let stopReason: StopReason
    /// Every iteration's log-likelihood and parameter change.
    public let history: ConvergenceHistory
    /// Each input row's weight at the estimates (NaN for rows with nothing observed).
    public let rowWeights: [Double]
    /// The rows with the smallest weights, smallest first (at most `options.reportedRows`).
    public let mostDownweightedRows: [DownweightedRow]
    /// The conditional mean of every missing cell of the fitted matrix, each with its row and
    /// column.
    public let imputedCells: ImputedCells
    /// Rows that entered the likelihood.
    public let rowsUsed: Int
    /// Rows with every cell missing (imputed with μ).
    public let rowsWithNothingObserved: Int
    /// The options the fit ran with.
    public let options: MultivariateTOptions
    /// Things the user should know.
    public let warnings: [EMWarning]
    /// Whether the log-likelihood never decreased across iterations (ECME's property).
    public var isMonotone: Bool { history.isMonotone }

    let fitted: FittedData

    /// `data` with every missing cell replaced by its conditional mean (`imputedCells`).
    ///
    /// - Parameter data: the matrix this result was fitted on.
    /// - Throws: `DataError.shapeMismatch` or `DataError.notTheFittedData` for another matrix.
    public func completed(_ data: IncompleteMatrix) throws(DataError) -> Matrix {
        try fitted.completed(data, with: imputedCells)
    }
}
