import Foundation

/// An `EMOptions` field outside its valid range. `field` names the property and
/// `requirement` says what it must be; the description says both.
///
/// ```swift
/// var options = EMOptions()
/// options.ridge = -1
/// try options.validate()  // throws .invalidRidge(-1): "ridge is -1.0: it must be a finite number between 0 and 1e+12"
/// ```
public enum EMOptionsError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// `tolerance` is negative or not finite.
    case invalidTolerance(Double)
    /// `maxIterations` is below 1 or above `EMOptions.maximumIterationCap`.
    case invalidMaxIterations(Int)
    /// `ridge` is negative, not finite, or above `EMOptions.maximumRidge`.
    case invalidRidge(Double)
    /// `starts` is negative or above `EMOptions.maximumStarts`.
    case invalidStarts(Int)
    /// `threads` is below 1 or above `EMOptions.maximumThreads`.
    case invalidThreads(Int)

    /// The name of the offending `EMOptions` property.
    public var field: String {
        switch self {
        case .invalidTolerance: return "tolerance"
        case .invalidMaxIterations: return "maxIterations"
        case .invalidRidge: return "ridge"
        case .invalidStarts: return "starts"
        case .invalidThreads: return "threads"
        }
    }

    /// What the property must be.
    public var requirement: String {
        switch self {
        case .invalidTolerance: return "a finite number ≥ 0"
        case .invalidMaxIterations: return "an integer between 1 and \(EMOptions.maximumIterationCap)"
        case .invalidRidge: return "a finite number between 0 and \(String(format: "%g", EMOptions.maximumRidge))"
        case .invalidStarts: return "an integer between 0 and \(EMOptions.maximumStarts)"
        case .invalidThreads: return "nil (every core) or an integer between 1 and \(EMOptions.maximumThreads)"
        }
    }

    /// The value that was given, as text.
    var value: String {
        switch self {
        case .invalidTolerance(let v), .invalidRidge(let v): return "\(v)"
        case .invalidMaxIterations(let v), .invalidStarts(let v), .invalidThreads(let v): return "\(v)"
        }
    }

    /// The field, its value and the requirement.
    public var description: String { "\(field) is \(value): it must be \(requirement)" }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
