import Foundation

/// Number formatting for coordinates, tick labels, tables and the text summaries.
package enum NumberText {
    /// A coordinate with at most one decimal, without a trailing ".0".
    static func coordinate(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let r = (x * 10).rounded() / 10
        return r == r.rounded() ? String(Int(r)) : String(format: "%.1f", r)
    }

    /// A tick label for `value` on an axis whose ticks are `step` apart.
    static func tick(_ value: Double, step: Double) -> String {
        let v = abs(value) < step * 1e-9 ? 0 : value
        if step >= 1e-4 && abs(v) < 1e7 {
            let digits = max(0, Int((-log10(step)).rounded(.up) + 1e-9))
            return String(format: "%.\(min(digits, 6))f", v).replacingOccurrences(of: "-0.0", with: "0.0", options: .anchored)
        }
        return String(format: "%.3g", v)
    }

    /// A value for a table or a tooltip: four significant digits, plain notation between 1e-3 and 1e7.
    static func value(_ v: Double?) -> String {
        guard let v else { return "—" }
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "−∞") }
        let a = abs(v)
        if a >= 1e4 && a < 1e7 { return String(format: "%.0f", v) }
        return String(format: "%.4g", v)
    }

    /// `10` with `exponent` as a superscript, e.g. 10⁻⁸.
    static func powerOfTen(_ exponent: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let e = String(abs(exponent)).map { digits[Int(String($0))!] }
        return "10" + (exponent < 0 ? "⁻" : "") + String(e)
    }

    /// `a` of `b` as a percentage with one decimal ("0%" when `b` is 0).
    package static func percent(_ a: Int, _ b: Int) -> String { b == 0 ? "0%" : fixed(100 * Double(a) / Double(b), 1) + "%" }
    /// `v` with `digits` decimals.
    package static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    /// `v` in `%g` notation (a tolerance such as 1e-08).
    package static func short(_ v: Double) -> String { String(format: "%g", v) }
    /// A duration in seconds with two decimals.
    package static func seconds(_ v: Double) -> String { String(format: "%.2f s", v) }
    /// Six significant digits.
    package static func significant(_ x: Double) -> String { String(format: "%.6g", x) }
    /// "= 0.0123", or "< 0.0001".
    package static func pValue(_ p: Double) -> String { p < 0.0001 ? "< 0.0001" : "= " + fixed(p, 4) }
}
