import Foundation

/// Σᵢ log(1 + xᵢ) over many xᵢ > −1 with one `log1p` per run of values instead of one per
/// value: the t's log-likelihood and ν step need Σ log(1 + δᵢ²/ν) over every row, and a
/// `log1p` per row was a tenth of a t iteration.
///
/// The running product 1 + e = Πᵢ (1 + xᵢ) is kept as its excess e = Π(1 + xᵢ) − 1,
/// updated as e ← e + x + x·e, so that small xᵢ keep their digits as they do in `log1p`
/// (at ν = 10⁴, xᵢ ≈ 10⁻³; at ν = 10¹², 10⁻¹¹). Each step rounds 1 + e by a few ε
/// relatively, i.e. the logarithm by a few ε absolutely — what adding the `log1p`s would
/// round. When e exceeds 2⁵⁰⁰ it is flushed into the sum as log1p(e); a value above 2⁵⁰⁰ is
/// logged alone, so e·x cannot overflow. A NaN value makes the sum NaN.
struct LogOnePlusSum {
    private var excess = 0.0
    private var flushed = 0.0

    private static let limit = 0x1p500

    /// Adds log(1 + x).
    @inline(__always)
    mutating func add(_ x: Double) {
        if x <= Self.limit {
            excess += x + x * excess
            if excess > Self.limit {
                flushed += log1p(excess)
                excess = 0
            }
        } else {
            flushed += log1p(x)
        }
    }

    /// Σ log(1 + x) over the values added.
    var sum: Double { flushed + log1p(excess) }
}
