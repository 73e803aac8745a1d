/// Which of several EM starts a fit keeps (`EMOptions.starts`, `GaussianMixtureOptions.starts`):
/// the one with the highest final objective (the log-likelihood; for the normal with a ridge,
/// plus the log prior), on the reported (original) scale, except that starts within
/// `relativeTieTolerance` of the highest count as tied and the lowest start number among them
/// is kept.
///
/// ```swift
/// StartSelection.keptStart(objectives: [-5150.688100, -5150.688100 + 1e-9, -5161.2])  // 0
/// ```
///
/// Why a tolerance: starts that reach the same optimum end with objectives that differ only by
/// rounding (sums of n row terms, in orders that depend on the start's component labels), and
/// a build with other instruction selection, or another BLAS, can reorder such a pair. Taking
/// the strict maximum would then report another start's iterations and labels for the same
/// fit. 10⁻⁹ relative is far above that rounding (n row terms each rounded by ε ≈ 1.1·10⁻¹⁶
/// stay below 10⁻⁹ relative up to millions of rows, even added in the worst order) and far
/// below what tells two optima apart: at |ℓ| = 5 000 it is 5·10⁻⁶ nats, a likelihood ratio of
/// 1.000005, and two starts converged to one optimum (change below the tolerance, 10⁻⁸ by
/// default) agree in ℓ to about the square of that.
public enum StartSelection {
    /// Starts whose final objectives are within this of the highest, relative to
    /// max(1, |highest|), are tied; the lowest start number among them is kept.
    public static let relativeTieTolerance = 1e-9

    /// The start kept from the final objectives of starts 0, 1, …: the lowest index whose
    /// objective is within `relativeTieTolerance` of the highest. NaN objectives are never kept
    /// (0 when all are NaN or there are none).
    ///
    /// - Complexity: O(starts).
    public static func keptStart(objectives: [Double]) -> Int {
        guard let highest = objectives.filter({ !$0.isNaN }).max() else { return 0 }
        let threshold = highest.isFinite ? highest - relativeTieTolerance * max(1, abs(highest)) : highest
        return objectives.firstIndex { $0 >= threshold } ?? 0
    }
}
