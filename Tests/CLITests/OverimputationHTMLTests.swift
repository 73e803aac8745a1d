// The HTML report's overimputation plot through the built binary: one panel per column with
// missing cells, the stated coverage equal to the share of covering intervals drawn.

import Foundation
import Testing

@Suite struct OverimputationHTMLTests {
    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    @Test("The HTML report has an overimputation plot whose stated coverage is the share of covering intervals drawn; not for a mixture")
    func overimputationSection() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.dataset("airquality.csv")
        let r = try CLIRunner.run(["impute", input, "-q", "-o", folder + "/o.csv", "--html", folder + "/r.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: folder + "/r.html", encoding: .utf8)
        let section = try #require(page.components(separatedBy: "<section id=\"overimputation\"").dropFirst().first?.components(separatedBy: "</section>").first)
        // Ozone and Solar.R have missing cells: two panels, each of 100 sampled cells.
        #expect(Self.count("<g class=\"overimputation\"", in: section) == 2)
        let all = Self.count("<circle", in: section)
        #expect(all == 200)
        let missed = Self.count("data-covered=\"false\"", in: section)
        let stated = String(format: "%.1f%%", 100 * Double(all - missed) / Double(all))
        #expect(section.contains("<p id=\"overimputation-coverage\"><strong>\(stated)</strong> of 200 90% intervals"), "\(stated)")
        // The y = x line is drawn in each panel.
        #expect(Self.count("class=\"tolerance\"", in: section) == 2)
        let mixture = try CLIRunner.run(["impute", input, "-q", "--model", "mixture", "--components", "2", "-o", folder + "/m.csv", "--html", folder + "/m.html"])
        #expect(mixture.status == 0)
        #expect(!(try String(contentsOfFile: folder + "/m.html", encoding: .utf8)).contains("id=\"overimputation\""))
    }
}
