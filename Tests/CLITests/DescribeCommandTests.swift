import Foundation
import Testing

@Suite("emimpute describe")
struct DescribeCommandTests {
    @Test func tableOfColumnsAndPatterns() throws {
        let folder = try CLIRunner.temporaryFolder()
        let input = CLIRunner.write("id,name,x,y\n1,a,1,\n2,b,,\n3,c,3,4\n4,d,,5\n5,e,6,\n", in: folder)
        let r = try CLIRunner.run(["describe", input, "--exclude", "id"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdoutText.components(separatedBy: "\n")
        #expect(lines.contains("id      excluded         5        0        0.0"))
        #expect(lines.contains("name    text             5        0        0.0"))
        #expect(lines.contains("x       numeric          3        2       40.0"))
        #expect(lines.contains("y       numeric          2        3       60.0"))
        #expect(r.stdoutText.contains("4 distinct"))
        // Most frequent first: (x observed, y missing) ×2, then the others ×1.
        #expect(lines.contains("   2  1  0        1"))
    }

    @Test func jsonDescribesTheSame() throws {
        let r = try CLIRunner.run(["describe", CLIRunner.dataset("airquality.csv"), "--json"])
        #expect(r.status == 0)
        let json = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        #expect(json["rows"] as? Int == 153)
        let patterns = json["patterns"] as! [[String: Any]]
        #expect(patterns.map { $0["rows"] as! Int }.reduce(0, +) == 153)
        #expect(patterns.first?["missing"] as? [String] == [])
        let columns = json["columns"] as! [[String: Any]]
        #expect(columns.first { $0["name"] as? String == "Ozone" }?["missing"] as? Int == 37)
    }

    /// Little's test is in `describe --json` too (issue #15), the same test as the report's.
    @Test func jsonHasLittlesTestAsTheReportHasIt() throws {
        let folder = try CLIRunner.temporaryFolder()
        let described = try CLIRunner.run(["describe", CLIRunner.dataset("airquality.csv"), "--json"])
        #expect(described.status == 0, "\(described.stderr)")
        let json = try JSONSerialization.jsonObject(with: described.stdout) as! [String: Any]
        let little = try #require(json["littleTest"] as? [String: Any])
        let imputed = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "-q", "-o", folder + "/o.csv", "--report", folder + "/r.json"])
        #expect(imputed.status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let reported = try #require(report["littleTest"] as? [String: Any])
        let a = try #require(little["statistic"] as? Double), b = try #require(reported["statistic"] as? Double)
        #expect(abs(a - b) <= 1e-8 * abs(b))
        #expect(little["degreesOfFreedom"] as? Int == reported["degreesOfFreedom"] as? Int)
        // No missing cell: nothing to test.
        let complete = CLIRunner.write("x,y\n1,2\n2,3\n3,5\n", in: folder)
        let none = try JSONSerialization.jsonObject(with: try CLIRunner.run(["describe", complete, "--json"]).stdout) as! [String: Any]
        #expect(none["littleTest"] == nil)
    }
}
