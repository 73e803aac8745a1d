// `impute --imputations M` and `--sd-output` with `--model mixture` and `--model t`, through
// the built binary (both were refused before: "--imputations applies to --model gaussian").

import Foundation
import Testing

@Suite struct ModelMultipleImputationCLITests {
    static func fields(_ path: String) throws -> [[Substring]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    @Test("--model mixture/t --imputations 3: M files with the observed cells byte-exact and differing draws; a pooled section in the report", arguments: ["mixture", "t"])
    func files(model: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        var arguments = ["impute", input, "--model", model, "--imputations", "3", "-q", "-o", folder + "/out.csv", "--report", folder + "/r.json"]
        if model == "mixture" { arguments += ["--components", "2"] }
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let original = try Self.fields(input)
        var drawn: [[Substring]] = []
        for m in 1...3 {
            let out = try Self.fields(folder + "/out-\(m).csv")
            #expect(out.count == original.count)
            var cells: [Substring] = []
            for (a, b) in zip(original, out) {
                for (x, y) in zip(a, b) {
                    if x == "NA" { #expect(Double(y)?.isFinite == true); cells.append(y) } else { #expect(x == y) }
                }
            }
            #expect(cells.count == 44)
            drawn.append(cells)
        }
        #expect(drawn[0] != drawn[1] && drawn[1] != drawn[2])
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let mi = try #require(report["multipleImputation"] as? [String: Any])
        #expect(mi["imputations"] as? Int == 3)
        #expect((mi["method"] as? String)?.contains(model == "t" ? "multivariate t" : "mixture") == true)
        #expect((mi["pooledMeans"] as? [[String: Any]])?.count == 6)
    }

    @Test("--model mixture/t --imputations: the long CSV is the same for 1 and 3 threads", arguments: ["mixture", "t"])
    func threads(model: String) throws {
        var common = ["impute", CLIRunner.dataset("airquality.csv"), "--model", model, "--imputations", "2", "-q", "--seed", "4"]
        if model == "mixture" { common += ["--components", "2"] }
        let one = try CLIRunner.run(common + ["--threads", "1"])
        let three = try CLIRunner.run(common + ["--threads", "3"])
        #expect(one.status == 0 && three.status == 0, "\(one.stderr)")
        #expect(!one.stdout.isEmpty && one.stdout == three.stdout)
    }

    @Test("--sd-output with --model mixture/t writes what apply --sd-output writes with the saved model", arguments: ["mixture", "t"])
    func standardDeviations(model: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        var arguments = ["impute", input, "--model", model, "-q", "-o", folder + "/o.csv", "--save-model", folder + "/m.json", "--sd-output", folder + "/a.csv"]
        if model == "mixture" { arguments += ["--components", "2"] }
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let b = try CLIRunner.run(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/p.csv", "--sd-output", folder + "/b.csv"])
        #expect(b.status == 0, "\(b.stderr)")
        let ours = try String(contentsOfFile: folder + "/a.csv", encoding: .utf8)
        #expect(ours.hasPrefix("row,column,imputed,conditional_sd\n"))
        #expect(ours.split(separator: "\n").count == 45)
        #expect(ours == (try String(contentsOfFile: folder + "/b.csv", encoding: .utf8)))
    }
}
