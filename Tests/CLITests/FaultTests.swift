import Foundation
import Testing

@Suite("faults: signals, closed pipes, determinism")
struct FaultTests {
    /// A file big enough that EM with an unreachable tolerance runs until interrupted.
    private func longInput(in folder: String) -> String {
        var text = "a,b,c,d\n"
        var state: UInt64 = 42
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) / 9_007_199_254_740_992 }
        for i in 0..<20_000 {
            let x = next(), y = x + next(), z = y - next(), w = next()
            text += "\(x),\(i % 5 == 0 ? "NA" : String(y)),\(i % 7 == 0 ? "" : String(z)),\(w)\n"
        }
        return CLIRunner.write(text, in: folder)
    }

    @Test(arguments: [SIGINT, SIGTERM])
    func interruptionLeavesNoPartialOutput(signal: Int32) throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = longInput(in: folder)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["impute", input, "-o", folder + "/out.csv", "--report", folder + "/r.json",
                             "--tolerance", "1e-300", "--max-iterations", "1000000", "--progress"]
        let err = Pipe()
        process.standardError = err
        // Standard output (empty: the CSV goes to -o) to a file outside the checked folder.
        let scratch = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        _ = FileManager.default.createFile(atPath: scratch + "/stdout", contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: scratch + "/stdout"))
        defer { try? out.close() }
        process.standardOutput = out
        try process.run()
        // Wait until EM is iterating (the first progress line), then interrupt.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("iteration") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == signal)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["in.csv"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
    }

    @Test func closedStandardOutputEndsQuietly() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = longInput(in: folder)
        let r = try CLIRunner.run(["-c", "'\(CLIRunner.binary.path)' impute '\(input)' -q | head -n 1 > '\(folder)/head.csv'; echo \"${PIPESTATUS[0]}\" >&2"],
                                  executable: "/bin/bash")
        #expect(r.stderr == "141\n")
        #expect(try String(contentsOfFile: folder + "/head.csv", encoding: .utf8) == "a,b,c,d\n")
    }

    @Test func reportIsDeterministicAcrossRunsAndThreadCounts() throws {
        let folder = try CLIRunner.temporaryFolder()
        var reports: [String] = []
        for threads in ["1", "2", "2"] {
            let r = try CLIRunner.run(["impute", CLIRunner.dataset("survey.csv"), "--na", "-99", "--exclude", "respondent_id", "-q",
                                       "--threads", threads, "--starts", "2", "--seed", "5", "--report", folder + "/r.json", "-o", folder + "/o.csv"])
            #expect(r.status == 0)
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
            json["timings"] = nil
            json["history"] = (json["history"] as! [[String: Any]]).map { var h = $0; h["elapsedSeconds"] = nil; return h }
            let text = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
            reports.append(text + String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/o.csv")), as: UTF8.self))
        }
        #expect(reports[0] == reports[1])
        #expect(reports[1] == reports[2])
    }
}

@Suite("byte-order mark through a slow pipe")
struct SlowPipeTests {
    @Test func aByteOrderMarkArrivingOneByteAtATimeIsStillRecognised() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("\u{FEFF}a,b\n1,2\n2,\n3,5\n4,4\n", in: folder)
        // Feed the first bytes separately, as a slow pipe would.
        let script = "(head -c 1 '\(input)'; sleep 0.2; head -c 2 '\(input)' | tail -c 1; sleep 0.2; tail -c +3 '\(input)') | '\(CLIRunner.binary.path)' impute - -q --report '\(folder)/r.json'"
        let r = try CLIRunner.run(["-c", script], executable: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        #expect(report["columns"] as? [String] == ["a", "b"])
        #expect(r.stdout.starts(with: [0xEF, 0xBB, 0xBF] + Array("a,b\n".utf8)))
    }
}
