import Foundation
import Testing

/// One hostile input and what must happen: a clear error with its exit code, or a result.
struct HostileCase: CustomStringConvertible, Sendable {
    let name: String
    let bytes: [UInt8]
    var arguments: [String] = []
    let status: Int32
    /// Text the error (or warning) message must contain.
    let message: String
    var description: String { name }

    init(_ name: String, _ text: String, _ arguments: [String] = [], status: Int32, message: String) {
        self.init(name, bytes: Array(text.utf8), arguments, status: status, message: message)
    }

    init(_ name: String, bytes: [UInt8], _ arguments: [String] = [], status: Int32, message: String) {
        self.name = name
        self.bytes = bytes
        self.arguments = arguments
        self.status = status
        self.message = message
    }
}

private let wideHeader = (0..<10_000).map { "c\($0)" }.joined(separator: ",")
private let wideRows = (0..<3).map { r in (0..<10_000).map { String(($0 * (r + 1)) % 7) }.joined(separator: ",") }

@Suite("hostile inputs")
struct HostileInputTests {
    static let cases: [HostileCase] = [
        HostileCase("too few fields", "a,b,c\n1,2,3\n4,5\n", status: 65, message: "in.csv:3: this row has 2 field(s) but the header has 3"),
        HostileCase("too many fields", "a,b\n1,2\n3,4,5\n", status: 65, message: "in.csv:3: this row has 3 field(s) but the header has 2"),
        HostileCase("unterminated quote", "a,b\n1,\"2\n3,4\n", status: 65, message: "a quoted field is never closed"),
        HostileCase("stray quote", "a,b\n1,2\n3,4\"\n", status: 65, message: "in.csv:3: malformed quoting"),
        HostileCase("empty file", "", status: 65, message: "the file is empty"),
        HostileCase("header only", "a,b,c\n", status: 65, message: "there is a header but no data rows"),
        HostileCase("duplicate column names", "a,b,a\n1,2,3\n", status: 65, message: "in.csv:1:3: column name 'a' is used again (first at column 1)"),
        HostileCase("NUL byte", bytes: Array("a,b\n1,2\n3,".utf8) + [0, 0x34] + Array("\n5,6\n7,8\n".utf8), status: 65, message: "line 3 '\\x004'"),
        HostileCase("invalid UTF-8", bytes: Array("a,b\n1,2\n3,".utf8) + [0xFF, 0xFE] + Array("\n5,6\n7,8\n".utf8), status: 65, message: "line 3 '\\xFF\\xFE'"),
        // Byte k is 243·k mod 256 (`>>` binds tighter than `&*`): a comma at k = 36, the first
        // newline at 78, then a quote inside the second record's first field (k = 214).
        // (Any error used to pass.)
        HostileCase("binary garbage", bytes: (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }, status: 65,
                    message: "in.csv:2: malformed quoting"),
        HostileCase("10,000 numeric columns", ([wideHeader] + wideRows).joined(separator: "\n") + "\n", status: 65, message: "10000 modelled columns exceed the limit"),
        HostileCase("one data row", "a,b\n1,2\n", status: 65, message: "1 usable row(s) for 2 modelled column(s): at least two rows"),
        HostileCase("p ≥ n", "a,b,c\n1,2,3\n4,5,7\n", status: 65, message: "2 usable row(s) for 3 modelled columns"),
        HostileCase("constant column", "a,b\n1,5\n2,5\n3,\n4,5\n", status: 65, message: "column 'b' is constant"),
        HostileCase("collinear columns", "a,b,c\n1,2,1\n2,4,0\n3,6,5\n4,8,2\n5,10,3\n", status: 65, message: "columns 'a', 'b' are linearly dependent"),
        HostileCase("column with nothing observed", "a,b,c\n1,,3\n2,NA,4\n3,,1\n4,,2\n", status: 65, message: "column 'b' has no observed value"),
        HostileCase("inf", "a,b\n1,2\ninf,3\n4,5\n5,6\n", status: 65, message: "in.csv:3:1: column 'a' is numeric except for 1 cell(s): line 3 'inf'"),
        HostileCase("-inf", "a,b\n1,2\n-inf,3\n4,5\n5,6\n", status: 65, message: "line 3 '-inf'"),
        HostileCase("1e400", "a,b\n1,2\n1e400,3\n4,5\n5,6\n", status: 65, message: "line 3 '1e400' (out of range)"),
        HostileCase("stray word", "a,b\n1,2\n3,4\n5,six\n7,8\n", status: 65, message: "--na 'six'"),
        HostileCase("p ≥ n with a ridge fits", "a,b,c\n1,2,3\n4,5,7\n", ["--ridge", "1"], status: 0, message: "posterior mode"),
        HostileCase("collinear with a ridge fits", "a,b,c\n1,2,1\n2,4,0\n3,6,5\n4,8,2\n5,10,3\n", ["--ridge", "1"], status: 0, message: "ridge"),
        HostileCase("nearly collinear columns", "a,b,c\n1,2.0001,5\n2,3.9999,3\n3,6.0001,1\n4,8,2\n5,9.9999,4\n6,12.0001,2\n", status: 0,
                    message: "columns 'a', 'b' are nearly collinear"),
        HostileCase("row with nothing observed", "a,b\n1,2\nNA,NA\n3,1\n5,7\n2,2\n", status: 0, message: "1 row(s) have every modelled cell missing"),
    ]

