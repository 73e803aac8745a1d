// Issue 16: `impute --model mixture|t`, their saved models and `apply` with them.

import Foundation
import Testing

@Suite("impute --model mixture and t")
struct ModelKindTests {
    private static let penguins = ["--exclude", "year"]

    /// Fits penguins with `arguments`, saving the model and the report.
    private func fit(_ arguments: [String]) throws -> (folder: String, completed: Data, report: [String: Any]) {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-q", "--save-model", folder + "/model.json",
                                   "--report", folder + "/report.json", "-o", folder + "/impute.csv"] + Self.penguins + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))) as! [String: Any]
        return (folder, try Data(contentsOf: URL(fileURLWithPath: folder + "/impute.csv")), report)
    }

    @Test(arguments: [["--model", "mixture", "--components", "2", "--starts", "1"], ["--model", "t"], ["--model", "t", "--df", "4"],
                      ["--model", "t", "--df", "inf"]])
    func applyReproducesImputeForEveryKind(arguments: [String]) throws {
        let (folder, imputed, report) = try fit(arguments)
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model.json"))) as! [String: Any]
        #expect(model["formatVersion"] as? Int == 3)
        #expect(model["kind"] as? String == arguments[1])
        #expect((report["model"] as? [String: Any])?["kind"] as? String == arguments[1])
        let applied = try CLIRunner.run(["apply", "--model", folder + "/model.json", CLIRunner.dataset("penguins.csv"), "-q"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout == imputed)
    }

    @Test func aTWithInfiniteDegreesOfFreedomIsWrittenAsNullAndReadBackAsTheNormal() throws {
        let (folder, imputed, report) = try fit(["--model", "t", "--df", "inf"])
        let t = try #require((report["model"] as? [String: Any])?["t"] as? [String: Any])
        #expect(t["degreesOfFreedom"] is NSNull)
        #expect(t["degreesOfFreedomIsInfinite"] as? Bool == true)
        let text = try String(contentsOfFile: folder + "/model.json", encoding: .utf8)
        #expect(!text.contains("Infinity"))
        let model = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(model["degreesOfFreedomIsInfinite"] as? Bool == true)
        #expect(model["degreesOfFreedom"] == nil || model["degreesOfFreedom"] is NSNull)
        // ν = ∞ is the normal: the same completed file as the Gaussian engine's.
        let (_, gaussian, _) = try fit([])
        let cells = { (d: Data) in String(decoding: d, as: UTF8.self).split(whereSeparator: \.isNewline).flatMap { $0.split(separator: ",") } }
        let a = cells(imputed), b = cells(gaussian)
        #expect(a.count == b.count)
        for (u, v) in zip(a, b) where u != v {
            let x = try #require(Double(u)), y = try #require(Double(v))
            #expect(abs(x - y) <= 1e-6 * max(1, abs(y)), "\(u) vs \(v)")
        }
        // A file claiming both ν = ∞ and a finite ν is refused.
        var broken = model
        broken["degreesOfFreedom"] = 5.0
        try JSONSerialization.data(withJSONObject: broken).write(to: URL(fileURLWithPath: folder + "/broken.json"))
        let r = try CLIRunner.run(["apply", "--model", folder + "/broken.json", CLIRunner.dataset("penguins.csv"), "-q"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("'degreesOfFreedom' must be null when 'degreesOfFreedomIsInfinite' is true"), "\(r.stderr)")
    }

    @Test func theTWeightHistogramCountsEveryRowAndMarksTheExpectedWeight() throws {
        let (_, _, report) = try fit(["--model", "t", "--df", "3"])
        let t = try #require((report["model"] as? [String: Any])?["t"] as? [String: Any])
        let bins = try #require(t["weightHistogram"] as? [[String: Any]])
        #expect(bins.compactMap { $0["rows"] as? Int }.reduce(0, +) == report["rowsUsed"] as? Int)
        #expect(t["expectedWeight"] as? Double == 1)
        // Contiguous bins from 0; the smallest weight falls in the first non-empty bin.
        let lower = bins.compactMap { $0["lower"] as? Double }, upper = bins.compactMap { $0["upper"] as? Double }
        #expect(lower.first == 0 && zip(upper.dropLast(), lower.dropFirst()).allSatisfy { abs($0 - $1) < 1e-12 })
        let smallest = try #require((t["weightQuantiles"] as? [[String: Any]])?.first?["weight"] as? Double)
        let firstFilled = try #require(bins.first { ($0["rows"] as? Int ?? 0) > 0 })
        #expect((firstFilled["lower"] as! Double) <= smallest && smallest < (firstFilled["upper"] as! Double))
    }

    @Test func aMixtureDiffersFromTheGaussianAndItsReportHasTheComponents() throws {
        let (_, mixture, report) = try fit(["--model", "mixture", "--components", "3", "--starts", "1"])
        let (_, gaussian, _) = try fit([])
        #expect(mixture != gaussian)
        let section = try #require((report["model"] as? [String: Any])?["mixture"] as? [String: Any])
        #expect(section["components"] as? Int == 3)
        #expect((section["weights"] as? [Double])?.reduce(0, +).distance(to: 1).magnitude ?? 1 < 1e-9)
        #expect(section["selection"] is NSNull)
    }

    @Test func theBICTableListsEveryComponentCountAndTheChosenOneHasTheLowestBIC() throws {
        let (_, _, report) = try fit(["--model", "mixture", "--max-components", "3", "--starts", "1"])
        let section = try #require((report["model"] as? [String: Any])?["mixture"] as? [String: Any])
        let table = try #require(section["selection"] as? [[String: Any]])
        #expect(table.compactMap { $0["components"] as? Int } == [1, 2, 3])
        let n = try #require(report["rowsUsed"] as? Int)
        for entry in table {
            let k = try #require(entry["components"] as? Int), l = try #require(entry["logLikelihood"] as? Double)
            let parameters = try #require(entry["parameterCount"] as? Int), bic = try #require(entry["bayesianInformationCriterion"] as? Double)
            // K − 1 weights and, per component, 4 means and 10 covariances (p = 4).
            #expect(parameters == k - 1 + k * 14)
            #expect(abs(bic - (-2 * l + Double(parameters) * log(Double(n)))) <= 1e-9 * abs(bic))
        }
        let eligible = table.filter { $0["isDegenerate"] as? Bool == false }
        let lowest = try #require(eligible.min { ($0["bayesianInformationCriterion"] as! Double) < ($1["bayesianInformationCriterion"] as! Double) })
        #expect(section["components"] as? Int == lowest["components"] as? Int)
        #expect(section["bayesianInformationCriterion"] as? Double == lowest["bayesianInformationCriterion"] as? Double)
    }

    @Test func ofStartsReachingOneOptimumTheFirstIsTheFitReported() throws {
        // Penguins, K = 3: several k-means++ starts find the three species, with
        // log-likelihoods that differ by rounding only.
        let (_, _, report) = try fit(["--model", "mixture", "--components", "3", "--starts", "4"])
        let section = try #require((report["model"] as? [String: Any])?["mixture"] as? [String: Any])
        let starts = try #require(section["starts"] as? [[String: Any]])
        let values = starts.compactMap { $0["logLikelihood"] as? Double }
        #expect(values.count == 5)
        let highest = try #require(values.max())
        let tied = values.indices.filter { values[$0] >= highest - 1e-9 * abs(highest) }
        #expect(tied.count >= 2)
        let kept = try #require(tied.first)
        #expect(report["logLikelihood"] as? Double == values[kept])
        #expect(report["iterations"] as? Int == starts[kept]["iterations"] as? Int)
        #expect(section["startsReachingBest"] as? Int == values.filter { abs($0 - values[kept]) <= 1e-6 * abs(values[kept]) }.count)
    }

    @Test func theTReportListsTheDegreesOfFreedomAndTheRowsWeightedDown() throws {
        let (_, _, report) = try fit(["--model", "t", "--df", "3"])
        let t = try #require((report["model"] as? [String: Any])?["t"] as? [String: Any])
        #expect(t["degreesOfFreedom"] as? Double == 3)
        #expect(t["degreesOfFreedomEstimated"] as? Bool == false)
        let rows = try #require(t["mostDownweightedRows"] as? [[String: Any]])
        let weights = rows.compactMap { $0["weight"] as? Double }
        #expect(weights.count == 10 && weights == weights.sorted())
    }

    @Test func theResultDoesNotDependOnTheThreadCount() throws {
        let one = try fit(["--model", "mixture", "--components", "3", "--starts", "1", "--threads", "1"]).completed
        let three = try fit(["--model", "mixture", "--components", "3", "--starts", "1", "--threads", "3"]).completed
        #expect(one == three)
    }

    @Test(arguments: [(["--df", "4"], "--df applies to --model t"),
                      (["--components", "3"], "--components and --max-components apply to --model mixture"),
                      (["--model", "mixture", "--components", "0"], "--components must be auto or a whole number between 1 and 100"),
                      (["--model", "mixture", "--ridge", "1"], "--ridge applies to --model gaussian"),
                      (["--model", "t", "--df", "0"], "--df must be at least 0.1")])
    func flagsOutsideTheirModelAreUsageErrors(arguments: [String], message: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-q", "-o", folder + "/o.csv"] + arguments)
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
    }

    @Test func aMixtureFileWithBadWeightsIsRefused() throws {
        let (folder, _, _) = try fit(["--model", "mixture", "--components", "2", "--starts", "1"])
        let path = folder + "/model.json"
        var model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        var components = model["components"] as! [[String: Any]]
        components[0]["weight"] = 0.9
        components[1]["weight"] = 0.9
        model["components"] = components
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: path))
        let r = try CLIRunner.run(["apply", "--model", path, CLIRunner.dataset("penguins.csv"), "-q"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("the mixing weights sum to 1.8"), "\(r.stderr)")
    }

    @Test func aModelFileOfAnUnknownKindIsRefused() throws {
        let (folder, _, _) = try fit(["--model", "t", "--df", "5"])
        let path = folder + "/model.json"
        var model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        model["kind"] = "gamma"
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: path))
        let r = try CLIRunner.run(["apply", "--model", path, CLIRunner.dataset("penguins.csv"), "-q"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("'kind' must be gaussian, mixture or t, not 'gamma'"), "\(r.stderr)")
    }

    @Test func theHTMLReportShowsTheComponentsAndTheBICCurveOrTheWeights() throws {
        let folder = try CLIRunner.temporaryFolder()
        let mixture = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-q", "-o", folder + "/m.csv", "--html", folder + "/m.html",
                                         "--model", "mixture", "--max-components", "2", "--starts", "0"] + Self.penguins)
        #expect(mixture.status == 0, "\(mixture.stderr)")
        let page = try String(contentsOfFile: folder + "/m.html", encoding: .utf8)
        #expect(page.contains("id=\"components\"") && page.contains("id=\"bic\""))
        #expect(page.contains("<svg id=\"component-sizes\"") && page.contains("<svg id=\"component-means\""))
        let t = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-q", "-o", folder + "/t.csv", "--html", folder + "/t.html",
                                   "--model", "t"] + Self.penguins)
        #expect(t.status == 0, "\(t.stderr)")
        let tPage = try String(contentsOfFile: folder + "/t.html", encoding: .utf8)
        #expect(tPage.contains("id=\"downweighted\"") && tPage.contains("id=\"weight-quantiles\""))
        #expect(tPage.contains("<svg id=\"weight-histogram\"") && tPage.contains("expected under the model: 1"))
        #expect(!tPage.contains("id=\"components\""))
    }
}
