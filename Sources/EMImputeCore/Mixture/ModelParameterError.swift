import Foundation

/// Why the parts of a `GaussianMixtureModel` or a `MultivariateTModel` do not make a model.
public enum ModelParameterError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A mixture without components.
    case noComponents
    /// Not one mixing weight per component.
    case weightCountMismatch(weights: Int, components: Int)
    /// A mixing weight not in (0, 1]; `component` is 0-based.
    case invalidWeight(component: Int, value: Double)
    /// Mixing weights whose sum differs from 1 by more than 1e-9.
    case weightsDoNotSumToOne(sum: Double)
    /// A component over other columns than the first component; `component` is 0-based.
    case componentColumnsDiffer(component: Int)
    /// Degrees of freedom ν not positive (nor +∞).
    case invalidDegreesOfFreedom(Double)

    /// What is wrong.
    public var description: String {
        switch self {
        case .noComponents: return "a mixture needs at least one component"
        case .weightCountMismatch(let w, let k): return "\(w) mixing weight(s) for \(k) component(s)"
        case .invalidWeight(let k, let v): return "the mixing weight \(v) of component \(k + 1) is not in (0, 1]"
        case .weightsDoNotSumToOne(let s): return "the mixing weights sum to \(s), not 1"
        case .componentColumnsDiffer(let k): return "component \(k + 1) has other columns than component 1"
        case .invalidDegreesOfFreedom(let v): return "the degrees of freedom \(v) are not positive"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