    @Test(arguments: cases)
    func clearErrorOrCorrectResult(_ c: HostileCase) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = folder + "/in.csv"
        FileManager.default.createFile(atPath: input, contents: Data(c.bytes))
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/out.csv"] + c.arguments)
        #expect(r.status == c.status, "\(r.stderr)")
        #expect(r.stderr.contains(c.message), "\(r.stderr)")
        if c.status == 0 {
            #expect(FileManager.default.fileExists(atPath: folder + "/out.csv"))
        } else {
            #expect(r.stderr.hasPrefix("emimpute: error: "))
            #expect(!r.stderr.contains("Fatal error"))
            // Nothing is left behind but the input, untouched.
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["in.csv"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == Data(c.bytes))
        }
    }

    @Test func aOneMebibyteTextFieldPassesThroughUntouched() throws {
        let folder = try CLIRunner.temporaryFolder()
        let big = String(repeating: "x\"y,", count: 1 << 18)
        let text = "id,note,v\n1,\"\(big.replacingOccurrences(of: "\"", with: "\"\""))\",1.5\n2,short,\n3,\"\",2.5\n4,z,4\n"
        let input = CLIRunner.write(text, in: folder)
        let r = try CLIRunner.run(["impute", input, "--exclude", "id", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdoutText.components(separatedBy: "\n")
        let expected = text.components(separatedBy: "\n")
        #expect(lines[1] == expected[1])
        #expect(lines[2].hasPrefix("2,short,") && Double(lines[2].dropFirst(8)) != nil)
    }

    @Test func extremeMagnitudesInOneFile() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("a,b\n1e300,1e-300\n2e300,3e-300\n,5e-300\n4e300,\n3e300,2e-300\n", in: folder)
        let r = try CLIRunner.run(["impute", input, "-q", "--report", folder + "/r.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = simpleRows(r.stdoutText)
        let a = Double(rows[3][0])!, b = Double(rows[4][1])!
        #expect(a > 1e300 && a < 5e300)
        #expect(b > 1e-300 && b < 5e-300)
        #expect(rows[1] == ["1e300", "1e-300"])
    }

    @Test func missingInputAndUnusableOutputs() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("a,b\n1,2\n2,\n3,5\n4,4\n", in: folder)
        #expect(try CLIRunner.run(["impute", folder + "/absent.csv"]).status == 66)
        #expect(try CLIRunner.run(["impute", folder]).status == 66)
        let noFolder = try CLIRunner.run(["impute", input, "-o", folder + "/absent/out.csv"])
        #expect(noFolder.status == 73)
        #expect(noFolder.stderr.contains("does not exist"))
        // A regular file where the output's folder should be: no user can create anything in it.
        let notAFolder = try CLIRunner.run(["impute", input, "-o", input + "/out.csv"])
        #expect(notAFolder.status == 73)
        #expect(notAFolder.stderr.contains("cannot create the output"))
        // A folder without write permission (root may write anywhere, so only for other users;
        // the test used to try /proc instead, a system path).
        if getuid() != 0 {
            let locked = folder + "/locked"
            try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: false)
            chmod(locked, 0o555)
            defer { chmod(locked, 0o755) }
            let unwritable = try CLIRunner.run(["impute", input, "-o", locked + "/out.csv"])
            #expect(unwritable.status == 73)
            #expect(unwritable.stderr.contains("cannot create the output"))
        }
        let sameAsInput = try CLIRunner.run(["impute", input, "--report", input])
        #expect(sameAsInput.status == 73)
    }
}
