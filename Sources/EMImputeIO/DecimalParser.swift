import Foundation

/// Parses a cell as a finite decimal number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
/// Hexadecimal, `inf`, `nan` and thousands separators are not numbers here.
///
/// Correctly rounded: the common case (≤ 19 digits, a small exponent) takes Clinger's exact
/// fast path; everything else goes to `strtod`.
enum DecimalParser {
    /// Why a cell is not a number.
    enum Failure: Error { case syntax, outOfRange }

    private static let exactPowers: [Double] = (0...22).map { pow(10, Double($0)) }

    @inline(__always)
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        let n = s.count
        var i = 0
        var negative = false
        if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { negative = s[i] == UInt8(ascii: "-"); i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0, significant = 0, dropped = 0, fractionDigits = 0
        var sawDigit = false
        while i < n, s[i] &- 48 < 10 {
            sawDigit = true
            let d = UInt64(s[i] &- 48)
            if significant < 19 { if mantissa != 0 || d != 0 { significant += 1 }; mantissa = mantissa * 10 + d } else { dropped += 1 }
            digits += 1
            i += 1
        }
        if i < n, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < n, s[i] &- 48 < 10 {
                sawDigit = true
                let d = UInt64(s[i] &- 48)
                if significant < 19 { if mantissa != 0 || d != 0 { significant += 1 }; mantissa = mantissa * 10 + d; fractionDigits += 1 }
                i += 1
            }
        }
        guard sawDigit else { return .failure(.syntax) }
        var exponent = 0
        if i < n, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { expNegative = s[i] == UInt8(ascii: "-"); i += 1 }
            guard i < n, s[i] &- 48 < 10 else { return .failure(.syntax) }
            while i < n, s[i] &- 48 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(s[i] &- 48) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        guard i == n else { return .failure(.syntax) }
        let e10 = exponent + dropped - fractionDigits
        if dropped == 0, mantissa < (1 << 53), abs(e10) <= 22 {
            var v = Double(mantissa)
            v = e10 >= 0 ? v * exactPowers[e10] : v / exactPowers[-e10]
            return .success(negative ? -v : v)
        }
        return slowPath(s)
    }

    private static func slowPath(_ s: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        var buffer = [CChar](repeating: 0, count: s.count + 1)
        for k in 0..<s.count { buffer[k] = CChar(bitPattern: s[k]) }
        let v = buffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        return v.isFinite ? .success(v) : .failure(.outOfRange)
    }
}
