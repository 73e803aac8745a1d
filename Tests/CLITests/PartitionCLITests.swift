import Foundation
import Testing

/// What the Spark driver needs from the binary (issue #14): parts of a file without their
/// header (`--header-record`), empty parts, CR line ends, bad cells named by line, and the
/// E-step filter (`estep`) with the fit that asks for it (`fit --summaries`).
@Suite("parts of a file, for Spark")
struct PartitionCLITests {
    private static func dataLines(_ name: String) throws -> (header: String, lines: [String]) {
        let text = try String(contentsOfFile: CLIRunner.dataset(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return (lines[0], Array(lines.dropFirst()))
    }

    private static func text(_ lines: ArraySlice<String>) -> Data { Data(lines.map { $0 + "\n" }.joined().utf8) }

    /// The data lines read with the header given apart are the file: the same statistics,
    /// byte for byte. Fails if the given header were parsed by another rule or the line count shifted.
    @Test func aHeaderGivenApartReadsAsTheFile() throws {
        let (header, lines) = try Self.dataLines("survey.csv")
        let reading = ["--na", "-99", "--exclude", "respondent_id", "-q"]
        let whole = try CLIRunner.run(["statistics", CLIRunner.dataset("survey.csv")] + reading)
        let part = try CLIRunner.run(["statistics", "-", "--header-record", header] + reading, stdin: Self.text(lines[...]))
        #expect(whole.status == 0 && part.status == 0, "\(part.stderr)")
        #expect(!whole.stdout.isEmpty)
        #expect(part.stdout == whole.stdout)
    }

    /// `apply` on parts writes no header, so the header and the parts' outputs, concatenated,
    /// are the output of `apply` on the file.
    @Test func applyOnPartsConcatenatesToTheWholeOutput() throws {
        let folder = try CLIRunner.temporaryFolder()
        let (header, lines) = try Self.dataLines("survey.csv")
        let model = folder + "/m.json"
        #expect(try CLIRunner.run(["impute", CLIRunner.dataset("survey.csv"), "--na", "-99", "--exclude", "respondent_id", "-q",
                                   "--save-model", model, "-o", folder + "/whole.csv"]).status == 0)
        var joined = Data((header + "\n").utf8)
        for range in [0..<137, 137..<137, 137..<500] {
            let out = try CLIRunner.run(["apply", "--model", model, "-", "--header-record", header, "-q"], stdin: Self.text(lines[range]))
            #expect(out.status == 0, "\(out.stderr)")
            if range.isEmpty { #expect(out.stdout.isEmpty) }
            joined.append(out.stdout)
        }
        #expect(joined == (try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.csv"))))
    }

    /// An empty part has empty statistics that merge as nothing, on either side.
    @Test func emptyPartsMergeAsNothing() throws {
        let folder = try CLIRunner.temporaryFolder()
        let (header, lines) = try Self.dataLines("airquality.csv")
        let empty = try CLIRunner.run(["statistics", "-", "--header-record", header, "-q", "-o", folder + "/e.json"], stdin: Data())
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(try CLIRunner.run(["statistics", "-", "--header-record", header, "-q", "-o", folder + "/f.json"],
                                  stdin: Self.text(lines[...])).status == 0)
        var models: [Data] = []
        for files in [["f"], ["e", "f"], ["f", "e"], ["e", "f", "e"]] {
            let model = folder + "/m-\(files.joined()).json"
            let fit = try CLIRunner.run(["fit", "--statistics"] + files.map { folder + "/\($0).json" } + ["-q", "--save-model", model])
            #expect(fit.status == 0, "\(fit.stderr)")
            models.append(try Data(contentsOf: URL(fileURLWithPath: model)))
        }
        #expect(Set(models).count == 1)
        // Nothing but empty parts: no data, as for a file with a header alone.
        let none = try CLIRunner.run(["fit", "--statistics", folder + "/e.json", "-q"])
        #expect(none.status == 65)
    }

    /// CR LF line ends read as LF ones.
    @Test func carriageReturnsAreStripped() throws {
        let (header, lines) = try Self.dataLines("airquality.csv")
        let lf = try CLIRunner.run(["statistics", "-", "--header-record", header, "-q"], stdin: Self.text(lines[...]))
        let crlf = try CLIRunner.run(["statistics", "-", "--header-record", header, "-q"],
                                     stdin: Data(lines.map { $0 + "\r\n" }.joined().utf8))
        #expect(lf.status == 0 && crlf.status == 0)
        #expect(lf.stdout == crlf.stdout)
    }

