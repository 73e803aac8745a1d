// Little's MCAR test and the standard errors of μ and Σ reach people, not just the JSON: the
// values the JSON report holds appear in the end-of-run text summary and in the HTML report's
// inference section (formatted as each shows numbers: %.6g in the text, 4 significant digits
// in the HTML).

import Foundation
import Testing

@Suite struct InferenceSummaryCLITests {
    /// NumberText.value's format, restated: %.0f for 1e4 ≤ |v| < 1e7, else %.4g.
    static func html(_ v: Double) -> String {
        abs(v) >= 1e4 && abs(v) < 1e7 ? String(format: "%.0f", v) : String(format: "%.4g", v)
    }

    @Test("The text summary and the HTML report carry Little's test and the standard errors the JSON report holds")
    func inferenceInTextAndHTML() throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "-o", folder + "/o.csv",
                                   "--report", folder + "/r.json", "--html", folder + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let page = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        let little = try #require(report["littleTest"] as? [String: Any])
        let statistic = try #require(little["statistic"] as? Double)
        let df = try #require(little["degreesOfFreedom"] as? Int)
        let d2 = "d² = \(String(format: "%.3f", statistic)), df = \(df)"
        #expect(r.stderr.contains("Little's MCAR test: " + d2))
        #expect(page.contains("<section id=\"inference\">"))
        #expect(page.contains(d2))
        // Each pattern's contribution is in the HTML table.
        let patterns = try #require(little["patterns"] as? [[String: Any]])
        for pattern in patterns {
            #expect(page.contains("<td>\(Self.html(pattern["contribution"] as! Double))</td>"))
        }

        let errors = try #require(report["standardErrors"] as? [String: Any])
        let names = report["columns"] as! [String]
        let mean = errors["mean"] as! [Double], fmi = errors["meanFractionMissing"] as! [Double]
        let covariance = errors["covariance"] as! [[Double]]
        #expect(names.count == 6 && mean.count == 6)
        for (j, name) in names.enumerated() {
            let text = "\(name): μ \(String(format: "%.6g", (report["mean"] as! [Double])[j])) (SE \(String(format: "%.6g", mean[j])), fmi \(String(format: "%.3f", max(0, fmi[j]))));"
            #expect(r.stderr.contains(text), "\(text)")
            #expect(r.stderr.contains("σ² \(String(format: "%.6g", (report["covariance"] as! [[Double]])[j][j])) (SE \(String(format: "%.6g", covariance[j][j]))"))
            #expect(page.contains("<tr><td>μ \(name)</td><td>\(Self.html((report["mean"] as! [Double])[j]))</td><td>\(Self.html(mean[j]))</td><td>\(Self.html(fmi[j]))</td></tr>"))
        }
        // Ozone has 37 of 153 cells missing: its mean has a real fraction of missing information.
        #expect(fmi[0] > 0.1)
        #expect(page.contains("<td>σ Ozone, Solar.R</td><td>\(Self.html((report["covariance"] as! [[Double]])[0][1]))</td><td>\(Self.html(covariance[0][1]))</td>"))
    }

    @Test("Without missing cells Little's test is not applicable, said in words, not as a statistic")
    func nothingMissing() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("a,b\n1,2\n2,3.5\n3,3\n4,6\n5,4\n", in: folder)
        let r = try CLIRunner.run(["impute", input, "-o", folder + "/o.csv", "--html", folder + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("Little's MCAR test: d²"))
        let page = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        #expect(page.contains("Little&#39;s MCAR test: not applicable (a single missingness pattern)"))
        #expect(!page.contains("little-patterns"))
        #expect(r.stderr.contains("Little's MCAR test: not applicable"))
    }
}
