import Foundation
import Testing

/// `statistics` → `fit` → `apply` against `impute`, and the refusals of `fit`.
@Suite("statistics and fit commands")
struct StatisticsCommandTests {
    /// `impute` fits the statistics of the same byte ranges that pass 1 reads, so the model
    /// `fit` saves is bit for bit `impute`'s and `apply` writes the same file. Fails on the
    /// row-wise `impute` (the last digits of imputed numbers differ) and if the loader's
    /// ranges were not pass 1's.
    @Test(arguments: [
        ["airquality.csv"],
        ["penguins.csv"],
        ["survey.csv", "--na", "-99", "--exclude", "respondent_id"],
    ])
    func statisticsFitApplyWritesWhatImputeWrites(arguments: [String]) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset(arguments[0])
        let reading = Array(arguments.dropFirst())
        let adjust = arguments[0] == "survey.csv" ? ["--round-integers", "--clamp"] : []
        let imputed = try CLIRunner.run(["impute", input, "-q", "-o", folder + "/impute.csv"] + reading + adjust)
        #expect(imputed.status == 0, "\(imputed.stderr)")
        let stats = try CLIRunner.run(["statistics", input, "-q", "-o", folder + "/s.json"] + reading)
        #expect(stats.status == 0, "\(stats.stderr)")
        let fit = try CLIRunner.run(["fit", "--statistics", folder + "/s.json", "-q", "--save-model", folder + "/m.json"] + adjust)
        #expect(fit.status == 0, "\(fit.stderr)")
        let applied = try CLIRunner.run(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/apply.csv"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/impute.csv"))
        let b = try Data(contentsOf: URL(fileURLWithPath: folder + "/apply.csv"))
        #expect(!a.isEmpty)
        #expect(a == b)
    }

    @Test func fitOfStatisticsFromAFileAndFromStandardInputAgree() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        #expect(try CLIRunner.run(["statistics", input, "-q", "-o", folder + "/file.json", "--threads", "1"]).status == 0)
        #expect(try CLIRunner.run(["statistics", input, "-q", "-o", folder + "/two.json", "--threads", "2"]).status == 0)
        let piped = try CLIRunner.run(["statistics", "-", "-q"], stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
        #expect(piped.status == 0)
        let one = try Data(contentsOf: URL(fileURLWithPath: folder + "/file.json"))
        #expect(one == (try Data(contentsOf: URL(fileURLWithPath: folder + "/two.json"))))
        // A file this small is one range: standard input, read sequentially, gives the same bytes.
        #expect(one == piped.stdout)
    }

    @Test func fitRefusesBatchesWithOtherColumnsAndMissingFiles() throws {
        let folder = try CLIRunner.temporaryFolder()
        let first = CLIRunner.write("x,y\n1,2\n3,\n4,5\n", in: folder, name: "a.csv")
        let second = CLIRunner.write("x,z\n1,2\n3,\n4,5\n", in: folder, name: "b.csv")
        #expect(try CLIRunner.run(["statistics", first, "-q", "-o", folder + "/a.json"]).status == 0)
        #expect(try CLIRunner.run(["statistics", second, "-q", "-o", folder + "/b.json"]).status == 0)
        let mismatched = try CLIRunner.run(["fit", "--statistics", folder + "/a.json", folder + "/b.json"])
        #expect(mismatched.status == 65)
        #expect(mismatched.stderr.contains("different columns: x (numeric), y (numeric) against x (numeric), z (numeric)"))
        let missing = try CLIRunner.run(["fit", "--statistics", folder + "/nope.json"])
        #expect(missing.status == 66)
        let notStatistics = try CLIRunner.run(["fit", "--statistics", first])
        #expect(notStatistics.status == 65)
        #expect(notStatistics.stderr.contains("not a statistics file"))
    }

    @Test func statisticsReportsTheLoadersErrors() throws {
        let folder = try CLIRunner.temporaryFolder()
        let bad = CLIRunner.write("a,b\n1,2\n3,x\n4,5\n6,7\n", in: folder)
        let statistics = try CLIRunner.run(["statistics", bad, "-o", folder + "/s.json"])
        let impute = try CLIRunner.run(["impute", bad, "-o", folder + "/out.csv"])
        #expect(statistics.status == 65)
        #expect(statistics.stderr == impute.stderr)
        #expect(!FileManager.default.fileExists(atPath: folder + "/s.json"))
    }
}
