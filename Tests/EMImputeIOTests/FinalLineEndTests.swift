import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 26: a stream cut off mid-line (`…,5,` and no line end) was imputed without a
/// warning. Old code: `LoadedTable` had no warnings, and the cut cell was imputed silently.
@Suite("Final line end")
struct FinalLineEndTests {
    @Test func aCutOffLastLineIsNamed() throws {
        let t = try load("x,y,z\n1,2,3\n2,3,1\n,5,2\n4,4,1\n5,7,")
        #expect(t.warnings == [.missingFinalLineEnd(line: 6, text: "5,7,")])
        #expect(t.warnings.first?.description.contains("line 6: '5,7,'") == true)
    }

    @Test(arguments: ["x,y\n1,2\n", "x,y\r\n1,2\r\n", "x,y\r1,2\r", "x,y\n1,2\n\n", "x,y\n1,2\n   "])
    func aCompleteInputGivesNoWarning(csv: String) throws {
        #expect(try load(csv).warnings.isEmpty)
    }

    @Test func aLongLastLineIsShortened() throws {
        let long = (0..<40).map(String.init).joined(separator: ",")
        let t = try load((0..<40).map { "c\($0)" }.joined(separator: ",") + "\n" + long)
        guard case .missingFinalLineEnd(let line, let text)? = t.warnings.first else { Issue.record("no warning"); return }
        #expect(line == 2)
        #expect(text == String(long.prefix(InputEnding.shownLength)) + "…")
    }

    /// The end is found whatever pieces the stream comes in.
    @Test func theEndingDoesNotDependOnPieces() {
        let bytes = Array("a,b\n1,2\n3,4".utf8)
        for cut in 0...bytes.count {
            var ending = InputEnding()
            bytes[..<cut].withUnsafeBytes { ending.update($0) }
            bytes[cut...].withUnsafeBytes { ending.update($0) }
            #expect(!ending.endsWithLineEnd && ending.lastLineStart == Array("3,4".utf8), "cut at \(cut)")
        }
    }

    /// `apply` reads with the same reader and reports the same warning.
    @Test func applyWarnsToo() throws {
        let table = try load("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n")
        let model = try GaussianEM().fit(table.matrix).model
        let out = NSTemporaryDirectory() + "/emimpute-apply-\(UUID().uuidString).csv"
        let target = try OutputTarget.file(out)
        defer { target.abandon() }
        let summary = try ModelApplier.apply(model, input: temporaryFile("x,y\n1,2\n,5"), options: CSVReadOptions(), output: target)
        #expect(summary.warnings == [.missingFinalLineEnd(line: 3, text: ",5")])
    }
}
