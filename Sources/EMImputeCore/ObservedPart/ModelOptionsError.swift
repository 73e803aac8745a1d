import Foundation

/// An option of a `GaussianMixtureEM` or `MultivariateTEM` fit outside its valid range.
public enum ModelOptionsError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// `tolerance` negative or not finite.
    case invalidTolerance(Double)
    /// `maxIterations` outside 1…`EMOptions.maximumIterationCap`.
    case invalidMaxIterations(Int)
    /// `starts` outside 1…`EMOptions.maximumStarts`.
    case invalidStarts(Int)
    /// `threads` outside 1…`EMOptions.maximumThreads`.
    case invalidThreads(Int)
    /// `components` outside 1…`GaussianMixtureOptions.maximumComponents`.
    case invalidComponents(Int)
    /// `covarianceFloor` negative, not finite or above 1.
    case invalidCovarianceFloor(Double)
    /// Degrees of freedom below `MultivariateTOptions.degreesOfFreedomRange` (or, for the
    /// initial value, outside it), or NaN.
    case invalidDegreesOfFreedom(Double)

    /// What is wrong and what the value must be.
    public var description: String {
        switch self {
        case .invalidTolerance(let v): return "the tolerance \(v) must be a finite number ≥ 0"
        case .invalidMaxIterations(let v): return "the iteration cap \(v) must be between 1 and \(EMOptions.maximumIterationCap)"
        case .invalidStarts(let v): return "the number of starts \(v) must be between 1 and \(EMOptions.maximumStarts)"
        case .invalidThreads(let v): return "the thread count \(v) must be between 1 and \(EMOptions.maximumThreads)"
        case .invalidComponents(let v):
            return "the number of components \(v) must be between 1 and \(GaussianMixtureOptions.maximumComponents)"
        case .invalidCovarianceFloor(let v): return "the covariance floor \(v) must be a finite number in 0…1"
        case .invalidDegreesOfFreedom(let v):
            let r = MultivariateTOptions.degreesOfFreedomRange
            return "the degrees of freedom \(v) must be at least \(r.lowerBound) (+∞ gives the normal; an estimate is searched in \(r.lowerBound)…\(r.upperBound))"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
