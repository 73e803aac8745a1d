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
        // Digits accumulate into a UInt64; more than 19 of them (which could overflow) go to strtod.
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < n, s[i] &- 48 < 10 { mantissa = mantissa &* 10 &+ UInt64(s[i] &- 48); i += 1 }
        var digits = i - integerStart
        var fractionDigits = 0
        if i < n, s[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < n, s[i] &- 48 < 10 { mantissa = mantissa &* 10 &+ UInt64(s[i] &- 48); i += 1 }
            fractionDigits = i - fractionStart
            digits += fractionDigits
        }
        guard digits > 0 else { return .failure(.syntax) }
        var exponent = 0
        if i < n, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < n, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { exponentNegative = s[i] == UInt8(ascii: "-"); i += 1 }
            guard i < n, s[i] &- 48 < 10 else { return .failure(.syntax) }
            while i < n, s[i] &- 48 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(s[i] &- 48) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        guard i == n else { return .failure(.syntax) }
        // Clinger's fast path: an exact integer mantissa times an exact power of ten, one rounding.
        let e10 = exponent - fractionDigits
        if digits <= 19, mantissa < (1 << 53), abs(e10) <= 22 {
            let v = Double(mantissa)
            let r = e10 >= 0 ? v * exactPowers[e10] : v / exactPowers[-e10]
            return .success(negative ? -r : r)
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
