import EMImputeCore
import Foundation

extension HTMLReport {
    /// Section 2. Convergence of the page: the log-likelihood and the largest parameter change per iteration.
    static func convergence(_ r: ImputationReport) -> String {
        var s = "<section id=\"convergence-section\" class=\"charts\">\n<h2>Convergence</h2>\n"
        s += "<p class=\"how\">Left: the observed-data log-likelihood after each iteration; EM never lowers it, so the line rises and flattens. Right: the largest absolute change of any entry of μ or Σ (standardised scale) on a log scale; EM stopped when it fell below the dashed tolerance line. A straight descent means linear convergence; a shallow slope means much missing information.</p>\n"
        s += "<div class=\"pair\">\n"
        // With a ridge EM increases ℓ + log prior, which differs from ℓ by far more than ℓ's
        // own range, so it is not drawn; ℓ alone may fall.
        let ridgeNote = r.isMaximumLikelihood ? "" : "<p class=\"note\">With the ridge prior (λ = \(Markup.escape(NumberText.short(r.options.ridge)))) EM increases the log-likelihood plus the log prior, not the log-likelihood itself, which may fall.</p>"
        s += "<figure><h3>Log-likelihood per iteration</h3>\(likelihoodChart(r))\(ridgeNote)</figure>\n"
        s += "<figure><h3>Largest parameter change per iteration (log scale)</h3>\(changeChart(r))</figure>\n"
        s += "</div>\n</section>\n"
        return s
    }

    /// Keeps at most about `limit` records (always the first and the last).
    private static func thinned(_ records: [IterationRecord], limit: Int = 1500) -> [IterationRecord] {
        guard records.count > limit else { return records }
        let stride = Int((Double(records.count) / Double(limit)).rounded(.up))
        var out = records.enumerated().filter { $0.offset % stride == 0 }.map(\.element)
        if out.last?.iteration != records.last?.iteration, let last = records.last { out.append(last) }
        return out
    }

    private static func likelihoodChart(_ r: ImputationReport) -> String {
        var canvas = SVGCanvas(width: 540, height: 300)
        let left = 84.0, right = 524.0, top = 14.0, bottom = 250.0
        let records = thinned(r.history).filter { $0.logLikelihood.isFinite }
        guard !records.isEmpty else {
            canvas.text("no iterations recorded", x: 270, y: 150, class: "small", anchor: "middle")
            return canvas.render(id: "convergence", label: "Log-likelihood per iteration (none recorded)")
        }
        let values = records.map(\.logLikelihood)
        let yTicks = Ticks(values.min()!, values.max()!, count: 5)
        let lastIteration = Double(records.last!.iteration)
        let xTicks = Ticks(1, max(2, lastIteration), count: 6, integers: true)
        let x = LinearScale(domain: (1, max(2, lastIteration)), range: (left, right))
        let y = LinearScale(domain: (yTicks.lower, yTicks.upper), range: (bottom, top))
        canvas.yAxis(y, ticks: yTicks.values, x: left, gridTo: right, label: { NumberText.tick($0, step: yTicks.step) }, title: "log-likelihood")
        canvas.xAxis(x, ticks: xTicks.values.filter { $0 >= 1 && $0 <= max(2, lastIteration) }, y: bottom, label: { String(Int($0)) }, title: "iteration")
        canvas.polyline(records.map { (x(Double($0.iteration)), y($0.logLikelihood)) }, class: "trace")
        if records.count <= 60 {
            for rec in records {
                canvas.append("<circle class=\"dot\" cx=\"\(NumberText.coordinate(x(Double(rec.iteration))))\" cy=\"\(NumberText.coordinate(y(rec.logLikelihood)))\" r=\"2.6\"><title>iteration \(rec.iteration): ℓ = \(NumberText.fixed(rec.logLikelihood, 4))</title></circle>")
            }
        }
        return canvas.render(id: "convergence", label: "Log-likelihood per iteration")
    }

    private static func changeChart(_ r: ImputationReport) -> String {
        var canvas = SVGCanvas(width: 540, height: 300)
        let left = 84.0, right = 524.0, top = 14.0, bottom = 250.0
        let records = thinned(r.history).filter { $0.maxAbsoluteChange.isFinite && $0.maxAbsoluteChange > 0 }
        guard !records.isEmpty else {
            canvas.text("no parameter changes recorded", x: 270, y: 150, class: "small", anchor: "middle")
            return canvas.render(id: "convergence-change", label: "Largest parameter change per iteration (none recorded)")
        }
        let logs = records.map { log10($0.maxAbsoluteChange) }
        let tolerance = r.options.tolerance
        let logTolerance = tolerance > 0 && tolerance.isFinite ? log10(tolerance) : nil
        var low = min(logs.min()!, logTolerance ?? .infinity).rounded(.down)
        var high = max(logs.max()!, logTolerance ?? -.infinity).rounded(.up)
        if high <= low { high = low + 1 }
        // At most 8 labelled powers of ten, with both ends of the axis labelled.
        let stride = max(1, Int(((high - low) / 7).rounded(.up)))
        low = high - Double(stride) * ((high - low) / Double(stride)).rounded(.up)
        let exponents = Swift.stride(from: Int(low), through: Int(high), by: stride).map(Double.init)
        let lastIteration = Double(records.last!.iteration)
        let xTicks = Ticks(1, max(2, lastIteration), count: 6, integers: true)
        let x = LinearScale(domain: (1, max(2, lastIteration)), range: (left, right))
        let y = LinearScale(domain: (low, high), range: (bottom, top))
        canvas.yAxis(y, ticks: exponents, x: left, gridTo: right, label: { NumberText.powerOfTen(Int($0)) }, title: "max |Δ parameter|", tickClass: "tick power")
        canvas.xAxis(x, ticks: xTicks.values.filter { $0 >= 1 && $0 <= max(2, lastIteration) }, y: bottom, label: { String(Int($0)) }, title: "iteration")
        if let logTolerance {
            canvas.line(left, y(logTolerance), right, y(logTolerance), class: "tolerance")
            canvas.text("tolerance \(NumberText.short(tolerance))", x: left + 6, y: y(logTolerance) - 5, class: "tolerance-label")
        }
        canvas.polyline(zip(records, logs).map { (x(Double($0.iteration)), y($1)) }, class: "trace")
        if records.count <= 60 {
            for (rec, l) in zip(records, logs) {
                canvas.append("<circle class=\"dot\" cx=\"\(NumberText.coordinate(x(Double(rec.iteration))))\" cy=\"\(NumberText.coordinate(y(l)))\" r=\"2.6\"><title>iteration \(rec.iteration): change \(String(format: "%.3g", rec.maxAbsoluteChange))</title></circle>")
            }
        }
        return canvas.render(id: "convergence-change", label: "Largest absolute parameter change per iteration, log scale")
    }
}
