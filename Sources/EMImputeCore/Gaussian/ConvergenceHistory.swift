/// One EM iteration as recorded in the history.
public struct IterationRecord: Sendable, Codable, Equatable {
    /// 1-based iteration number (M-steps taken so far).
    public let iteration: Int
    /// Observed-data log-likelihood at the parameters this iteration produced (full constant).
    public let logLikelihood: Double
    /// The quantity EM increases: ℓ, plus the log prior density when a ridge is set.
    public let objective: Double
    /// Largest absolute change of any entry of μ or Σ (standardised scale).
    public let maxAbsoluteChange: Double
    /// Largest change relative to the previous value.
    public let maxRelativeChange: Double
    /// Seconds since the fit started.
    public let elapsedSeconds: Double
    /// Whether an accelerated (extrapolated) step was accepted.
    public let accelerated: Bool
}

/// The iterations of a fit, and whether the objective never decreased.
public struct ConvergenceHistory: Sendable, Codable, Equatable {
    /// Relative decrease of the objective that counts as a violation of monotonicity
    /// rather than rounding.
    public static let monotonicityTolerance = 1e-9

    /// Objective at the starting values.
    public let initialObjective: Double
    /// One record per iteration.
    public internal(set) var records: [IterationRecord]

    /// Largest decrease of the objective between consecutive iterations (0 if none).
    public var largestDecrease: Double {
        var previous = initialObjective, worst = 0.0
        for r in records {
            worst = max(worst, previous - r.objective)
            previous = r.objective
        }
        return worst
    }

    /// True when no iteration lowered the objective by more than rounding
    /// (`monotonicityTolerance` relative to |objective|).
    public var isMonotone: Bool {
        var previous = initialObjective
        for r in records {
            if r.objective < previous - Self.monotonicityTolerance * max(1, abs(previous)) { return false }
            previous = r.objective
        }
        return true
    }
}
