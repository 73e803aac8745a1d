/// Settings of a `MultivariateTEM` fit.
///
/// Each field has a valid range (see `validate()`); `MultivariateTEM.fit` throws a
/// `ModelOptionsError` naming the first field outside it.
public struct MultivariateTOptions: Sendable, Codable, Equatable {
    /// The degrees of freedom ν the ECME step searches; a fixed ν may be any value from its
    /// lower bound up, +∞ included.
    public static let degreesOfFreedomRange: ClosedRange<Double> = 0.1...1e4

    /// ν fixed at this value (+∞ gives the normal model), or nil to estimate ν by ECME.
    /// Default nil.
    public var degreesOfFreedom: Double?
    /// ν of the first E-step when ν is estimated. Default 30.
    public var initialDegreesOfFreedom: Double = 30
    /// Convergence threshold on the largest absolute change of any entry of μ or Σ
    /// (standardised scale) or of log ν, with the log-likelihood having stopped rising
    /// (as `EMOptions.tolerance`). Default 1e-8.
    public var tolerance: Double = 1e-8
    /// Iteration cap. Default 1000; 1…`EMOptions.maximumIterationCap`.
    public var maxIterations: Int = 1000
    /// Worker threads for the E-step; nil uses every core. Results do not depend on it.
    public var threads: Int?
    /// How many of the most down-weighted rows the result lists. Default 10.
    public var reportedRows: Int = 10

    /// The defaults.
    public init() {}

    /// Checks every field against its range.
    ///
    /// - Throws: `ModelOptionsError` naming the first field out of range.
    public func validate() throws(ModelOptionsError) {
        if let nu = degreesOfFreedom, !(nu >= Self.degreesOfFreedomRange.lowerBound) {
            throw .invalidDegreesOfFreedom(nu)
        }
        guard Self.degreesOfFreedomRange.contains(initialDegreesOfFreedom) else {
            throw .invalidDegreesOfFreedom(initialDegreesOfFreedom)
        }
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidTolerance(tolerance) }
        guard (1...EMOptions.maximumIterationCap).contains(maxIterations) else { throw .invalidMaxIterations(maxIterations) }
        if let threads, !(1...EMOptions.maximumThreads).contains(threads) { throw .invalidThreads(threads) }
    }
}
