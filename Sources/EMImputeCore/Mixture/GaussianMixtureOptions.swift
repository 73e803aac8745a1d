/// Settings of a `GaussianMixtureEM` fit.
///
/// Each field has a valid range (see `validate()`); `GaussianMixtureEM.fit` throws a
/// `ModelOptionsError` naming the first field outside it.
public struct GaussianMixtureOptions: Sendable, Codable, Equatable {
    /// The largest accepted `components`.
    public static let maximumComponents = 100

    /// K, the number of normal components; 1…`maximumComponents`. Default 2.
    public var components: Int = 2
    /// Convergence threshold on the largest absolute change of any mixing weight, mean or
    /// covariance entry between iterations (standardised scale), together with the
    /// log-likelihood having stopped rising (as `EMOptions.tolerance`). Default 1e-8.
    public var tolerance: Double = 1e-8
    /// Iteration cap per start. Default 1000; 1…`EMOptions.maximumIterationCap`.
    public var maxIterations: Int = 1000
    /// Starts (k-means++-style, from observed values) when K > 1; the fit with the highest
    /// log-likelihood is kept. K = 1 has one start (μ = available-case means, Σ = diag of
    /// available-case variances, as `GaussianEM`). Default 5; 1…`EMOptions.maximumStarts`.
    public var starts: Int = 5
    /// Seed of the starts.
    public var seed: UInt64 = 1
    /// Worker threads for the E-step; nil uses every core. Results do not depend on it.
    public var threads: Int?
    /// The guard against a component collapsing onto a few rows, on the standardised scale
    /// (each column divided by its available-case standard deviation): after an M-step, a
    /// component whose covariance has a variance, or a Cholesky pivot relative to its
    /// diagonal entry, below this gets f·I added (f, then 10f, … until it factorises). It
    /// never acts on a well-determined component, so it changes nothing there. Default
    /// 1e-6; 0…1 (0 only guards against exact singularity).
    public var covarianceFloor: Double = 1e-6

    /// The defaults.
    public init() {}

    /// Checks every field against its range.
    ///
    /// - Throws: `ModelOptionsError` naming the first field out of range.
    public func validate() throws(ModelOptionsError) {
        guard (1...Self.maximumComponents).contains(components) else { throw .invalidComponents(components) }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidTolerance(tolerance) }
        guard (1...EMOptions.maximumIterationCap).contains(maxIterations) else { throw .invalidMaxIterations(maxIterations) }
        guard (1...EMOptions.maximumStarts).contains(starts) else { throw .invalidStarts(starts) }
        if let threads, !(1...EMOptions.maximumThreads).contains(threads) { throw .invalidThreads(threads) }
        guard covarianceFloor >= 0, covarianceFloor <= 1 else { throw .invalidCovarianceFloor(covarianceFloor) }
    }
}
