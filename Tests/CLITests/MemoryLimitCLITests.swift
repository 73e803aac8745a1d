import Foundation
import Testing

/// `impute --memory-limit` (issue #13): a limit below the kept rows spills them to a
/// temporary file, which is gone after the run, and the output is the same bytes; a value
/// that is not a size is refused with a usage error.
@Suite("impute --memory-limit")
struct MemoryLimitCLITests {
    /// 400 rows of 9 columns, 30% of cells missing: most patterns keep their rows.
    static func csv() -> String {
        var state: UInt64 = 99
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
        }
        var out = (0..<9).map { "v\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<400 {
            let z = uniform()
            out += (0..<9).map { j in uniform() < 0.3 ? "" : String(Double(j) + z + uniform()) }.joined(separator: ",") + "\n"
        }
        return out
    }

    @Test("a limit of 0 spills, leaves no file in TMPDIR, and writes the same CSV, model and estimates")
    func spillsAndCleansUp() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spillFolder = folder + "/tmp"
        try FileManager.default.createDirectory(atPath: spillFolder, withIntermediateDirectories: true)
        let input = CLIRunner.write(Self.csv(), in: folder)
        var outputs: [Data] = [], models: [Data] = []
        for (k, limit) in ["auto", "0"].enumerated() {
            let out = folder + "/out-\(k).csv", model = folder + "/model-\(k).json"
            let run = try CLIRunner.run(["impute", input, "-o", out, "--save-model", model, "--memory-limit", limit, "-q"],
                                        environment: ["TMPDIR": spillFolder])
            #expect(run.status == 0, "\(run.stderr)")
            outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
            models.append(try Data(contentsOf: URL(fileURLWithPath: model)))
        }
        #expect(outputs[0] == outputs[1])
        #expect(models[0] == models[1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spillFolder).isEmpty)
    }

    @Test("fit --statistics with a limit of 0 spills, leaves no file in TMPDIR, and saves the same model")
    func fitSpillsAndCleansUp() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spillFolder = folder + "/tmp"
        try FileManager.default.createDirectory(atPath: spillFolder, withIntermediateDirectories: true)
        let input = CLIRunner.write(Self.csv(), in: folder)
        let statistics = folder + "/stats.json"
        let written = try CLIRunner.run(["statistics", input, "-o", statistics, "-q"])
        #expect(written.status == 0, "\(written.stderr)")
        var models: [Data] = []
        for (k, limit) in ["auto", "0"].enumerated() {
            let model = folder + "/model-\(k).json"
            let run = try CLIRunner.run(["fit", "--statistics", statistics, "--save-model", model, "--memory-limit", limit, "-q"],
                                        environment: ["TMPDIR": spillFolder])
            #expect(run.status == 0, "\(run.stderr)")
            models.append(try Data(contentsOf: URL(fileURLWithPath: model)))
        }
        #expect(models[0] == models[1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: spillFolder).isEmpty)
        let bad = try CLIRunner.run(["fit", "--statistics", statistics, "--memory-limit", "12Q"])
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("'12Q' is not a memory size"))
    }

    @Test("a value that is not a size exits 64 naming it", arguments: ["12Q", "lots", "1.2.3M"])
    func rejectsBadValue(value: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = CLIRunner.write(Self.csv(), in: folder)
        let run = try CLIRunner.run(["impute", input, "-o", folder + "/out.csv", "--memory-limit", value])
        #expect(run.status == 64)
        #expect(run.stderr.contains("'\(value)' is not a memory size"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
    }
}
