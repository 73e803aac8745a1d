import Foundation

/// Maps a numeric domain linearly onto a pixel range.
struct LinearScale {
    /// The data interval.
    var domain: (lower: Double, upper: Double)
    /// The pixel interval (may be reversed, as for y).
    var range: (from: Double, to: Double)

    /// The pixel position of `value`.
    func callAsFunction(_ value: Double) -> Double {
        let span = domain.upper - domain.lower
        let t = span > 0 ? (value - domain.lower) / span : 0.5
        return range.from + t * (range.to - range.from)
    }
}
