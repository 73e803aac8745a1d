// Issue 16, session 5: the t's Σ log(1 + δ²/ν) by running products (`LogOnePlusSum`) agrees
// with adding `log1p`s, from the tiny terms of ν = 10¹² to terms that overflow any product.

@testable import EMImputeCore
import Foundation
import Testing

@Suite("StudentT: log-sum by running products")
struct StudentTLogSumTests {
    /// Σ log1p(x) with compensated (Neumaier) summation: the yardstick.
    private func reference(_ values: [Double]) -> Double {
        var sum = 0.0, compensation = 0.0
        for v in values {
            let term = log1p(v), t = sum + term
            compensation += abs(sum) >= abs(term) ? (sum - t) + term : (term - t) + sum
            sum = t
        }
        return sum + compensation
    }

    private func viaProducts(_ values: [Double]) -> Double {
        var s = LogOnePlusSum()
        for v in values { s.add(v) }
        return s.sum
    }

    @Test("agrees with Σ log1p to 1e-12 relative for tiny, moderate, large and overflowing terms", arguments: [
        1e-11, 1e-3, 0.5, 3.0, 1e6, 1e200,
    ])
    func agreesWithLog1p(scale: Double) {
        var g = SplitMix(state: scale.bitPattern)
        let values = (0..<20_000).map { _ in scale * Double.random(in: 0...2, using: &g) }
        let a = viaProducts(values), b = reference(values)
        #expect(abs(a - b) <= 1e-12 * abs(b), "\(a) vs \(b): \(abs(a - b) / abs(b))")
    }

    @Test("slightly negative terms (δ² rounded below 0), a single huge term, empty, and NaN")
    func edges() {
        #expect(viaProducts([]) == 0)
        let mixed = [-1e-17, 2.0, 1e300, 0.25, -1e-16]
        #expect(abs(viaProducts(mixed) - reference(mixed)) <= 1e-13 * reference(mixed))
        #expect(viaProducts([1, .nan, 2]).isNaN)
    }
}

/// SplitMix64: enough randomness for test values, the same on every platform.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
