import Foundation

// Small building blocks for the inline SVG charts of the HTML report: escaping, number
// formatting, linear scales, "nice" ticks, axes, and an accumulator for the markup.
// Everything is internal; the page itself is assembled by `HTMLReport`.

/// Escaping and shortening of user text (column names, paths) for HTML and inline SVG.
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe both
    /// as element content and inside a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `text` cut to at most `limit` characters, ending in "…" when it was cut (not escaped).
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// An SVG `<text>` element holding `text` (escaped, truncated to `limit` characters),
    /// with the full text as a `<title>` tooltip when it was cut.
    static func svgText(_ text: String, limit: Int = .max, attributes: String) -> String {
        let short = truncated(text, to: limit)
        let tip = short == text ? "" : "<title>\(escape(text))</title>"
        return "<text \(attributes)>\(tip)\(escape(short))</text>"
    }
}

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

/// Accumulates the markup of one `<svg>` element.
struct SVGCanvas {
    /// The width of the viewBox, in pixels at natural size.
    let width: Double
    /// The height of the viewBox.
    var height: Double
    private(set) var body = ""

    /// An empty canvas of the given natural size.
    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Appends raw markup.
    mutating func append(_ markup: String) { body += markup }

    /// Appends a line segment.
    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, class cls: String) {
        body += "<line class=\"\(cls)\" x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\"/>"
    }

    /// Appends a rectangle, with an optional tooltip (escaped here).
    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, attributes: String, tooltip: String? = nil) {
        let head = "<rect x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(0, w)))\" height=\"\(c(max(0, h)))\" \(attributes)"
        if let tooltip { body += head + "><title>\(Markup.escape(tooltip))</title></rect>" } else { body += head + "/>" }
    }

    /// Appends a text element; `text` is escaped here.
    mutating func text(_ text: String, x: Double, y: Double, class cls: String, anchor: String = "start", limit: Int = .max, extra: String = "") {
        body += Markup.svgText(text, limit: limit,
                               attributes: "class=\"\(cls)\" x=\"\(c(x))\" y=\"\(c(y))\" text-anchor=\"\(anchor)\"\(extra.isEmpty ? "" : " " + extra)")
    }

    /// Appends a polyline through `points`.
    mutating func polyline(_ points: [(Double, Double)], class cls: String) {
        body += "<polyline class=\"\(cls)\" points=\"" + points.map { "\(c($0.0)),\(c($0.1))" }.joined(separator: " ") + "\"/>"
    }

    /// Appends a path.
    mutating func path(_ d: String, class cls: String) { body += "<path class=\"\(cls)\" d=\"\(d)\"/>" }

    /// Draws an x axis at pixel height `y` with `ticks` labelled by `label`.
    mutating func xAxis(_ scale: LinearScale, ticks: [Double], y: Double, label: (Double) -> String, title: String? = nil) {
        line(scale.range.from, y, scale.range.to, y, class: "axis")
        for t in ticks {
            let x = scale(t)
            line(x, y, x, y + 4, class: "axis")
            text(label(t), x: x, y: y + 16, class: "tick", anchor: "middle")
        }
        if let title { text(title, x: (scale.range.from + scale.range.to) / 2, y: y + 32, class: "axis-title", anchor: "middle") }
    }

    /// Draws a y axis at pixel position `x` with horizontal grid lines to `gridTo`.
    mutating func yAxis(_ scale: LinearScale, ticks: [Double], x: Double, gridTo: Double, label: (Double) -> String,
                        title: String? = nil, tickClass: String = "tick") {
        for t in ticks {
            let y = scale(t)
            line(x, y, gridTo, y, class: "grid")
            text(label(t), x: x - 6, y: y + 4, class: tickClass, anchor: "end")
        }
        line(x, scale.range.from, x, scale.range.to, class: "axis")
        if let title {
            let y = (scale.range.from + scale.range.to) / 2
            text(title, x: 14, y: y, class: "axis-title", anchor: "middle", extra: "transform=\"rotate(-90 14 \(c(y)))\"")
        }
    }

    /// The complete `<svg>` element. It scales down with its container but never up beyond
    /// its natural width, so it cannot overflow horizontally.
    func render(id: String, label: String) -> String {
        "<svg id=\"\(id)\" class=\"chart\" viewBox=\"0 0 \(c(width)) \(c(height))\" style=\"max-width:\(c(width))px\" role=\"img\" aria-label=\"\(Markup.escape(label))\">"
            + "<title>\(Markup.escape(label))</title>" + body + "</svg>"
    }

    private func c(_ x: Double) -> String { NumberText.coordinate(x) }
}

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

