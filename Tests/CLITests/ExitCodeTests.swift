import Foundation
import Testing

@Suite("exit codes and messages")
struct ExitCodeTests {
    @Test func usageErrorsAre64() throws {
        let unknown = try CLIRunner.run(["impute", "x.csv", "--no-such-option"])
        #expect(unknown.status == 64)
        let delimiter = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--delimiter", "ab"])
        #expect(delimiter.status == 64)
        #expect(delimiter.stderr.contains("--delimiter"))
        let tolerance = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--tolerance", "-1"])
        #expect(tolerance.status == 64)
    }

    @Test func badDataIs65WithFileLineAndColumn() throws {
        let folder = try CLIRunner.temporaryFolder()
        let ragged = try CLIRunner.run(["impute", CLIRunner.write("a,b\n1,2\n3\n", in: folder, name: "ragged.csv")])
        #expect(ragged.status == 65)
        #expect(ragged.stderr.contains("emimpute: error: \(folder)/ragged.csv:3: this row has 1 field(s) but the header has 2"))
        let stray = try CLIRunner.run(["impute", CLIRunner.write("a,b\n1,2\n3,4\n5,n/a?\n", in: folder, name: "stray.csv")])
        #expect(stray.status == 65)
        #expect(stray.stderr.contains("stray.csv:4:2: column 'b' is numeric except for 1 cell(s)"))
        #expect(stray.stderr.contains("--na 'n/a?'"))
        let constant = try CLIRunner.run(["impute", CLIRunner.write("a,b\n1,2\n2,2\n3,\n4,2\n", in: folder, name: "constant.csv")])
        #expect(constant.status == 65)
        #expect(constant.stderr.contains("column 'b' is constant"))
        #expect(constant.stderr.contains("--exclude b"))
    }

    @Test func missingInputIs66() throws {
        let r = try CLIRunner.run(["impute", "/nonexistent/data.csv"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("emimpute: error: /nonexistent/data.csv: cannot open: No such file or directory"))
    }

    @Test func internalErrorIs70() throws {
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv")], environment: ["EMIMPUTE_TEST_FAULT": "internal"])
        #expect(r.status == 70)
        #expect(r.stderr.contains("internal error"))
        #expect(r.stdout.isEmpty)
    }

    @Test func unwritableOutputIs73() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "-o", folder + "/absent/out.csv"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("does not exist"))
    }

    @Test func helpHasExamplesAndVersionPrints() throws {
        for command in ["impute", "describe"] {
            let help = try CLIRunner.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdoutText.contains("Examples:"))
        }
        let top = try CLIRunner.run(["--help"])
        #expect(top.stdoutText.contains("Exit codes"))
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }
}
