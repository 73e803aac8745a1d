import Foundation

/// Parses a cell as a finite decimal number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
/// Hexadecimal, `inf`, `nan` and thousands separators are not numbers here.
///
/// Correctly rounded — bit-identical to `strtod` for every input it accepts: the common case
/// (≤ 19 digits forming an integer below 2^53, a decimal exponent within ±22) takes Clinger's
/// exact fast path; everything else goes to `strtod`. Digits are read eight at a time where
/// they can be.
enum DecimalParser {
    /// Why a cell is not a number.
    enum Failure: Error { case syntax, outOfRange }

    @inline(__always)
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        guard let p = s.baseAddress else { return .failure(.syntax) }
        let n = s.count
        var i = 0
        var negative = false
        if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { negative = p[i] == UInt8(ascii: "-"); i += 1 }
        // Digits accumulate into a UInt64 (wrapping); more than 19 of them go to strtod.
        var mantissa: UInt64 = 0
        let integerStart = i
        // Integer parts are mostly short: a digit at a time.
        while i < n, p[i] &- 48 < 10 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48); i += 1 }
        var digits = i - integerStart
        var fractionDigits = 0
        if i < n, p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            i = accumulateDigits(p, from: i, to: n, into: &mantissa)
            fractionDigits = i - fractionStart
            digits += fractionDigits
        }
        guard digits > 0 else { return .failure(.syntax) }
        var exponent = 0
        if i < n, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < n, p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") { exponentNegative = p[i] == UInt8(ascii: "-"); i += 1 }
            guard i < n, p[i] &- 48 < 10 else { return .failure(.syntax) }
            while i < n, p[i] &- 48 < 10 {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] &- 48) }
                i += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        guard i == n else { return .failure(.syntax) }
        // Clinger's fast path: an exact integer mantissa (< 2^53) times or divided by an
        // exact power of ten (10^22 is the largest power of ten a Double holds exactly): one
        // correctly rounded operation, which is strtod's result.
        let e10 = exponent - fractionDigits
        if digits <= 19, mantissa < (1 << 53), e10 >= -22, e10 <= 22 {
            let v = Double(mantissa)
            let r = e10 >= 0 ? v * exactPower(e10) : v / exactPower(-e10)
            return .success(negative ? -r : r)
        }
        return slowPath(s)
    }

    /// Adds the run of digits from `start` (before `end`) to `mantissa`, eight at a time where
    /// eight remain; returns the index after the run.
    @inline(__always)
    private static func accumulateDigits(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int, into mantissa: inout UInt64) -> Int {
        var i = start
        while end - i >= 8, let eight = eightDigits(p + i) {
            mantissa = mantissa &* 100_000_000 &+ eight
            i += 8
        }
        while i < end, p[i] &- 48 < 10 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48); i += 1 }
        return i
    }

    /// The value of eight ASCII digits at `p` (the first the most significant), or nil when
    /// one of the bytes is not a digit (simdjson's SWAR tests and conversion).
    @inline(__always)
    private static func eightDigits(_ p: UnsafePointer<UInt8>) -> UInt64? {
        let w = UInt64(littleEndian: UnsafeRawPointer(p).loadUnaligned(as: UInt64.self))
        // Every byte is 0x30...0x39: its high nibble is 3, and so is that of byte + 6.
        guard (w & 0xF0F0_F0F0_F0F0_F0F0) | (((w &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) >> 4) == 0x3333_3333_3333_3333 else {
            return nil
        }
        var v = w & 0x0F0F_0F0F_0F0F_0F0F
        v = (v &* 2561) >> 8                                    // pairs of digits
        v = ((v & 0x00FF_00FF_00FF_00FF) &* 6_553_601) >> 16    // groups of four
        return ((v & 0x0000_FFFF_0000_FFFF) &* 42_949_672_960_001) >> 32
    }

    /// 10^k for 0 ≤ k ≤ 22, each exact in a Double (a table, not a lazily built global).
    @inline(__always)
    private static func exactPower(_ k: Int) -> Double {
        switch k {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    private static func slowPath(_ s: UnsafeBufferPointer<UInt8>) -> Result<Double, Failure> {
        var buffer = [CChar](repeating: 0, count: s.count + 1)
        for k in 0..<s.count { buffer[k] = CChar(bitPattern: s[k]) }
        let v = buffer.withUnsafeBufferPointer { strtod($0.baseAddress!, nil) }
        return v.isFinite ? .success(v) : .failure(.outOfRange)
    }
}