/// Histograms of the observed and of the imputed values of one modelled column, over the
/// same bins.
struct ColumnHistogram: Equatable, Sendable {
    /// Left edge of the first bin.
    var lower: Double
    /// Width of every bin.
    var binWidth: Double
    /// Observed values per bin.
    var observed: [Int]
    /// Imputed values per bin.
    var imputed: [Int]

    /// Right edge of the last bin.
    var upper: Double { lower + binWidth * Double(observed.count) }
    /// Number of observed values binned.
    var observedCount: Int { observed.reduce(0, +) }
    /// Number of imputed values binned.
    var imputedCount: Int { imputed.reduce(0, +) }

    /// Counts as densities (each integrates to 1 over the bins; all zero when empty).
    func densities(_ counts: [Int]) -> [Double] {
        let total = Double(counts.reduce(0, +))
        return counts.map { total > 0 ? Double($0) / (total * binWidth) : 0 }
    }

    /// Imputed values left of the first bin (counted in it).
    var imputedBelow = 0
    /// Imputed values right of the last bin (counted in it).
    var imputedAbove = 0

    /// Bins from their parts.
    init(lower: Double, binWidth: Double, observed: [Int], imputed: [Int]) {
        self.lower = lower
        self.binWidth = binWidth
        self.observed = observed
        self.imputed = imputed
    }

    /// Empty bins for a column whose observed cells span `range`, for `valueCount` values
    /// (observed and imputed) in all: fixed before the values are seen, so that one streaming
    /// pass over the completed rows fills them. About 2·n^⅓ bins (Rice's rule), between 8 and
    /// 40, over the observed range; columns whose observed values are all integers get bins a
    /// whole number of units wide, centred on the integers. Imputed values outside the range
    /// are counted in the end bins and tallied in `imputedBelow` and `imputedAbove`.
    init(range: ImputedValueAdjustment.ObservedRange, valueCount: Int) {
        guard range.minimum <= range.maximum else {
            self.init(lower: 0, binWidth: 1, observed: [0], imputed: [0])
            return
        }
        var lo = range.minimum, hi = range.maximum
        let bins: Int
        let width: Double
        let rice = min(40, max(8, Int((2 * cbrt(Double(max(1, valueCount)))).rounded())))
        if range.isAllIntegers && hi - lo < 1e6 {
            // Integer data: bins of a whole number of units with edges at k ± 0.5, so that
            // no bin holds more integers than its neighbours.
            lo = (lo + 0.5).rounded(.down) - 0.5
            hi = (hi - 0.5).rounded(.up) + 0.5
            width = max(1, ((hi - lo) / Double(rice)).rounded(.up))
            bins = max(1, Int(((hi - lo) / width).rounded(.up)))
        } else {
            if hi == lo {
                let pad = lo == 0 ? 0.5 : abs(lo) * 0.05
                lo -= pad; hi += pad
            }
            bins = rice
            width = (hi - lo) / Double(bins)
        }
        self.init(lower: lo, binWidth: width, observed: [Int](repeating: 0, count: bins), imputed: [Int](repeating: 0, count: bins))
    }

    /// Counts an observed value.
    mutating func addObserved(_ x: Double) { observed[bin(of: x)] += 1 }

    /// Counts an imputed value.
    mutating func addImputed(_ x: Double) {
        guard x.isFinite else { return }
        if x < lower { imputedBelow += 1 } else if x > upper { imputedAbove += 1 }
        imputed[bin(of: x)] += 1
    }

    /// The bin holding `x` (values outside the range go to the first or last bin).
    func bin(of x: Double) -> Int {
        let b = Int(((x - lower) / binWidth).rounded(.down))
        return min(observed.count - 1, max(0, b))
    }
}
