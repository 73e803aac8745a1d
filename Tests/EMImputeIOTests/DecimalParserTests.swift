import Foundation
import Testing
@testable import EMImputeIO

/// `DecimalParser` against `strtod`, bit for bit: its fast path (digits eight at a time,
/// Clinger's exact product) must give exactly what the correctly rounded C parser gives.
@Suite("Decimal parser")
struct DecimalParserTests {
    private func parse(_ s: String) -> Result<Double, DecimalParser.Failure> {
        Array(s.utf8).withUnsafeBufferPointer { DecimalParser.parse($0) }
    }

    /// What the parser must answer for a string of its grammar: strtod's value, or
    /// `.outOfRange` where strtod overflows.
    private func expectAsStrtod(_ s: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reference = strtod(s, nil)
        switch parse(s) {
        case .success(let v):
            #expect(reference.isFinite && v.bitPattern == reference.bitPattern, "\(s): \(v) against strtod's \(reference)",
                    sourceLocation: sourceLocation)
        case .failure(let why):
            #expect(!reference.isFinite && why == .outOfRange, "\(s): \(why) against strtod's \(reference)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func edgeCasesAreStrtods() {
        let cases = [
            "0", "-0", "+0", "-0.0", "0e0", "-0e-5", "0.000", "-.0", "00000000000000000000000000",
            "1", "-1", "+1", "1.", ".5", "5.", "1E3", "1e+3", "1e-3", "-0.25e-2",
            "1e22", "1e23", "-1e22", "1e-22", "1e-23", "123456789e22", "123456789e-22",
            "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740994.5",
            "123456789012345678", "1234567890123456789", "12345678901234567890", "98765432109876543210987",
            "0.1", "0.2", "0.3", "0.30000000000000004", "3.141592653589793", "2.718281828459045235360287",
            "1.00000000000000000000", "100000000000000000000000", "0.00000000000000000000001",
            "00000000012345678", "12345678.12345678", "99999999", "99999999.99999999", "00000000.00000000e+00",
            "-0.4320343696", "12.8486829", "0.0000012345", "1234567.0", "12345678", "123456789", "1234567890123456",
            "2.2250738585072011e-308", "2.2250738585072014e-308", "4.9e-324", "5e-324", "2e-324", "2.5e-324",
            "1e-400", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309",
            "1e99999999999", "1e-99999999999", "0e99999999999", "-1e400", "8.98846567431158e307",
        ]
        for s in cases { expectAsStrtod(s) }
    }

    /// Seeded random numbers of every shape: signs, leading and trailing zeros, 1 to 25
    /// digits around the point, exponents near and beyond the fast path's ±22 and the
    /// Double's range.
    @Test func randomDecimalsAreStrtods() {
        var g = SplitMix64(seed: 0xDEC1_3A15)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &g))) }) }
        for _ in 0..<200_000 {
            var s = ["", "", "-", "+"][Int.random(in: 0..<4, using: &g)]
            if Int.random(in: 0..<4, using: &g) == 0 { s += String(repeating: "0", count: Int.random(in: 1...12, using: &g)) }
            let integerDigits = Int.random(in: 0...(Bool.random(using: &g) ? 3 : 25), using: &g)
            s += digits(integerDigits)
            if Bool.random(using: &g) {
                s += "." + digits(Int.random(in: integerDigits == 0 ? 1...25 : 0...25, using: &g))
                if Int.random(in: 0..<4, using: &g) == 0 { s += String(repeating: "0", count: Int.random(in: 1...12, using: &g)) }
            } else if integerDigits == 0 {
                s += digits(1)
            }
            switch Int.random(in: 0..<6, using: &g) {
            case 0: s += "e\(Int.random(in: -30...30, using: &g))"
            case 1: s += ["E", "e+", "e-"][Int.random(in: 0..<3, using: &g)] + digits(Int.random(in: 1...3, using: &g))
            case 2: s += "e\(Int.random(in: -340...310, using: &g))"
            default: break
            }
            expectAsStrtod(s)
        }
    }

    /// The grammar, written plainly: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
    private func isNumberSyntax(_ s: String) -> Bool {
        var c = Array(s.utf8)[...]
        func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
        if let f = c.first, f == 43 || f == 45 { c = c.dropFirst() }
        let whole = c.prefix(while: isDigit).count
        c = c.dropFirst(whole)
        var fraction = 0
        if c.first == 46 { c = c.dropFirst(); fraction = c.prefix(while: isDigit).count; c = c.dropFirst(fraction) }
        guard whole + fraction > 0 else { return false }
        if let e = c.first, e == 101 || e == 69 {
            c = c.dropFirst()
            if let f = c.first, f == 43 || f == 45 { c = c.dropFirst() }
            let exponent = c.prefix(while: isDigit).count
            guard exponent > 0 else { return false }
            c = c.dropFirst(exponent)
        }
        return c.isEmpty
    }

    /// Random strings over the grammar's bytes and a few others (spaces included: trimming is
    /// the caller's, `ColumnTally`'s): accepted exactly when the grammar says so, then as strtod.
    @Test func syntaxIsTheGrammar() {
        var g = SplitMix64(seed: 0x5_7A_C5)
        let alphabet = Array("0123456789012345678901234567890123456789..eE+-  x\t,".utf8)
        var accepted = 0
        for _ in 0..<100_000 {
            let s = String(decoding: (0..<Int.random(in: 0...14, using: &g)).map { _ in alphabet.randomElement(using: &g)! }, as: UTF8.self)
            if isNumberSyntax(s) {
                accepted += 1
                expectAsStrtod(s)
            } else {
                #expect(parse(s) == .failure(.syntax), "\(s)")
            }
        }
        #expect(accepted > 10_000)
        for s in [" 1", "1 ", "\t2", "0x10", "inf", "nan", "1e", "e5", "--1", "1.2.3", "", ".", "+", "-.", ".e1", "1,5"] {
            #expect(parse(s) == .failure(.syntax), "\(s)")
        }
    }
}
