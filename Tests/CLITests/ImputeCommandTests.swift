import Foundation
import Testing

@Suite("emimpute impute")
struct ImputeCommandTests {
    @Test func airqualityAgreesWithTheIndependentReference() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/out.csv", "--report", folder + "/r.json", "--tolerance", "1e-12"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let reference = try JSONSerialization.jsonObject(with: Data(contentsOf: CLIRunner.root.appendingPathComponent("Tests/Reference/airquality.reference.json"))) as! [String: Any]
        #expect(report["columns"] as! [String] == reference["columns"] as! [String])
        let mean = report["mean"] as! [Double], refMean = reference["mean"] as! [Double]
        for (a, b) in zip(mean, refMean) { #expect(abs(a - b) <= 1e-6 * abs(b)) }
        let cov = report["covariance"] as! [[Double]], refCov = reference["covariance"] as! [[Double]]
        for i in cov.indices { for j in cov.indices {
            let scale = (abs(refCov[i][i]) * abs(refCov[j][j])).squareRoot()
            #expect(abs(cov[i][j] - refCov[i][j]) <= 1e-6 * scale)
        } }
        let ll = report["logLikelihood"] as! Double, refLL = reference["logLikelihood"] as! Double
        #expect(abs(ll - refLL) <= 1e-9 * abs(refLL))
        #expect(report["converged"] as? Bool == true)
        #expect(report["monotone"] as? Bool == true)

        // Every observed cell is byte-identical; every missing one became a number.
        let original = simpleRows(try String(contentsOfFile: input, encoding: .utf8))
        let completed = simpleRows(try String(contentsOfFile: folder + "/out.csv", encoding: .utf8))
        #expect(original.count == completed.count)
        for (a, b) in zip(original, completed) {
            for (x, y) in zip(a, b) {
                if x == "NA" { #expect(Double(y) != nil, "\(y)") } else { #expect(x == y) }
            }
        }
        // The reference's imputed cells.
        for cell in reference["imputed"] as! [[String: Any]] {
            let row = cell["row"] as! Int, name = cell["column"] as! String, value = cell["value"] as! Double
            let j = original[0].firstIndex(of: "\"\(name)\"")!
            let got = Double(completed[row + 1][j])!
            #expect(abs(got - value) <= 1e-6 * max(1, abs(value)))
        }
    }

    @Test func surveyWithMissingCodeTextAndIDColumns() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("survey.csv")
        let r = try CLIRunner.run(["impute", input, "--na", "-99", "--exclude", "respondent_id", "-o", folder + "/out.csv", "--report", folder + "/r.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        #expect(report["columns"] as! [String] == ["age", "income", "satisfaction", "hours_online", "household_size"])
        let summary = report["columnSummary"] as! [[String: Any]]
        #expect(summary.map { $0["type"] as! String } == ["excluded", "text", "text", "text", "numeric", "numeric", "numeric", "numeric", "numeric"])
        // Lines with no missing code come out identical, including quoted names.
        let inLines = try String(contentsOfFile: input, encoding: .utf8).components(separatedBy: "\n")
        let outLines = try String(contentsOfFile: folder + "/out.csv", encoding: .utf8).components(separatedBy: "\n")
        #expect(inLines.count == outLines.count)
        var untouched = 0
        for (a, b) in zip(inLines, outLines) where !a.contains("-99") && !a.contains(",,") && !a.hasSuffix(",") && !a.contains("NA") {
            #expect(a == b); untouched += 1
        }
        #expect(untouched > 100)
        #expect(!outLines.contains { $0.contains("-99") })
    }

    @Test func standardInputToStandardOutputEqualsFileToFile() throws {
        let input = CLIRunner.dataset("penguins.csv")
        let fromFile = try CLIRunner.run(["impute", input, "--quiet"])
        let fromPipe = try CLIRunner.run(["impute", "-", "--quiet"], stdin: try Data(contentsOf: URL(fileURLWithPath: input)))
        #expect(fromFile.status == 0 && fromPipe.status == 0)
        #expect(fromFile.stdout == fromPipe.stdout)
        #expect(fromFile.stderr.isEmpty)
        #expect(!fromFile.stdout.isEmpty)
    }

    @Test func outputIsDeterministic() throws {
        let input = CLIRunner.dataset("survey.csv")
        let a = try CLIRunner.run(["impute", input, "--na", "-99", "--exclude", "respondent_id", "-q", "--threads", "1"])
        let b = try CLIRunner.run(["impute", input, "--na", "-99", "--exclude", "respondent_id", "-q", "--threads", "2"])
        #expect(a.status == 0 && a.stdout == b.stdout)
    }

    @Test func roundTripOfCompleteInputIsByteIdentical() throws {
        let folder = try CLIRunner.temporaryFolder()
        let text = "\u{FEFF}id;x;y\r\n1;1.50;\"2,0\"\r\n2; 3 ;\"x\"\"y\"\r\n3;007;z\r\n4;2e1;w\r\n"
        let input = CLIRunner.write(text, in: folder)
        let r = try CLIRunner.run(["impute", input, "--delimiter", ";", "--exclude", "id", "-o", folder + "/out.csv", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/out.csv")) == Data(text.utf8))
    }

    @Test func refusesToOverwriteTheInputUnlessInPlace() throws {
        let folder = try CLIRunner.temporaryFolder()
        let text = "a,b\n1,2\n2,\n3,5\n4,4\n"
        let input = CLIRunner.write(text, in: folder)
        let refused = try CLIRunner.run(["impute", input, "-o", input])
        #expect(refused.status == 73)
        #expect(refused.stderr.contains("--in-place"))
        #expect(try String(contentsOfFile: input, encoding: .utf8) == text)
        let replaced = try CLIRunner.run(["impute", input, "-o", input, "--in-place", "-q"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let after = try String(contentsOfFile: input, encoding: .utf8)
        #expect(after != text && after.hasPrefix("a,b\n1,2\n2,") && !after.contains(",\n3"))
    }

    @Test func failureMidWriteLeavesNoPartialFile() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "-o", folder + "/out.csv"],
                                  environment: ["EMIMPUTE_TEST_FAULT": "write"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("emimpute: error:"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    /// Standard output on a full device (a node made in a temporary folder: the test never
    /// touches /dev/full, which an earlier version of this test shared with others).
    @Test(.enabled(if: SpecialFiles.canMakeDevices, "needs root to mknod a full device in a temporary folder"))
    func fullDeviceIsExit73() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let full = folder + "/full"
        try #require(SpecialFiles.makeCharacterDevice(at: full, SpecialFiles.fullDevice))
        let handle = try #require(FileHandle(forWritingAtPath: full))
        defer { try? handle.close() }
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv")], stdoutTo: handle)
        #expect(r.status == 73)
        #expect(r.stderr.contains("no space left"))
        #expect(SpecialFiles.kind(at: full) == .characterDevice(major: 1, minor: 7))
    }

    @Test func reportHasTheDocumentedKeys() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("penguins.csv"), "-o", folder + "/o.csv", "--report", folder + "/r.json", "-q"])
        #expect(r.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        for key in ["columns", "mean", "covariance", "logLikelihood", "iterations", "converged", "history"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        #expect((report["history"] as! [Any]).count == report["iterations"] as! Int)
    }

    @Test func summaryOnStandardError() throws {
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv")])
        #expect(r.status == 0)
        #expect(r.stderr.contains("153 rows; 6 modelled, 0 text and 0 excluded column(s)"))
        #expect(r.stderr.contains("44 of 918 modelled cells (4.8%) in 4 pattern(s)"))
        #expect(r.stderr.contains("converged after"))
        #expect(!r.stdoutText.contains("converged"))
    }

    @Test func notConvergedIsReportedNotSilent() throws {
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--max-iterations", "2"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("did NOT converge"))
        #expect(r.stderr.contains("raise --max-iterations"))
    }
}

@Suite("survey items: --round-integers and --clamp")
struct RoundingTests {
    @Test func roundedAndClampedCellsOnlyWhereAsked() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("count,score,x\n1,2.5,10\n3,3.5,12\n,4.25,14\n2,,13\n5,6.75,\n4,5.0,16\n,1.5,9\n", in: folder)
        let plain = try CLIRunner.run(["impute", input, "-q", "--report", folder + "/plain.json"])
        let adjusted = try CLIRunner.run(["impute", input, "--round-integers", "--clamp", "--report", folder + "/r.json"])
        #expect(plain.status == 0 && adjusted.status == 0, "\(adjusted.stderr)")
        let before = simpleRows(plain.stdoutText), after = simpleRows(adjusted.stdoutText)
        let original = simpleRows(try String(contentsOfFile: input, encoding: .utf8))
        for (r, row) in original.enumerated() where r > 0 {
            for (j, cell) in row.enumerated() {
                guard cell.isEmpty else { #expect(after[r][j] == cell); continue }
                let mean = Double(before[r][j])!, written = Double(after[r][j])!
                let observed = original.dropFirst().compactMap { Double($0[j]) }
                let clamped = min(max(mean, observed.min()!), observed.max()!)
                // count and x hold integers only; score does not.
                #expect(written == (j == 1 ? clamped : clamped.rounded()), "row \(r) column \(j)")
            }
        }
        #expect(adjusted.stderr.contains("rounded to integers in 'count', 'x'"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        #expect((report["warnings"] as! [[String: Any]]).contains { $0["code"] as? String == "adjustedImputations" })
        let options = report["options"] as! [String: Any]
        #expect(options["roundIntegers"] as? Bool == true && options["clampToObservedRange"] as? Bool == true)
    }
}
