import Foundation
import Testing

/// Outputs never destroy an input, each other, or what stands at their path; they are checked
/// before any work and committed together. Each test names the item of the trust issue (#11)
/// it pins; every one of them failed on the code before the output layer (`OutputSet`).
@Suite("output safety: inputs, collisions, permissions, standard streams")
struct OutputSafetyTests {
    private let data = "x,y\n1,2\n2,3\n,5\n4,4\n5,7\n"

    private func folderWithData() throws -> (folder: String, input: String) {
        let folder = try CLIRunner.temporaryFolder()
        return (folder, CLIRunner.write(data, in: folder, name: "d.csv"))
    }

    private func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func shell(_ script: String) throws -> CLIRunner.Outcome {
        try CLIRunner.run(["-c", script], executable: "/bin/bash")
    }

    // Item 2.
    @Test func saveModelOverTheInputIsRefused() throws {
        let (folder, input) = try folderWithData()
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/out.csv", "--save-model", input, "-q"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("--save-model names the input file"))
        #expect(contents(input) == data)
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
    }

    // Item 2: apply's outputs never replace its model.
    @Test(arguments: ["-o", "--variance-output"])
    func applyNeverReplacesItsModel(option: String) throws {
        let (folder, input) = try folderWithData()
        let model = folder + "/m.json"
        #expect(try CLIRunner.run(["impute", input, "-o", folder + "/fit.csv", "--save-model", model, "-q"]).status == 0)
        let saved = contents(model)
        var arguments = ["apply", "--model", model, input, option, model, "-q"]
        if option == "--variance-output" { arguments += ["-o", folder + "/applied.csv"] }
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 73)
        #expect(r.stderr.contains("names the --model file"))
        #expect(contents(model) == saved)
    }

    // Item 3: inputs are compared by identity, whatever path reaches them.
    @Test func aSymlinkedInputIsStillTheInput() throws {
        let (folder, input) = try folderWithData()
        let link = folder + "/link.csv"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: input)
        let r = try CLIRunner.run(["impute", link, "-o", input, "-q"])
        #expect(r.status == 73)
        #expect(contents(input) == data)
    }

    // Item 3, siblings: the input arrives on standard input, or standard output is the input.
    @Test func standardStreamsThatAreTheInputAreRefused() throws {
        let (folder, input) = try folderWithData()
        let fromStdin = try shell("'\(CLIRunner.binary.path)' impute - -o '\(input)' -q < '\(input)'")
        #expect(fromStdin.status == 73)
        #expect(contents(input) == data)
        let appended = try shell("'\(CLIRunner.binary.path)' impute '\(input)' -q >> '\(input)'")
        #expect(appended.status == 73)
        #expect(contents(input) == data)
        _ = folder
    }

    // Item 4: diagnostics that cannot be written are dropped; the exit status tells the truth,
    // and nothing meant for standard error lands in an output.
    @Test func aClosedStandardErrorNeitherCrashesNorLeaksIntoOutputs() throws {
        let (folder, input) = try folderWithData()
        let out = folder + "/o.csv"
        let ok = try shell("'\(CLIRunner.binary.path)' impute '\(input)' -o '\(out)' 2>&-; echo $? > '\(folder)/status'")
        #expect(contents(folder + "/status") == "0\n", "\(ok.stderr)")
        let written = try #require(contents(out))
        #expect(written.hasPrefix("x,y\n1,2\n2,3\n"))
        #expect(!written.contains("emimpute"))
        let missing = try shell("'\(CLIRunner.binary.path)' impute '\(folder)/nope.csv' 2>&-; echo $? > '\(folder)/status'")
        _ = missing
        #expect(contents(folder + "/status") == "66\n")
        let piped = try shell("'\(CLIRunner.binary.path)' impute '\(input)' 2>&1 >'\(folder)/p.csv' | true; echo ${PIPESTATUS[0]} > '\(folder)/status'")
        _ = piped
        #expect(contents(folder + "/status") == "0\n")
        #expect(contents(folder + "/p.csv") == written)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to make a full device with mknod"))
    func aFullStandardErrorIsIgnored() throws {
        let (folder, input) = try folderWithData()
        #expect(mknod(folder + "/full", S_IFCHR | 0o666, dev_t((1 << 8) | 7)) == 0)
        let r = try shell("'\(CLIRunner.binary.path)' impute '\(input)' -o '\(folder)/o.csv' 2>'\(folder)/full'; echo $? >&2")
        #expect(r.stderr == "0\n")
        #expect(contents(folder + "/o.csv")?.hasPrefix("x,y\n") == true)
    }

    // Item 5: repeated column options add up; an empty list is a usage error.
    @Test func repeatedColumnOptionsAccumulate() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("id,a,b,c\n1,1,2,5\n2,2,,3\n3,3,5,1\n4,5,4,2\n5,4,8,9\n6,6,1,7\n", in: folder)
        let r = try CLIRunner.run(["impute", input, "--exclude", "id", "--exclude", "b", "-o", folder + "/o.csv", "--report", folder + "/r.json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        #expect(report["columns"] as? [String] == ["a", "c"])
        let chosen = try CLIRunner.run(["impute", input, "--columns", "a", "--columns", "b,c", "-o", folder + "/o.csv", "--report", folder + "/r.json"])
        #expect(chosen.status == 0, "\(chosen.stderr)")
        let second = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        #expect(second["columns"] as? [String] == ["a", "b", "c"])
        for empty in [["--columns", ""], ["--exclude", " , "]] {
            let bad = try CLIRunner.run(["impute", input, "-o", folder + "/o.csv"] + empty)
            #expect(bad.status == 64)
            #expect(bad.stderr.contains("needs at least one column name"))
        }
    }

    // Item 7: two outputs on one file are refused before anything is written.
    @Test(arguments: [["-o", "o.csv", "--report", "o.csv"], ["-o", "o.csv", "--save-model", "o.csv"],
                      ["-o", "o.csv", "--html", "o.csv"], ["-o", "a.csv", "--report", "r.json", "--html", "r.json"],
                      ["-o", "-", "--report", "-"], ["--report", "-"]])
    func collidingOutputsAreRefused(outputs: [String]) throws {
        let (folder, input) = try folderWithData()
        let arguments = outputs.map { $0.hasSuffix(".csv") || $0.hasSuffix(".json") ? folder + "/" + $0 : $0 }
        let r = try CLIRunner.run(["impute", input, "-q"] + arguments)
        #expect(r.status == 73)
        #expect(r.stderr.contains("name the same file"))
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["d.csv"])
    }

    @Test func applyOutputAndVarianceOutputMustDiffer() throws {
        let (folder, input) = try folderWithData()
        let model = folder + "/m.json"
        #expect(try CLIRunner.run(["impute", input, "-o", folder + "/fit.csv", "--save-model", model, "-q"]).status == 0)
        let r = try CLIRunner.run(["apply", "--model", model, input, "-o", folder + "/s.csv", "--variance-output", folder + "/s.csv"])
        #expect(r.status == 73)
        #expect(!FileManager.default.fileExists(atPath: folder + "/s.csv"))
    }

    // Item 8: a replaced file keeps its permission bits, and its owner when run as root.
    @Test func replacedFilesKeepTheirModeAndOwner() throws {
        let (folder, input) = try folderWithData()
        #expect(chmod(input, 0o600) == 0)
        let changesOwner = getuid() == 0
        if changesOwner { #expect(chown(input, 65534, 65534) == 0) }
        let r = try CLIRunner.run(["impute", input, "-o", input, "--in-place", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        var info = stat()
        #expect(stat(input, &info) == 0)
        #expect(info.st_mode & 0o7777 == 0o600)
        if changesOwner { #expect(info.st_uid == 65534 && info.st_gid == 65534) }
        #expect(contents(input)?.contains("3.78571428") == true)
        _ = folder
    }

    @Test func newFilesFollowTheUmask() throws {
        let (folder, input) = try folderWithData()
        let r = try shell("umask 027; '\(CLIRunner.binary.path)' impute '\(input)' -o '\(folder)/o.csv' -q")
        #expect(r.status == 0)
        var info = stat()
        #expect(stat(folder + "/o.csv", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o640)
    }

    // Item 10: destinations are checked before the input is read, so a bad path is reported
    // even when the input would have failed too, and nothing is written.
    @Test func destinationsAreCheckedBeforeLoading() throws {
        let folder = try CLIRunner.temporaryFolder()
        let broken = CLIRunner.write("x,y\n1,\"2\n", in: folder)
        for bad in [["--report", folder + "/missing/r.json"], ["--save-model", folder], ["-o", folder + "/missing/o.csv"]] {
            let r = try CLIRunner.run(["impute", broken, "-o", folder + "/o.csv"] + bad)
            #expect(r.status == 73, "\(bad): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/o.csv"))
    }

    // Item 10: when a later output fails, the completed CSV does not replace the old file.
    @Test(.enabled(if: getuid() == 0, "needs root to make a full device with mknod"))
    func aFailingReportLeavesTheOldOutputInPlace() throws {
        let (folder, input) = try folderWithData()
        #expect(mknod(folder + "/full", S_IFCHR | 0o666, dev_t((1 << 8) | 7)) == 0)
        let out = CLIRunner.write("old contents\n", in: folder, name: "o.csv")
        let r = try CLIRunner.run(["impute", input, "-o", out, "--report", folder + "/full", "-q"])
        #expect(r.status == 73)
        #expect(r.stderr.contains("no space left"))
        #expect(contents(out) == "old contents\n")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == ["d.csv", "full", "o.csv"])
    }

    // Item 11: `-` is standard output for every output option.
    @Test func dashIsStandardOutput() throws {
        let (folder, input) = try folderWithData()
        let csv = try CLIRunner.run(["impute", input, "-o", "-", "-q"])
        #expect(csv.status == 0)
        #expect(csv.stdoutText.hasPrefix("x,y\n1,2\n"))
        let json = try CLIRunner.run(["impute", input, "-o", folder + "/o.csv", "--report", "-", "-q"])
        #expect(json.status == 0)
        #expect((try? JSONSerialization.jsonObject(with: json.stdout)) is [String: Any])
        #expect(!FileManager.default.fileExists(atPath: folder + "/-"))
        #expect(!FileManager.default.fileExists(atPath: "-"))
    }

    // A legal 255-byte file name works: the temporary name does not grow from it.
    @Test func aLongestLegalFileNameWorks() throws {
        let (folder, input) = try folderWithData()
        let name = folder + "/" + String(repeating: "n", count: 251) + ".csv"
        let r = try CLIRunner.run(["impute", input, "-o", name, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(contents(name)?.hasPrefix("x,y\n") == true)
    }

    // Item 17: negative numbers reach validation and are refused with the rule they break.
    @Test(arguments: [("--ridge", "-1"), ("--tolerance", "-1"), ("--threads", "-1"), ("--starts", "-1"), ("--max-iterations", "-5")])
    func negativeNumbersAreRefusedByRule(option: String, value: String) throws {
        let (folder, input) = try folderWithData()
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/o.csv", option, value])
        #expect(r.status == 64)
        #expect(r.stderr.contains("\(option) must be"), "\(r.stderr)")
        #expect(!r.stderr.contains("Missing value"))
    }

    // Item 22.
    @Test func inPlaceNeedsAnOutput() throws {
        let (_, input) = try folderWithData()
        let r = try CLIRunner.run(["impute", input, "--in-place"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--in-place needs --output"))
        #expect(contents(input) == data)
    }

    // Item 23: unreasonable values are usage errors, not endless runs.
    @Test(arguments: [("--starts", "9223372036854775807"), ("--ridge", "1e308"), ("--max-iterations", "9223372036854775807"),
                      ("--threads", "100000"), ("--tolerance", "inf")])
    func unreasonableValuesAreRefused(option: String, value: String) throws {
        let (folder, input) = try folderWithData()
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/o.csv", option, value])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("\(option) must be"))
    }

    // Item 28: no subcommand is a usage error that shows the help.
    @Test func noSubcommandPrintsHelpAndFails() throws {
        let r = try CLIRunner.run([])
        #expect(r.status == 64)
        #expect(r.stderr.contains("SUBCOMMANDS:"))
        #expect(r.stdout.isEmpty)
    }
}
