import Foundation
import Testing

/// `apply` rounds and clamps as the training run did (issue 11, item 25): the model records
/// each column's observed range and integer-ness and the `--round-integers`/`--clamp` choices.
@Suite("emimpute apply: --round-integers and --clamp")
struct ApplyAdjustmentTests {
    /// A CSV whose conditional means leave the observed range: `count` (integers 1…5) is
    /// almost 2 × `x` − 19, and the rows with `count` missing have `x` far outside 10…12, so
    /// clamping changes them; `score` is not all integers.
    static let csv = """
        count,score,x
        1,2.5,10
        3,3.5,11.2
        ,4.25,14
        2,,10.4
        5,6.75,12.1
        4,5.0,11.3
        ,1.5,7
        3,4.5,

        """

    /// Runs `emimpute arguments`, expecting exit 0.
    private func succeed(_ arguments: [String]) throws -> CLIRunner.Outcome {
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        return r
    }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    // Fails on the old code: apply ignored the training run's choices and wrote the
    // conditional means (and the old model recorded nothing to adjust with).
    @Test(arguments: [("survey.csv", ["--na", "-99", "--exclude", "respondent_id"]), ("airquality.csv", [String]())])
    func applyingToTheTrainingFileReproducesAnAdjustedImpute(dataset: String, arguments: [String]) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset(dataset)
        _ = try succeed(["impute", input, "-q", "--round-integers", "--clamp", "--save-model", folder + "/m.json",
                         "-o", folder + "/impute.csv"] + arguments)
        _ = try succeed(["impute", input, "-q", "-o", folder + "/means.csv"] + arguments)
        // Control: the adjustment changes this file, so an apply that ignored it would differ.
        #expect(try bytes(folder + "/impute.csv") != bytes(folder + "/means.csv"))
        _ = try succeed(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/apply.csv"])
        #expect(try bytes(folder + "/apply.csv") == bytes(folder + "/impute.csv"))
        // Standard input takes the same streaming path.
        let piped = try CLIRunner.run(["apply", "--model", folder + "/m.json", "-", "-q"], stdin: try bytes(input))
        #expect(piped.stdout == (try bytes(folder + "/impute.csv")))
    }

    // Fails on the old code: --variance-output wrote the unadjusted conditional mean.
    @Test func varianceOutputNamesTheWrittenValues() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write(Self.csv, in: folder)
        _ = try succeed(["impute", input, "-q", "--round-integers", "--clamp", "--save-model", folder + "/m.json", "-o", folder + "/impute.csv"])
        _ = try succeed(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/apply.csv",
                         "--variance-output", folder + "/sd.csv"])
        let written = simpleRows(try String(contentsOfFile: folder + "/apply.csv", encoding: .utf8))
        let header = written[0]
        let lines = simpleRows(try String(contentsOfFile: folder + "/sd.csv", encoding: .utf8)).dropFirst()
        #expect(lines.count == 4)
        for line in lines {
            let row = Int(line[0])!, j = header.firstIndex(of: line[1])!
            #expect(line[2] == written[row][j], "row \(row) column \(line[1])")
        }
        // The clamped cells: count is clamped to 1…5, so neither missing count exceeds it.
        let counts = lines.filter { $0[1] == "count" }.map { Double($0[2])! }
        #expect(counts.count == 2 && counts.allSatisfy { (1...5).contains($0) && $0 == $0.rounded() })
    }

    // Fails on the old code: apply had no --round-integers, --clamp or --no-… options.
    @Test func flagsTurnTheRecordedChoicesOnAndOff() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write(Self.csv, in: folder)
        _ = try succeed(["impute", input, "-q", "--save-model", folder + "/plain.json", "-o", folder + "/means.csv"])
        _ = try succeed(["impute", input, "-q", "--clamp", "-o", folder + "/clamped.csv"])
        _ = try succeed(["impute", input, "-q", "--clamp", "--round-integers", "--save-model", folder + "/adjusted.json",
                         "-o", folder + "/adjusted.csv"])
        // A model saved without adjustments, asked to clamp, clamps as impute --clamp does.
        let on = try succeed(["apply", "--model", folder + "/plain.json", input, "--clamp"])
        #expect(on.stdout == (try bytes(folder + "/clamped.csv")))
        #expect(on.stderr.contains("clamped to each column's observed range"))
        // A model saved with both, told not to round, clamps only; told neither, writes the means.
        let clampOnly = try succeed(["apply", "--model", folder + "/adjusted.json", input, "-q", "--no-round-integers"])
        #expect(clampOnly.stdout == (try bytes(folder + "/clamped.csv")))
        let off = try succeed(["apply", "--model", folder + "/adjusted.json", input, "-q", "--no-round-integers", "--no-clamp"])
        #expect(off.stdout == (try bytes(folder + "/means.csv")))
        #expect(off.stdout != (try bytes(folder + "/adjusted.csv")))
    }

    /// A model as an earlier emimpute saved it: format 1, no `adjustment`.
    private func formatOneModel(in folder: String, from input: String) throws -> String {
        _ = try succeed(["impute", input, "-q", "--save-model", folder + "/m.json", "-o", folder + "/means.csv"])
        var model = try JSONSerialization.jsonObject(with: bytes(folder + "/m.json")) as! [String: Any]
        model["formatVersion"] = 1
        model["adjustment"] = nil
        let path = folder + "/v1.json"
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: path))
        return path
    }

    // The old files keep working (this passes on the old code too, and guards the new one).
    @Test func aFormatOneModelIsStillApplied() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write(Self.csv, in: folder)
        let model = try formatOneModel(in: folder, from: input)
        let r = try succeed(["apply", "--model", model, input, "-q"])
        #expect(r.stdout == (try bytes(folder + "/means.csv")))
    }

    // Fails on the old code (no such options): an adjustment a format 1 model cannot support is
    // a clear error, and nothing is written.
    @Test(arguments: ["--round-integers", "--clamp"])
    func aFormatOneModelRefusesAnAdjustment(option: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write(Self.csv, in: folder)
        let model = try formatOneModel(in: folder, from: input)
        let r = try CLIRunner.run(["apply", "--model", model, input, option, "-o", folder + "/out.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("older emimpute (format 1)"))
        #expect(r.stderr.contains(option + " needs"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
        // Turning an adjustment off needs no data.
        #expect(try CLIRunner.run(["apply", "--model", model, input, "-q", "--no-clamp", "--no-round-integers"]).status == 0)
    }
}
