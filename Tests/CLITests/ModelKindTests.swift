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

    @Test(arguments: [["--model", "mixture", "--components", "2", "--starts", "1"], ["--model", "t"], ["--model", "t", "--df", "4"]])
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

    @Test func aMixtureDiffersFromTheGaussianAndItsReportHasTheComponents() throws {
        let (_, mixture, report) = try fit(["--model", "mixture", "--components", "3", "--starts", "1"])
        let (_, gaussian, _) = try fit([])
        #expect(mixture != gaussian)
        let section = try #require((report["model"] as? [String: Any])?["mixture"] as? [String: Any])
        #expect(section["components"] as? Int == 3)
        #expect((section["weights"] as? [Double])?.reduce(0, +).distance(to: 1).magnitude ?? 1 < 1e-9)
        #expect(section["selection"] is NSNull)
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
        let t = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-q", "-o", folder + "/t.csv", "--html", folder + "/t.html",
                                   "--model", "t"] + Self.penguins)
        #expect(t.status == 0, "\(t.stderr)")
        let tPage = try String(contentsOfFile: folder + "/t.html", encoding: .utf8)
        #expect(tPage.contains("id=\"downweighted\"") && tPage.contains("id=\"weight-quantiles\""))
        #expect(!tPage.contains("id=\"components\""))
    }
}
