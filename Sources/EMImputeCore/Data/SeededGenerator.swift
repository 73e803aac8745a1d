/// SplitMix64: a small, fast, seedable generator, so random starts are reproducible on
/// every platform (the standard library's generator is not seedable).
package struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    package init(seed: UInt64) { state = seed }

    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller; the second value is dropped for simplicity).
    mutating func nextNormal() -> Double {
        let u1 = (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
        let u2 = Double(next() >> 11) / 9_007_199_254_740_992.0
        return (-2 * _logDouble(u1)).squareRoot() * _cosDouble(2 * Double.pi * u2)
    }
}

import Foundation
@inline(__always) private func _logDouble(_ x: Double) -> Double { log(x) }
@inline(__always) private func _cosDouble(_ x: Double) -> Double { cos(x) }
