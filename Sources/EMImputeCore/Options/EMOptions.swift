/// Settings of a `GaussianEM` fit. Every field changes the result or how it is reached.
///
/// Each field has a valid range (see `validate()`); `GaussianEM.fit` throws an
/// `EMOptionsError` naming the first field outside it.
public struct EMOptions: Sendable, Codable, Equatable {
    /// Convergence threshold on the largest absolute change of any entry of μ or Σ between
    /// iterations, on the standardised scale (each column centred by its available-case
    /// mean and divided by its available-case standard deviation). Default 1e-8. The
    /// objective must also have stopped rising (by at most `tolerance` relative to |objective|
    /// in that iteration), so an unbounded likelihood is not mistaken for convergence. Finite, ≥ 0.
    public var tolerance: Double = 1e-8
    /// Iteration cap; reaching it ends the run with `hasConverged == false`. Default 1000;
    /// 1…`EMOptions.maximumIterationCap`.
    public var maxIterations: Int = 1000
    /// Strength λ ≥ 0 of the ridge (normal–inverse-Wishart data-augmentation) prior:
    /// Σ = (n·S + λ·diag(s²)) / (n + λ + p + 2). 0 (the default) gives the MLE;
    /// at most `EMOptions.maximumRidge`.
    public var ridge: Double = 0
    /// Extra random starts besides the default one; the fit with the highest objective wins;
    /// 0…`EMOptions.maximumStarts`.
    public var starts: Int = 0
    /// Seed of the random starts.
    public var seed: UInt64 = 1
    /// Worker threads for the E-step; nil uses every core, otherwise
    /// 1…`EMOptions.maximumThreads`. Results do not depend on it.
    public var threads: Int?
    /// Extrapolation of EM steps.
    public var acceleration: Acceleration = .none

    /// How EM steps are extrapolated.
    public enum Acceleration: String, Sendable, Codable, CaseIterable {
        /// Plain EM.
        case none
        /// SQUAREM (Varadhan & Roland 2008), falling back to plain EM steps whenever an
        /// extrapolated step would lower the objective.
        case squarem
    }

    /// The defaults.
    public init() {}

    /// Options with the given fields and the defaults for the rest:
    /// `EMOptions(tolerance: 1e-10)`.
    public init(tolerance: Double = 1e-8, maxIterations: Int = 1000, ridge: Double = 0, starts: Int = 0,
                seed: UInt64 = 1, threads: Int? = nil, acceleration: Acceleration = .none) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.ridge = ridge
        self.starts = starts
        self.seed = seed
        self.threads = threads
        self.acceleration = acceleration
    }
}
