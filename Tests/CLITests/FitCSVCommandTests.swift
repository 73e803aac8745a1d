// Issue 16: `fit INPUT --model gaussian|mixture|t` fits a CSV as `impute` does, writing no data.

import EMImpute
import Foundation
import Testing

@Suite("fit of a CSV")
struct FitCSVCommandTests {
    /// `fit INPUT` and `impute INPUT` with the same options save models with the same
    /// parameters, and `apply` with `fit`'s model writes `impute`'s completed CSV byte for byte.
    /// Fails if `fit` read, seeded or adjusted differently from `impute`, or fitted another model.
    @Test(arguments: [
        ["--model", "mixture", "--components", "2", "--seed", "7"],
        ["--model", "mixture", "--max-components", "3", "--starts", "1", "--seed", "3"],
        ["--model", "t"],
        ["--model", "t", "--df", "5", "--round-integers", "--clamp"],
        ["--model", "gaussian"],
        ["--ridge", "0.5", "--round-integers"],
    ])
    func fitSavesTheModelImputeSaves(options: [String]) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("penguins.csv")
        let reading = ["--exclude", "year"]
        let fit = try CLIRunner.run(["fit", input, "-q", "--save-model", folder + "/a.json"] + reading + options)
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.isEmpty)
        let imputed = try CLIRunner.run(["impute", input, "-q", "--save-model", folder + "/b.json", "-o", folder + "/impute.csv"]
                                        + reading + options)
        #expect(imputed.status == 0, "\(imputed.stderr)")

        let a = try ModelFile.read(folder + "/a.json"), b = try ModelFile.read(folder + "/b.json")
        #expect(a.kind == b.kind)
        #expect((a.kind ?? .gaussian) == ModelKind(rawValue: options.first == "--model" ? options[1] : "gaussian"))
        #expect(a.columns == b.columns && a.columns == ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"])
        #expect(a.mean == b.mean)
        #expect(a.scale == b.scale)
        #expect(a.standardizedCovariance == b.standardizedCovariance)
        #expect(a.components?.map(\.weight) == b.components?.map(\.weight))
        #expect(a.components?.map(\.mean) == b.components?.map(\.mean))
        #expect(a.components?.map(\.standardizedCovariance) == b.components?.map(\.standardizedCovariance))
        #expect(a.degreesOfFreedom == b.degreesOfFreedom)
        #expect(a.fingerprint == b.fingerprint && a.fingerprint?.rows == 344)
        #expect(a.missingTokens == b.missingTokens)
        #expect(a.ridge == b.ridge)
        #expect(a.adjustment == b.adjustment)

        let applied = try CLIRunner.run(["apply", "--model", folder + "/a.json", input, "-q", "-o", folder + "/apply.csv"])
        #expect(applied.status == 0, "\(applied.stderr)")
        let completed = try Data(contentsOf: URL(fileURLWithPath: folder + "/impute.csv"))
        #expect(!completed.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/apply.csv")) == completed)
    }

    /// Standard input is read as a file is; the report counts no imputed cells but describes
    /// the fit (the mixture's components) and the observed cells.
    @Test func fitOfStandardInputReportsTheFitAndNoImputedCells() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("penguins.csv")
        let options = ["--model", "mixture", "--components", "2", "--exclude", "year"]
        let fromFile = try CLIRunner.run(["fit", input, "-q", "--save-model", folder + "/file.json"] + options)
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let piped = try CLIRunner.run(["fit", "-", "--save-model", folder + "/stdin.json", "--report", folder + "/report.json"] + options,
                                      stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stderr.contains("0 cell(s) imputed"))
        #expect(piped.stderr.contains("mixture of 2"))
        let a = try ModelFile.read(folder + "/file.json"), b = try ModelFile.read(folder + "/stdin.json")
        #expect(a.components?.map(\.mean) == b.components?.map(\.mean))
        #expect(a.fingerprint == b.fingerprint)

        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))) as! [String: Any]
        #expect((report["model"] as? [String: Any])?["kind"] as? String == "mixture")
        #expect((report["input"] as? [String: Any])?["rows"] as? Int == 344)
        #expect(report["imputedCells"] as? Int == 0)
        let columns = report["columnSummary"] as? [[String: Any]] ?? []
        let bill = columns.first { $0["name"] as? String == "bill_length_mm" }
        #expect(bill?["missing"] as? Int == 2)
        #expect(bill?["imputedMean"] is NSNull)
        // The mean of the 342 observed bill lengths of penguins.csv (Python's sum / len).
        let mean = (bill?["observedMean"] as? Double) ?? .nan
        #expect(abs(mean - 43.921929824561424) < 1e-9)
    }

    /// An input and statistics files, or neither, or a mixture from statistics, are refused
    /// with the rule broken (exit 64), before any output is made.
    @Test(arguments: [
        (["fit"], "give the CSV to fit"),
        (["fit", "data.csv", "--statistics", "s.json"], "give one of"),
        (["fit", "data.csv", "--summaries", "s.json"], "give one of"),
        (["fit", "--statistics", "s.json", "--model", "mixture"], "needs every row"),
        (["fit", "--statistics", "s.json", "--na", "-99"], "apply to the CSV"),
        (["fit", "data.csv", "--model", "t", "--ridge", "1"], "--ridge applies to --model gaussian"),
        (["fit", "data.csv", "--components", "2"], "--components and --max-components apply to --model mixture"),
    ])
    func refusals(arguments: [String], message: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(arguments + ["--save-model", folder + "/m.json"])
        #expect(r.status == 64)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/m.json"))
    }
}
