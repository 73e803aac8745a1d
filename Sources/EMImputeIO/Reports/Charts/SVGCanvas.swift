import Foundation

// Small building blocks for the inline SVG charts of the HTML report: escaping, number
// formatting, linear scales, "nice" ticks, axes, and an accumulator for the markup.
// Everything is internal; the page itself is assembled by `HTMLReport`.

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
