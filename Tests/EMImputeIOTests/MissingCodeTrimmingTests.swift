import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 28 (part): cells were trimmed of spaces and tabs, codes were not, so
/// `--na ' 41 '` matched nothing. One rule (`MissingTokens.trimmed`) now serves both.
@Suite("Missing-value code trimming")
struct MissingCodeTrimmingTests {
    /// Old: y's `41` stayed a value (observed 6, missing 1).
    @Test func aCodeWithSpacesMatchesTheTrimmedCell() throws {
        for code in [" 41 ", "\t41", "41  "] {
            let t = try load("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n4, 41\n") { $0.missingTokens += [code] }
            #expect(t.columns[1].missing == 1, "code \(code.debugDescription)")
            #expect(sameValues(column(t, "y"), [2, 3, 5, 4, 7, .nan]))
        }
    }

    @Test func theRuleIsTheSameForCellsCodesAndNames() {
        #expect(MissingTokens.trimmed(" \t a b \t") == "a b")
        #expect(MissingTokens.trimmed(Array(" x ".utf8)) == Array("x".utf8))
        let tokens = MissingTokens(["  n/a "])
        #expect(Array("n/a".utf8).withUnsafeBufferPointer { tokens.matches($0) })
    }

    /// Old: the writer decided whether imputed numbers need respelling from the untrimmed
    /// code, so an imputed 41 was written `41` and read back as missing.
    @Test func anImputedValueEqualToATrimmedCodeIsRespelled() throws {
        let t = try load("x,y\n1,2\n2,41\n") { $0.missingTokens += [" 41 "] }
        let bytes = try completedBytes(t, [41])
        #expect(String(decoding: bytes, as: UTF8.self) == "x,y\n1,2\n2,41.0\n")
    }
}
