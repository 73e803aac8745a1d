import Foundation
import Testing

/// Remedies name only what the command offers (issue #11, item 19).
@Suite("remedies fit the command")
struct RemedyTests {
    @Test func applyNeverSuggestsAnOptionItLacks() throws {
        let folder = try CLIRunner.temporaryFolder()
        let training = CLIRunner.write("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n", in: folder, name: "train.csv")
        let model = folder + "/m.json"
        #expect(try CLIRunner.run(["impute", training, "-o", folder + "/fit.csv", "--save-model", model, "-q"]).status == 0)
        let bad = CLIRunner.write("x,y\n1,2\nn'a,3\n", in: folder, name: "bad.csv")
        let r = try CLIRunner.run(["apply", "--model", model, bad, "-o", folder + "/out.csv"])
        #expect(r.status == 65)
        #expect(!r.stderr.contains("--exclude"), "\(r.stderr)")
        #expect(r.stderr.contains("fit the model again without that column"))
        // The suggested code is quoted so that a shell reads it back as one word.
        #expect(r.stderr.contains(#"--na 'n'\''a'"#), "\(r.stderr)")
        // impute, which can leave a column out, offers that.
        let impute = try CLIRunner.run(["impute", CLIRunner.write("x,y\n1,2\nn'a,3\n4,4\n", in: folder, name: "b2.csv"), "-o", folder + "/o.csv"])
        #expect(impute.status == 65)
        #expect(impute.stderr.contains("--exclude 'x'"), "\(impute.stderr)")
    }

    @Test func applyPrintsTheReadersWarnings() throws {
        let folder = try CLIRunner.temporaryFolder()
        let training = CLIRunner.write("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n", in: folder, name: "train.csv")
        let model = folder + "/m.json"
        #expect(try CLIRunner.run(["impute", training, "-o", folder + "/fit.csv", "--save-model", model, "-q"]).status == 0)
        let cut = CLIRunner.write("x,y\n1,2\n3,", in: folder, name: "cut.csv")
        let r = try CLIRunner.run(["apply", "--model", model, cut, "-o", folder + "/out.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning:"), "\(r.stderr)")
        let quiet = try CLIRunner.run(["apply", "--model", model, cut, "-o", folder + "/out.csv", "-q"])
        #expect(quiet.stderr.isEmpty)
    }
}