    /// A bad cell fails with exit 65 and names its line — the part's line, the given header
    /// being line 1 — and the cell.
    @Test(arguments: ["statistics", "estep"])
    func aBadCellNamesItsLine(command: String) throws {
        var (header, lines) = try Self.dataLines("airquality.csv")
        lines[40] = "41,190,7.4,abc,5,1"
        let extra = command == "estep" ? ["--summary"] : ["-q"]
        let out = try CLIRunner.run([command, "-", "--header-record", header] + extra, stdin: Self.text(lines[...]))
        #expect(out.status == 65)
        #expect(out.stderr.contains("<stdin>:42:4"), "\(out.stderr)")
        #expect(out.stderr.contains("line 42 'abc'"), "\(out.stderr)")
    }

    @Test func aHeaderRecordCannotGoWithNoHeader() throws {
        let out = try CLIRunner.run(["statistics", "-", "--header-record", "a,b", "--no-header"], stdin: Data("1,2\n".utf8))
        #expect(out.status == 64)
        #expect(out.stderr.contains("--header-record"))
    }

    /// `fit --summaries` driven through its line protocol, each request answered by `estep
    /// --at` on three parts: the estimates of `fit --statistics` on the same parts, to 1e-10.
    @Test func fitOverSummariesEqualsFitOverStatistics() throws {
        let folder = try CLIRunner.temporaryFolder()
        let (header, lines) = try Self.dataLines("survey.csv")
        let reading = ["--na", "-99", "--exclude", "respondent_id"]
        let ranges = [0..<170, 170..<171, 171..<500]
        var summaries: [String] = [], statistics: [String] = [], parts: [String] = []
        for (k, range) in ranges.enumerated() {
            let part = folder + "/part\(k).csv"
            FileManager.default.createFile(atPath: part, contents: Self.text(lines[range]))
            parts.append(part)
            summaries.append(folder + "/s\(k).json")
            statistics.append(folder + "/t\(k).json")
            #expect(try CLIRunner.run(["estep", part, "--header-record", header, "--summary", "-o", summaries[k]] + reading).status == 0)
            #expect(try CLIRunner.run(["statistics", part, "--header-record", header, "-q", "-o", statistics[k]] + reading).status == 0)
        }
        #expect(try CLIRunner.run(["fit", "--statistics"] + statistics + ["-q", "--report", folder + "/local.json"]).status == 0)

        let fit = Process()
        fit.executableURL = CLIRunner.binary
        fit.arguments = ["fit", "--summaries"] + summaries + ["-q", "--report", folder + "/remote.json"]
        let requests = Pipe(), answers = Pipe()
        fit.standardOutput = requests
        fit.standardInput = answers
        fit.standardError = FileHandle(forWritingAtPath: CLIRunner.write("", in: folder, name: "fit.err"))
        try fit.run()
        var steps = 0
        var pending = Data()
        readLoop: while true {
            while let newline = pending.firstIndex(of: 10) {
                let request = pending[pending.startIndex..<newline]
                pending = Data(pending[(newline + 1)...])
                let path = folder + "/request.json"
                FileManager.default.createFile(atPath: path, contents: request)
                var sums: [String] = []
                for part in parts {
                    let out = try CLIRunner.run(["estep", part, "--header-record", header, "--at", path] + reading)
                    #expect(out.status == 0, "\(out.stderr)")
                    sums.append(out.stdoutText.trimmingCharacters(in: .newlines))
                }
                answers.fileHandleForWriting.write(Data(("[" + sums.joined(separator: ",") + "]\n").utf8))
                steps += 1
            }
            let chunk = requests.fileHandleForReading.availableData
            if chunk.isEmpty { break readLoop }
            pending.append(chunk)
        }
        try answers.fileHandleForWriting.close()
        fit.waitUntilExit()
        #expect(fit.terminationStatus == 0)
        #expect(steps > 5)

        let local = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/local.json"))) as! [String: Any]
        let remote = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/remote.json"))) as! [String: Any]
        let a = (remote["mean"] as! [Double]) + (remote["covariance"] as! [[Double]]).flatMap { $0 } + [remote["logLikelihood"] as! Double]
        let b = (local["mean"] as! [Double]) + (local["covariance"] as! [[Double]]).flatMap { $0 } + [local["logLikelihood"] as! Double]
        let worst = zip(a, b).map { abs($0 - $1) / max(abs($1), 1e-300) }.max()!
        #expect(worst < 1e-10)
        #expect(remote["iterations"] as? Int == local["iterations"] as? Int)
        #expect((remote["patterns"] as? [Any])?.count == (local["patterns"] as? [Any])?.count)
    }
}
