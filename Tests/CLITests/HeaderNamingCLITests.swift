import Foundation
import Testing

/// Issue 11, items 15, 21 and 24, as a user meets them: the commands of the issue, run with
/// the built binary. Each test says what the old binary did.
@Suite("header naming from the command line")
struct HeaderNamingCLITests {
    /// Old: `apply` exit 65, "the model needs column 'V2', which the input lacks".
    @Test func applyAcceptsTheFileTheModelWasFittedOn() throws {
        let folder = try CLIRunner.temporaryFolder()
        let data = CLIRunner.write("x,\n1,2\n2,3\n,5\n4,4\n5,7\n", in: folder)
        let fit = try CLIRunner.run(["impute", data, "--quiet", "-o", folder + "/fit.csv", "--save-model", folder + "/m.json"])
        #expect(fit.status == 0, "\(fit.stderr)")
        let apply = try CLIRunner.run(["apply", "--model", folder + "/m.json", data, "-o", folder + "/applied.csv"])
        #expect(apply.status == 0, "\(apply.stderr)")
        // The same model on the same file: the same completed CSV.
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/applied.csv")) == Data(contentsOf: URL(fileURLWithPath: folder + "/fit.csv")))
    }

    /// Old: exit 65, "column name 'V2' is used again (first at column 1)".
    @Test func aHeaderV2CommaIsRead() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["describe", CLIRunner.write("V2,\n1,2\n2,3\n,5\n4,4\n5,7\n", in: folder)])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = r.stdoutText.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(rows.contains(["V2", "numeric", "4", "1", "20.0"]))
        #expect(rows.contains(["V2_2", "numeric", "5", "0", "0.0"]))
    }

    /// Old: exit 0, the second `x` left as `NA`.
    @Test func applyRejectsDuplicateNames() throws {
        let folder = try CLIRunner.temporaryFolder()
        let fit = try CLIRunner.run(["impute", CLIRunner.write("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n", in: folder), "--quiet",
                                     "-o", folder + "/fit.csv", "--save-model", folder + "/m.json"])
        #expect(fit.status == 0)
        let dup = CLIRunner.write("x,y,x\n1,2,3\nNA,5,NA\n", in: folder, name: "dup.csv")
        let r = try CLIRunner.run(["apply", "--model", folder + "/m.json", dup, "-o", folder + "/out.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("dup.csv:1:3: column name 'x' is used again (first at column 1)"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
    }
}
