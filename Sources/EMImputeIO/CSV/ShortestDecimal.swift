/// Formats an imputed value as the shortest decimal text that reads back as the same Double.
public enum ShortestDecimal {
    /// The shortest decimal text that parses back to `v` ("12", "0.1", "1e-05").
    public static func format(_ v: Double) -> String {
        // Swift's description is the shortest round-tripping digit string; drop a bare ".0".
        var s = v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        if s == "-0" { s = "0" }
        return s
    }

    /// Appends `format(v)`'s bytes to `output` without making a `String`: pass 2 writes
    /// every imputed number this way.
    ///
    /// The text comes from the standard library's own shortest round-trip formatter, the one
    /// `Double.description` runs, through its stable entry point `swift_float64ToString`
    /// (kept for the ABI): into a 32-byte buffer filled with "0" characters first, as
    /// `description` fills its own (since Swift 6.2 the formatter relies on it). Then the
    /// same two spelling rules as `format`; non-finite values take `format` itself. Tests
    /// compare the two on millions of doubles of every magnitude.
    @inline(__always)
    static func append(_ v: Double, to output: inout [UInt8]) {
        guard v.isFinite else { output.append(contentsOf: format(v).utf8); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            let base = buffer.baseAddress!
            base.initialize(repeating: UInt8(ascii: "0"), count: 32)
            var length = Int(truncatingIfNeeded: _shortestDecimalDigits(base, 32, v, false))
            // "12.0" → "12"; "-0.0" → "-0" → "0".
            if length >= 2, base[length - 2] == UInt8(ascii: "."), base[length - 1] == UInt8(ascii: "0") { length -= 2 }
            if length == 2, base[0] == UInt8(ascii: "-"), base[1] == UInt8(ascii: "0") {
                output.append(UInt8(ascii: "0"))
                return
            }
            output.append(contentsOf: UnsafeBufferPointer(start: base, count: length))
        }
    }
}

/// The Swift runtime's shortest round-trip formatter for a Double, the one behind
/// `Double.description` (`debug` false) and `debugDescription` (true): writes at most
/// `capacity` bytes at `buffer` and returns how many.
@_silgen_name("swift_float64ToString")
private func _shortestDecimalDigits(_ buffer: UnsafeMutablePointer<UInt8>, _ capacity: UInt, _ value: Double, _ debug: Bool) -> UInt64
