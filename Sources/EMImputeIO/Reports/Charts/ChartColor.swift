import Foundation

/// Colours shared by the charts and the page's CSS.
enum ChartColor {
    /// Observed cells and observed values.
    static let observed = "#3b6fb6"
    /// Missing cells and imputed values.
    static let missing = "#e3771c"

    /// The diverging colour of a correlation `r` in −1…1: red (−1), white (0), blue (+1).
    static func correlation(_ r: Double) -> String {
        guard r.isFinite else { return "#bbbbbb" }
        let stops: [(Double, (Double, Double, Double))] = [
            (-1, (178, 24, 43)), (-0.5, (239, 138, 98)), (0, (247, 247, 247)), (0.5, (103, 169, 207)), (1, (33, 102, 172)),
        ]
        let v = min(1, max(-1, r))
        var k = 0
        while k < stops.count - 2 && v > stops[k + 1].0 { k += 1 }
        let (a, ca) = stops[k], (b, cb) = stops[k + 1]
        let t = (v - a) / (b - a)
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + t * (y - x)).rounded()) }
        return String(format: "#%02x%02x%02x", mix(ca.0, cb.0), mix(ca.1, cb.1), mix(ca.2, cb.2))
    }
}
