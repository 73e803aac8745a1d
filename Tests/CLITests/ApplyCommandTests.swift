import Foundation
import Testing

@Suite("emimpute apply")
struct ApplyCommandTests {
    /// Fits `dataset` with `arguments`, saving the model; returns (folder, completed CSV).
    private func fit(_ dataset: String, _ arguments: [String] = []) throws -> (String, Data) {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset(dataset), "-q", "--save-model", folder + "/model.json",
                                   "-o", folder + "/impute.csv"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return (folder, try Data(contentsOf: URL(fileURLWithPath: folder + "/impute.csv")))
    }

    @Test(arguments: [("airquality.csv", [String]()), ("survey.csv", ["--na", "-99", "--exclude", "respondent_id"]), ("penguins.csv", [])])
    func applyingToTheTrainingFileReproducesImpute(dataset: String, arguments: [String]) throws {
        let (folder, imputed) = try fit(dataset, arguments)
        let applied = try CLIRunner.run(["apply", "--model", folder + "/model.json", CLIRunner.dataset(dataset), "-q"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout == imputed)
        let piped = try CLIRunner.run(["apply", "--model", folder + "/model.json", "-", "-q"],
                                      stdin: try Data(contentsOf: URL(fileURLWithPath: CLIRunner.dataset(dataset))))
        #expect(piped.stdout == imputed)
    }

    @Test func shuffledColumnsAndExtraColumnsAreMatchedByName() throws {
        let (folder, imputed) = try fit("airquality.csv")
        let original = simpleRows(String(decoding: imputed, as: UTF8.self))
        let input = simpleRows(try String(contentsOfFile: CLIRunner.dataset("airquality.csv"), encoding: .utf8))
        // Reverse the columns and add a text column in front.
        let shuffled = input.enumerated().map { i, row in ([i == 0 ? "note" : "n\(i)"] + row.reversed()).joined(separator: ",") }
        let path = CLIRunner.write(shuffled.joined(separator: "\n") + "\n", in: folder, name: "shuffled.csv")
        let r = try CLIRunner.run(["apply", "--model", folder + "/model.json", path, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let out = simpleRows(r.stdoutText)
        #expect(out.count == original.count)
        for (a, b) in zip(original, out) {
            #expect(Array(b.dropFirst().reversed()) == a)
        }
    }

    @Test func aMissingModelColumnIsAClearError() throws {
        let (folder, _) = try fit("airquality.csv")
        let path = CLIRunner.write("Ozone,Wind,Temp,Month,Day\n1,2,3,4,5\n", in: folder, name: "partial.csv")
        let r = try CLIRunner.run(["apply", "--model", folder + "/model.json", path])
        #expect(r.status == 65)
        #expect(r.stderr.contains("the model needs column 'Solar.R'"))
    }

    @Test func anUnparsableCellIsAClearError() throws {
        let (folder, _) = try fit("airquality.csv")
        let path = CLIRunner.write("\"Ozone\",\"Solar.R\",\"Wind\",\"Temp\",\"Month\",\"Day\"\n1,2,3,4,5,6\n1,abc,3,4,5,6\n", in: folder, name: "bad.csv")
        let r = try CLIRunner.run(["apply", "--model", folder + "/model.json", path, "-o", folder + "/out.csv"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.csv:3:2"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
    }

    @Test func aBrokenModelFileIsRejected() throws {
        let folder = try CLIRunner.temporaryFolder()
        let path = CLIRunner.write("{\"formatVersion\": 1}", in: folder, name: "model.json")
        let r = try CLIRunner.run(["apply", "--model", path, CLIRunner.dataset("airquality.csv")])
        #expect(r.status == 65)
        #expect(r.stderr.contains("not an emimpute model file"))
        let missing = try CLIRunner.run(["apply", "--model", folder + "/none.json", CLIRunner.dataset("airquality.csv")])
        #expect(missing.status == 66)
    }

    // Old code: "You don't have permission" for a pipe, "NSCocoaErrorDomain error 256" for a folder.
    @Test func aModelFromProcessSubstitutionOrAFolder() throws {
        let (folder, imputed) = try fit("airquality.csv")
        let script = "exec '\(CLIRunner.binary.path)' apply --model <(cat '\(folder)/model.json') '\(CLIRunner.dataset("airquality.csv"))' -q"
        let r = try CLIRunner.run(["-c", script], executable: "/bin/bash")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == imputed)
        let onFolder = try CLIRunner.run(["apply", "--model", folder, CLIRunner.dataset("airquality.csv")])
        #expect(onFolder.status == 66)
        #expect(onFolder.stderr == "emimpute: error: \(folder): is a folder, not a model file. Give the file written by 'emimpute impute … --save-model'.\n")
    }

    // Old code: --na replaced the model's codes, so 'NA' was no longer missing (exit 65).
    @Test func naAddsToTheModelCodesAndNaOnlyReplacesThem() throws {
        let (folder, _) = try fit("airquality.csv")
        let path = CLIRunner.write("\"Ozone\",\"Solar.R\",\"Wind\",\"Temp\",\"Month\",\"Day\"\n41,190,7.4,67,5,1\nNA,-99,14.3,56,5,5\n-99,NA,14.3,56,5,5\n",
                                   in: folder, name: "codes.csv")
        let added = try CLIRunner.run(["apply", "--model", folder + "/model.json", path, "--na", "-99", "-q"])
        #expect(added.status == 0, "\(added.stderr)")
        let rows = simpleRows(added.stdoutText)
        // Both codes are missing, and the two rows are the same row: the same imputations.
        #expect(rows[2][0] == rows[3][0] && rows[2][1] == rows[3][1])
        #expect(Double(rows[2][0]) != nil && Double(rows[2][1]) != nil)
        let only = try CLIRunner.run(["apply", "--model", folder + "/model.json", path, "--na-only", "--na", "-99"])
        #expect(only.status == 65)
        #expect(only.stderr.contains("'NA' (not a number)"))
        let none = try CLIRunner.run(["apply", "--model", folder + "/model.json", path, "--na-only"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("--na-only needs at least one --na code"))
    }

    @Test func conditionalStandardDeviationsMatchADirectComputation() throws {
        let (folder, _) = try fit("airquality.csv")
        let model = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/model.json"))) as! [String: Any]
        let sigma = model["covariance"] as! [[Double]]
        let columns = model["columns"] as! [String]
        let r = try CLIRunner.run(["apply", "--model", folder + "/model.json", CLIRunner.dataset("airquality.csv"),
                                   "--variance-output", folder + "/sd.csv", "-q", "-o", folder + "/out.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let input = simpleRows(try String(contentsOfFile: CLIRunner.dataset("airquality.csv"), encoding: .utf8))
        let rows = simpleRows(try String(contentsOfFile: folder + "/sd.csv", encoding: .utf8))
        #expect(rows.first == ["row", "column", "imputed", "conditional_sd"])
        #expect(rows.count - 1 == 44)
        for line in rows.dropFirst() {
            let row = Int(line[0])!, k = columns.firstIndex(of: line[1])!
            let missing = (0..<columns.count).filter { input[row][$0] == "NA" }
            let observed = (0..<columns.count).filter { input[row][$0] != "NA" }
            // Σ_kk − Σ_ko Σ_oo⁻¹ Σ_ok, solved by Gaussian elimination.
            var a = observed.map { i in observed.map { sigma[i][$0] } }
            var b = observed.map { sigma[$0][k] }
            for c in 0..<b.count {
                for r2 in (c + 1)..<max(b.count, c + 1) {
                    let f = a[r2][c] / a[c][c]
                    for c2 in c..<b.count { a[r2][c2] -= f * a[c][c2] }
                    b[r2] -= f * b[c]
                }
            }
            var x = b
            for c in stride(from: b.count - 1, through: 0, by: -1) {
                var s = b[c]
                for c2 in (c + 1)..<max(b.count, c + 1) { s -= a[c][c2] * x[c2] }
                x[c] = s / a[c][c]
            }
            let variance = sigma[k][k] - zip(observed, x).reduce(0) { $0 + sigma[k][$1.0] * $1.1 }
            #expect(missing.contains(k))
            #expect(abs(Double(line[3])! - variance.squareRoot()) <= 1e-9 * variance.squareRoot())
        }
    }
}
