import Foundation
import Testing

/// `statistics` → `fit` → `apply` against `impute`, and the refusals of `fit`.
@Suite("statistics and fit commands")
struct StatisticsCommandTests {
    /// The fields of one CSV line (quotes kept, so that text compares as written).
    static func fields(_ line: Substring) -> [String] {
        var out: [String] = [], current = "", quoted = false
        for c in line {
            if c == "\"" { quoted.toggle() }
            if c == ",", !quoted { out.append(current); current = "" } else { current.append(c) }
        }
        return out + [current]
    }

    /// Every observed cell byte for byte and every imputed cell to 1e-9 relative: the same
    /// file as `impute` up to the last digits of the imputed numbers, which the statistics
    /// engine sums in another order (equal to 1e-10; see Docs/CLI.md).
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
        let applied = try CLIRunner.run(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/apply.csv"] + reading.filter { $0 != "--exclude" && $0 != "respondent_id" })
        #expect(applied.status == 0, "\(applied.stderr)")
        let a = try String(contentsOfFile: folder + "/impute.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let b = try String(contentsOfFile: folder + "/apply.csv", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(a.count == b.count)
        var differing = 0
        for (x, y) in zip(a, b) where x != y {
            for (u, v) in zip(Self.fields(x), Self.fields(y)) where u != v {
                differing += 1
                guard let p = Double(u), let q = Double(v) else { Issue.record("'\(u)' against '\(v)'"); continue }
                #expect(abs(p - q) <= 1e-9 * max(abs(p), abs(q)), "\(u) against \(v)")
            }
        }
        // Only imputed cells may differ.
        let original = try String(contentsOfFile: input, encoding: .utf8)
        #expect(differing <= original.components(separatedBy: "NA").count + original.components(separatedBy: "-99").count)
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
