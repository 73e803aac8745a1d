import Foundation
import Testing
@testable import EMImputeIO

/// The writer formats imputed numbers into its buffer (`ShortestDecimal.append`) instead of
/// making a `String`: the bytes must be exactly `ShortestDecimal.format`'s (Swift's
/// `description`, less a bare ".0" and the sign of zero) for every double.
@Suite("Shortest decimal into a buffer")
struct ShortestDecimalTests {
    /// The values where `format` differs from `append`, at most `limit` of them.
    static func mismatches(_ values: [Double], limit: Int = 5) -> [String] {
        var out: [String] = []
        var buffer: [UInt8] = [0x7C]  // appended after what is there
        for v in values {
            buffer.removeSubrange(1...)
            ShortestDecimal.append(v, to: &buffer)
            let expected = [0x7C] + Array(ShortestDecimal.format(v).utf8)
            if buffer != expected, out.count < limit {
                out.append("\(v.bitPattern): \(String(decoding: buffer, as: UTF8.self)) ≠ \(String(decoding: expected, as: UTF8.self))")
            }
        }
        return out
    }

    @Test func randomBitPatterns() {
        var generator = SplitMix64(seed: 13)
        let values = (0..<300_000).map { _ in Double(bitPattern: generator.next()) }
        #expect(Self.mismatches(values).isEmpty)
    }

    /// Values of the kind imputation writes: ordinary magnitudes of both signs.
    @Test func ordinaryMagnitudes() {
        var generator = SplitMix64(seed: 14)
        var values: [Double] = []
        for _ in 0..<200_000 {
            let u = Double(generator.next() >> 11) * 0x1p-53
            let scale = [1e-6, 1e-3, 0.1, 1, 10, 1000, 1e6, 1e12][Int(generator.next() % 8)]
            values.append((u - 0.5) * scale)
        }
        #expect(Self.mismatches(values).isEmpty)
    }

    /// Integers (rounded imputations), the edge of exact integers (2⁵³) and beyond 10¹⁶,
    /// powers of ten on both sides of the switch to exponents, subnormals, zeros, the extremes.
    @Test func edges() {
        var values: [Double] = [0, -0.0, 1, -1, 12, -7, 0.1, 0.5, 1e-4, 1e-5, 0.30000000000000004,
                                .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                .leastNormalMagnitude.nextDown, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                .infinity, -.infinity, .nan]
        for k in -30...30 {
            let p = pow(10.0, Double(k))
            values += [p, -p, p.nextUp, p.nextDown, 1.5 * p, 9.999999999999999 * p]
        }
        for e in 50...60 {
            let t = pow(2.0, Double(e))
            values += [t, t - 1, t + 2, -t, t.nextDown, t.nextUp]
        }
        for i in -10_000...10_000 { values += [Double(i), Double(i) * 1e14, Double(i) / 8] }
        var generator = SplitMix64(seed: 15)
        // Subnormals.
        for _ in 0..<20_000 { values.append(Double(bitPattern: generator.next() & 0x000F_FFFF_FFFF_FFFF)) }
        #expect(Self.mismatches(values).isEmpty)
        var zero: [UInt8] = []
        ShortestDecimal.append(-0.0, to: &zero)
        #expect(zero == Array("0".utf8))
        var integer: [UInt8] = []
        ShortestDecimal.append(12, to: &integer)
        #expect(integer == Array("12".utf8))
        var large: [UInt8] = []
        ShortestDecimal.append(1e16, to: &large)
        #expect(Double(String(decoding: large, as: UTF8.self)) == 1e16)
    }
}
