import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, items 15, 21 and 24: one header-naming rule (`HeaderNames`) for the loader and
/// `apply`. Each test says how the old code failed.
@Suite("Header naming")
struct HeaderNamingTests {
    private static func names(_ header: String) throws -> [String] {
        try load(header + "\n" + header.split(separator: ",", omittingEmptySubsequences: false).map { _ in "1" }.joined(separator: ",") + "\n")
            .columns.map(\.name)
    }

    /// Old: "column name 'V2' is used again" — the empty cell was named V2 like the first.
    @Test func anEmptyCellNeverTakesARealName() throws {
        #expect(try Self.names("V2,") == ["V2", "V2_2"])
        #expect(try Self.names(",V1") == ["V1_2", "V1"])
        #expect(try Self.names(",V1,V1_2") == ["V1_3", "V1", "V1_2"])
        #expect(try Self.names("a,,c") == ["a", "V2", "c"])
    }

    /// Old: `" x "` kept its spaces, so `--columns x` (trimmed by the CLI) never found it.
    @Test func namesAreTrimmedAsCellsAre() throws {
        let t = try load("\" x \",\"\ty\"\n1,2\n3,4\n") { $0.columns = ["x"] }
        #expect(t.columns.map(\.name) == ["x", "y"])
        #expect(t.modelledNames == ["x"])
        let dup = csvError { _ = try load("a,\" a\"\n1,2\n") }
        #expect(dup?.kind == .duplicateColumnName(name: "a", firstColumn: 1))
        // A cell of spaces only is an empty name.
        #expect(try Self.names("a,\"  \"") == ["a", "V2"])
    }

    @Test func withoutAHeaderColumnsArePositional() {
        #expect(HeaderNames.positional(count: 3) == ["V1", "V2", "V3"])
    }

    /// Fits `csv` and applies the model to the same file; returns apply's output.
    private static func fitAndApply(_ csv: String) throws -> String {
        let path = temporaryFile(csv)
        let table = try CSVLoader.load(path)
        let model = try GaussianEM().fit(table.matrix).model
        let out = NSTemporaryDirectory() + "/emimpute-apply-\(UUID().uuidString).csv"
        let target = try OutputTarget.file(out)
        _ = try ModelApplier.apply(model, input: path, options: CSVReadOptions(), output: target)
        try target.commit()
        return try String(contentsOfFile: out, encoding: .utf8)
    }

    /// Old: "the model needs column 'V2', which the input lacks" — impute named the empty
    /// header cell V2, apply named it "".
    @Test func applyAcceptsTheFileTheModelWasFittedOn() throws {
        let csv = "x,\n1,2\n2,3\n,5\n4,4\n5,7\n"
        let out = try Self.fitAndApply(csv)
        let rows = out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 6)
        #expect(rows[0] == ["x", ""])
        #expect(rows[3].count == 2 && rows[3][1] == "5" && Double(rows[3][0]) != nil)
        // And with a header whose made-up name had to step aside.
        let stepped = try Self.fitAndApply("V2,\n1,2\n2,3\n,5\n4,4\n5,7\n")
        #expect(stepped.split(separator: "\n").count == 6)
    }

    /// Old: apply accepted `x,y,x` and left the second `x` as written (`NA`), unimputed.
    @Test func applyRejectsDuplicateNames() throws {
        let table = try load("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n")
        let model = try GaussianEM().fit(table.matrix).model
        let path = temporaryFile("x,y,x\n1,2,3\nNA,5,NA\n")
        let out = NSTemporaryDirectory() + "/emimpute-apply-\(UUID().uuidString).csv"
        let target = try OutputTarget.file(out)
        defer { target.abandon() }
        let error = csvError { _ = try ModelApplier.apply(model, input: path, options: CSVReadOptions(), output: target) }
        #expect(error?.kind == .duplicateColumnName(name: "x", firstColumn: 1))
        #expect(error?.line == 1 && error?.column == 3)
    }
}
