import Foundation

/// Evenly spaced round tick values.
struct Ticks {
    /// The ticks, ascending, from `lower` to `upper`.
    var values: [Double]
    /// The distance between ticks.
    var step: Double
    /// The domain widened outwards to whole steps.
    var lower: Double
    var upper: Double

    /// About `count` round ticks covering `lower...upper` (widened to whole steps); integer
    /// steps when `integers`.
    init(_ lower: Double, _ upper: Double, count: Int = 5, integers: Bool = false) {
        var lo = lower, hi = upper
        if !(lo.isFinite && hi.isFinite) { lo = 0; hi = 1 }
        if hi < lo { swap(&lo, &hi) }
        if hi == lo {
            let pad = lo == 0 ? 1 : abs(lo) * 0.05
            lo -= pad; hi += pad
        }
        let raw = (hi - lo) / Double(max(1, count))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let normalised = raw / magnitude
        var step = (normalised < 1.5 ? 1 : normalised < 3 ? 2 : normalised < 7 ? 5 : 10) * magnitude
        if integers { step = max(1, step.rounded()) }
        self.step = step
        self.lower = (lo / step).rounded(.down) * step
        self.upper = (hi / step).rounded(.up) * step
        var v: [Double] = []
        var k = (lo / step).rounded(.down)
        while k * step <= self.upper + step * 1e-9 && v.count < 50 {
            v.append(k * step)
            k += 1
        }
        values = v
    }
}
