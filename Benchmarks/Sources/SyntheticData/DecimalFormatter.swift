#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Formats a Double with 10 significant digits and no trailing zeros, as `%.10g` does for
/// values in [1e-4, 1e9) (`0.5`, `12.345`, `-3.000012`), by integer arithmetic; anything
/// else (very small or large magnitudes) goes through `snprintf("%.10g")`.
///
/// The fast path rounds `|v|·10^k` once in binary, so in a rare tie its last digit can
/// differ from the correctly rounded `%.10g`; it is deterministic all the same.
public enum DecimalFormatter {
    /// The most bytes one value takes.
    public static let maximumLength = 32

    private static let powers: [Double] = (0...22).map { k in
        var v = 1.0
        for _ in 0..<k { v *= 10 }
        return v
    }
    /// Lower bounds of the decades 10^-4 … 10^9, indexed by exponent + 4.
    private static let decades: [Double] = [1e-4, 1e-3, 1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]

    /// Writes `v` at `out` (which has room for `maximumLength` bytes) and returns the byte count.
    @inline(__always)
    public static func write(_ v: Double, to out: UnsafeMutablePointer<UInt8>) -> Int {
        if v == 0 { out[0] = UInt8(ascii: "0"); return 1 }
        var a = v
        var n = 0
        if a < 0 { out[0] = UInt8(ascii: "-"); n = 1; a = -a }
        guard a >= 1e-4, a < 1e9 else { return slow(v, out) }
        var x = 8
        while a < decades[x + 4] { x -= 1 }
        // 10 significant digits: an integer in [1e9, 1e10).
        var digits = (a * powers[9 - x]).rounded()
        if digits >= 1e10 { x += 1; digits = (a * powers[9 - x]).rounded() }
        var d = UInt64(digits)
        var text: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var significant = 10
        var trailing = true
        withUnsafeMutableBytes(of: &text) { t in
            for k in stride(from: 9, through: 0, by: -1) {
                let digit = UInt8(d % 10)
                d /= 10
                if trailing && digit == 0 && k > 0 { significant = k } else { trailing = false }
                t[k] = 48 + digit
            }
            if x >= 0 {
                let whole = x + 1
                for k in 0..<whole { out[n + k] = t[k] }
                n += whole
                if significant > whole {
                    out[n] = UInt8(ascii: "."); n += 1
                    for k in whole..<significant { out[n] = t[k]; n += 1 }
                }
            } else {
                out[n] = UInt8(ascii: "0"); out[n + 1] = UInt8(ascii: "."); n += 2
                for _ in 0..<(-x - 1) { out[n] = UInt8(ascii: "0"); n += 1 }
                for k in 0..<significant { out[n] = t[k]; n += 1 }
            }
        }
        return n
    }

    private static func slow(_ v: Double, _ out: UnsafeMutablePointer<UInt8>) -> Int {
        let written = withVaList([v]) { args in
            out.withMemoryRebound(to: CChar.self, capacity: maximumLength) { vsnprintf($0, maximumLength, "%.10g", args) }
        }
        return Int(written)
    }
}
