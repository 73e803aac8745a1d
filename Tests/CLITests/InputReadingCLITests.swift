import Foundation
import Testing

/// Issue 11, items 6, 18, 26, 27 and 28 (part), as a user meets them with the built binary.
/// Each test says what the old binary did.
@Suite("reading the input from the command line")
struct InputReadingCLITests {
    /// Old: exit 0, "missing: 0 of 5 modelled cells", no warning, no warning in the report.
    @Test func aDecimalCommaColumnIsReported() throws {
        let folder = try CLIRunner.temporaryFolder()
        let report = folder + "/report.json"
        let r = try CLIRunner.run(["impute", "-", "--delimiter", ";", "-o", folder + "/out.csv", "--report", report],
                                  stdin: Data("x;y\n1,5;2\n2,5;3\n;5\n4,1;4\n5,2;7\n".utf8))
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: column 'x' (column 1) was read as text, so its missing cells were not imputed, although 4 of its 4 non-missing cell(s) are numbers: 4 cell(s) are numbers with a decimal comma (e.g. '1,5')"))
        #expect(r.stderr.contains("  remedy: write the numbers with a decimal point"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        let codes = (json["warnings"] as! [[String: Any]]).map { $0["code"] as! String }
        #expect(codes.first == "textLooksNumeric")
        #expect(SchemaValidator.problems(json, ReportSchemaTests.schema).isEmpty)
    }

    /// Old: exit 0, the `n/a` column silently text.
    @Test func anUndeclaredCodeIsNamedWithItsCount() throws {
        let csv = "x,y\n" + (0..<10).map { "\($0 < 6 ? "n/a" : String($0)),\($0)" }.joined(separator: "\n") + "\n"
        let r = try CLIRunner.run(["describe", "-"], stdin: Data(csv.utf8))
        #expect(r.status == 0)
        #expect(r.stdoutText.contains("6 cell(s) are 'n/a', which is not a missing-value code"))
        #expect(r.stdoutText.contains("add --na 'n/a'"))
    }

    /// Old: exit 0, nothing said about the cut line.
    @Test func aStreamCutOffMidLineIsReported() throws {
        let r = try CLIRunner.run(["impute", "-"], stdin: Data("x,y,z\n1,2,3\n2,3,1\n,5,2\n4,4,1\n5,7,".utf8))
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: the input does not end with a line end: its last line (line 6: '5,7,') may have been cut off"))
    }

    /// Old: exit 66, "cannot open: cannot create a temporary file to hold the input. Check the
    /// path and permissions."
    @Test func aMissingTMPDIRIsNamedAndIs73() throws {
        let missing = try CLIRunner.temporaryFolder() + "/no-such-folder"
        let r = try CLIRunner.run(["impute", "-"], stdin: Data("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n".utf8), environment: ["TMPDIR": missing])
        #expect(r.status == 73)
        #expect(r.stderr.contains("in the folder '\(missing)/'"))
        #expect(r.stderr.contains("Set TMPDIR to a writable folder"))
        #expect(!r.stderr.contains("Check the path and permissions"))
    }

    /// Old: `--na ' 41 '` matched nothing; the 41 was modelled as a value.
    @Test func aCodeWithSpacesMatches() throws {
        let r = try CLIRunner.run(["impute", "-", "--na", " 41 ", "--quiet"], stdin: Data("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n4,41\n".utf8))
        #expect(r.status == 0)
        let last = simpleRows(r.stdoutText).last!
        #expect(last[0] == "4" && last[1] != "41" && Double(last[1]) != nil)
    }

    /// Old: the byte-order mark was printed raw, so the cell read as `'2'`, and `--na` was
    /// offered with it.
    @Test func aMidLineByteOrderMarkIsVisible() throws {
        let r = try CLIRunner.run(["impute", "-"], stdin: Data(Array("x,y\n1,".utf8) + [0xEF, 0xBB, 0xBF] + Array("2\n2,3\n3,4\n".utf8)))
        #expect(r.status == 65)
        #expect(r.stderr.contains("line 2 '<U+FEFF>2' (not a number)"))
        #expect(!r.stderr.unicodeScalars.contains("\u{FEFF}"))
    }
}
