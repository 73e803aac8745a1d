// `impute --imputations M`, `--regress`, `--sd-output` through the built binary.
// Each test fails on the code before issue 15 (the options did not exist: exit 64 with
// "Unknown option"), and checks what the issue asks of the option.

import Foundation
import Testing

@Suite struct MultipleImputationCLITests {
    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("--imputations 1 is a usage error: one draw is not multiple imputation")
    func oneImputationIsRefused() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--imputations", "1", "-o", folder + "/o.csv"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("not multiple imputation"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/o-1.csv"))
    }

    @Test("-o out.csv writes out-1 … out-M; observed cells are byte-exact, missing cells are draws that differ")
    func filesPerImputation() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--imputations", "3", "-q", "-o", folder + "/out.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try Self.lines(CLIRunner.dataset("airquality.csv"))
        var drawn: [[String]] = []
        for m in 1...3 {
            let output = try Self.lines(folder + "/out-\(m).csv")
            #expect(output.count == input.count)
            var cells: [String] = []
            for (a, b) in zip(input, output) {
                let inputFields = a.split(separator: ",", omittingEmptySubsequences: false)
                let outputFields = b.split(separator: ",", omittingEmptySubsequences: false)
                #expect(inputFields.count == outputFields.count)
                for (x, y) in zip(inputFields, outputFields) {
                    if x == "NA" { #expect(Double(y) != nil); cells.append(String(y)) } else { #expect(x == y) }
                }
            }
            #expect(cells.count == 44)
            drawn.append(cells)
        }
        #expect(drawn[0] != drawn[1] && drawn[1] != drawn[2])
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
    }

    @Test("Standard output gets one long CSV with a leading imputation column, equal to the files, for any thread count")
    func longFormat() throws {
        let folder = try CLIRunner.temporaryFolder()
        let common = ["impute", CLIRunner.dataset("airquality.csv"), "--imputations", "2", "-q", "--seed", "9"]
        let long = try CLIRunner.run(common + ["--threads", "1"])
        let longAgain = try CLIRunner.run(common + ["--threads", "3"])
        #expect(long.status == 0 && longAgain.status == 0)
        #expect(long.stdout == longAgain.stdout)
        _ = try CLIRunner.run(common + ["-o", folder + "/f.csv"])
        let text = String(decoding: long.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let file1 = try Self.lines(folder + "/f-1.csv").filter { !$0.isEmpty }
        let file2 = try Self.lines(folder + "/f-2.csv").filter { !$0.isEmpty }
        #expect(text.count == 1 + 2 * 153)
        #expect(text[0] == "imputation," + file1[0])
        #expect(Array(text[1...153]) == file1.dropFirst().map { "1," + $0 })
        #expect(Array(text[154...]) == file2.dropFirst().map { "2," + $0 })
    }

    @Test("One pass for the M files and M passes for the long format give the same cells, for any thread count; blank lines, a byte-order mark and a missing final line end are copied, the label goes on the record")
    func onePassFilesAndLongFormatAgree() throws {
        let folder = try CLIRunner.temporaryFolder()
        var text = "\u{FEFF}x,y,note\r\n"
        for i in 0..<300 { text += "\(i % 7 == 0 ? "" : String(i)),\(Double(i % 13) * 0.5 + (i % 5 == 0 ? 0 : 1)),\"n \(i)\"\r\n" + (i % 50 == 0 ? "\r\n" : "") }
        text += "1,,last"
        let input = folder + "/in.csv"
        try text.write(toFile: input, atomically: true, encoding: .utf8)
        let common = ["impute", input, "--imputations", "3", "-q", "--seed", "4", "--round-integers"]
        for threads in ["1", "2", "4"] {
            let r = try CLIRunner.run(common + ["--threads", threads, "-o", folder + "/t\(threads).csv"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        for m in 1...3 {
            let one = try Data(contentsOf: URL(fileURLWithPath: folder + "/t1-\(m).csv"))
            #expect(one == (try Data(contentsOf: URL(fileURLWithPath: folder + "/t2-\(m).csv"))))
            #expect(one == (try Data(contentsOf: URL(fileURLWithPath: folder + "/t4-\(m).csv"))))
        }
        let long = try CLIRunner.run(common + ["--threads", "2"])
        #expect(long.status == 0, "\(long.stderr)")
        // The long file is the files one after the other, each record labelled (after the
        // blank lines that precede it), one header and one byte-order mark, each part ending a line.
        var expected = Data()
        for m in 1...3 {
            var file = String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/t1-\(m).csv")), as: UTF8.self)
            file.removeFirst()  // the byte-order mark
            var lines = file.components(separatedBy: "\r\n")
            let header = lines.removeFirst()
            var part = m == 1 ? "\u{FEFF}imputation,\(header)\r\n" : ""
            for (k, line) in lines.enumerated() {
                let isLast = k == lines.count - 1
                part += line.isEmpty ? (isLast ? "" : "\r\n") : "\(m),\(line)" + (isLast ? "\n" : "\r\n")
            }
            expected += Data(part.utf8)
        }
        #expect(long.stdout == expected)
    }

    @Test("--sd-output on impute writes what apply --sd-output (and its alias --variance-output) writes with the saved model")
    func standardDeviationFile() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        let r = try CLIRunner.run(["impute", input, "-q", "-o", folder + "/o.csv", "--save-model", folder + "/m.json", "--sd-output", folder + "/a.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let b = try CLIRunner.run(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/p.csv", "--sd-output", folder + "/b.csv"])
        let c = try CLIRunner.run(["apply", "--model", folder + "/m.json", input, "-q", "-o", folder + "/q.csv", "--variance-output", folder + "/c.csv"])
        #expect(b.status == 0 && c.status == 0)
        let ours = try String(contentsOfFile: folder + "/a.csv", encoding: .utf8)
        #expect(ours.hasPrefix("row,column,imputed,conditional_sd\n"))
        #expect(ours.split(separator: "\n").count == 45)
        #expect(ours == (try String(contentsOfFile: folder + "/b.csv", encoding: .utf8)))
        #expect(ours == (try String(contentsOfFile: folder + "/c.csv", encoding: .utf8)))
    }

    @Test("--regress: pooled terms in the report and the summary; an unknown column or a missing --imputations is a usage error")
    func regressions() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        let r = try CLIRunner.run(["impute", input, "--imputations", "5", "-o", folder + "/o.csv", "--report", folder + "/r.json",
                                   "--regress", "Ozone ~ Wind + Temp"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("regression Ozone ~ Wind + Temp"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let mi = try #require(report["multipleImputation"] as? [String: Any])
        #expect(mi["imputations"] as? Int == 5)
        let regression = try #require((mi["regressions"] as? [[String: Any]])?.first)
        let terms = try #require(regression["terms"] as? [[String: Any]])
        #expect(terms.map { $0["name"] as? String } == ["(Intercept)", "Wind", "Temp"])
        // Ozone falls with wind: a negative slope whose 95% interval lies below 0.
        #expect((terms[1]["upper95"] as? Double ?? 0) < 0)

        let unknown = try CLIRunner.run(["impute", input, "--imputations", "2", "-o", folder + "/u.csv", "--regress", "Ozone ~ Rain"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("'Rain' is not a modelled column"))
        let alone = try CLIRunner.run(["impute", input, "-o", folder + "/v.csv", "--regress", "Ozone ~ Wind"])
        #expect(alone.status == 64)
    }

    @Test("--round-integers applies to draws")
    func roundedDraws() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("survey.csv"), "--na", "-99", "--exclude", "respondent_id",
                                   "--imputations", "2", "--round-integers", "-q", "-o", folder + "/s.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let input = try Self.lines(CLIRunner.dataset("survey.csv"))
        let output = try Self.lines(folder + "/s-2.csv")
        let column = input[0].split(separator: ",").firstIndex(of: "satisfaction")!
        var imputed = 0
        // Rows without quoted fields (names such as "Silva, Ines"), so that commas split fields.
        for (a, b) in zip(input.dropFirst(), output.dropFirst()) where !a.isEmpty && !a.contains("\"") {
            let x = a.split(separator: ",", omittingEmptySubsequences: false), y = b.split(separator: ",", omittingEmptySubsequences: false)
            if x[column] == "-99" || x[column].isEmpty {
                imputed += 1
                #expect(Double(y[column]).map { $0 == $0.rounded() } == true, "\(y[column])")
            }
        }
        #expect(imputed > 0)
    }

    @Test("The HTML report shows each imputation's drawn values beside the observed ones, only with --imputations")
    func htmlSection() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        let r = try CLIRunner.run(["impute", input, "--imputations", "4", "-q", "-o", folder + "/o.csv", "--html", folder + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(page.contains("id=\"multiple-imputation-section\""))
        // Two columns with missing cells (Ozone, Solar.R), one line per imputation each.
        #expect(page.components(separatedBy: "<polyline class=\"mi-line\"").count - 1 == 8)
        let single = try CLIRunner.run(["impute", input, "-q", "-o", folder + "/p.csv", "--html", folder + "/s.html"])
        #expect(single.status == 0)
        #expect(!(try String(contentsOfFile: folder + "/s.html", encoding: .utf8)).contains("multiple-imputation-section"))
    }
}
