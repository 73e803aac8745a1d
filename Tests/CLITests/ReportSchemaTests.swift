import Foundation
import Testing

/// Validates JSON against the subset of JSON Schema that Docs/report.schema.json uses:
/// type (one or several), enum, required, properties, additionalProperties: false, items.
struct SchemaValidator {
    /// Problems found, each with its JSON path.
    static func problems(_ value: Any, _ schema: [String: Any], path: String = "$") -> [String] {
        var out: [String] = []
        if let types = (schema["type"] as? [String]) ?? (schema["type"] as? String).map({ [$0] }),
           !types.contains(where: { matches(value, $0) }) {
            return ["\(path): expected \(types.joined(separator: "|")), got \(Swift.type(of: value)) \(value)"]
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) {
            out.append("\(path): \(value) is not one of \(allowed)")
        }
        if let object = value as? [String: Any] {
            for key in schema["required"] as? [String] ?? [] where object[key] == nil { out.append("\(path): missing key \(key)") }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for (key, v) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += problems(v, sub, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): undocumented key \(key)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (i, v) in array.enumerated() { out += problems(v, items, path: "\(path)[\(i)]") }
        }
        return out
    }

    private static func matches(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        // Foundation decodes JSON true/false as a boolean NSNumber subclass.
        case "boolean": return "\(Swift.type(of: value))".contains("Boolean")
        case "integer": return isNumber(value) && (value as! NSNumber).doubleValue.rounded() == (value as! NSNumber).doubleValue
        case "number": return isNumber(value)
        case "string": return value is String
        case "array": return value is [Any]
        case "object": return value is [String: Any]
        default: return false
        }
    }

    private static func isNumber(_ value: Any) -> Bool {
        guard let n = value as? NSNumber, !(value is String) else { return false }
        return !matches(n, "boolean")
    }
}

@Suite("JSON report schema")
struct ReportSchemaTests {
    nonisolated(unsafe) static let schema = try! JSONSerialization.jsonObject(
        with: Data(contentsOf: CLIRunner.root.appendingPathComponent("Docs/report.schema.json"))) as! [String: Any]

    @Test(arguments: [("airquality.csv", [String]()), ("penguins.csv", []), ("survey.csv", ["--na", "-99", "--exclude", "respondent_id"]),
                      ("survey.csv", ["--na", "-99", "--exclude", "respondent_id", "--starts", "2", "--ridge", "0.5", "--accelerate", "squarem"]),
                      // Issue 16: the mixture (BIC choice) and the t have their own 'model' sections.
                      ("penguins.csv", ["--exclude", "year", "--model", "mixture", "--components", "auto", "--max-components", "2", "--starts", "0"]),
                      ("airquality.csv", ["--model", "t"]),
                      // ν = ∞ has no JSON number: null with degreesOfFreedomIsInfinite.
                      ("airquality.csv", ["--model", "t", "--df", "inf"]),
                      // Issue 15: multiple imputation's section.
                      ("airquality.csv", ["--imputations", "3", "--regress", "Ozone ~ Wind + Temp", "--regress", "Solar.R ~ Temp", "--bounded-draws"])])
    func reportOfABundledDatasetMatchesTheSchema(dataset: String, arguments: [String]) throws {
        let folder = try CLIRunner.temporaryFolder()
        let r = try CLIRunner.run(["impute", CLIRunner.dataset(dataset), "-q", "-o", folder + "/o.csv", "--report", folder + "/r.json"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))) as! [String: Any]
        let problems = SchemaValidator.problems(report, Self.schema)
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        #expect((report["history"] as! [Any]).count == report["iterations"] as! Int)
        #expect(report["monotone"] as? Bool == true)
        #expect(report["converged"] as? Bool == true)
        let p = (report["columns"] as! [Any]).count
        #expect((report["covariance"] as! [[Any]]).allSatisfy { $0.count == p })
        #expect((report["patterns"] as! [[String: Any]]).map { $0["rows"] as! Int }.reduce(0, +) == report["input"].flatMap { ($0 as? [String: Any])?["rows"] as? Int })
    }

    @Test func theValidatorCatchesWrongTypesAndMissingKeys() {
        var report: [String: Any] = ["schemaVersion": 1]
        #expect(SchemaValidator.problems(report, Self.schema).contains("$: missing key history"))
        report["iterations"] = "three"
        #expect(SchemaValidator.problems(report, Self.schema).contains { $0.hasPrefix("$.iterations: expected integer") })
        report["surprise"] = true
        #expect(SchemaValidator.problems(report, Self.schema).contains("$: undocumented key surprise"))
    }

    @Test func progressGoesToStandardErrorOnlyWhenAsked() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let quietPipe = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "-o", folder + "/o.csv"])
        #expect(quietPipe.status == 0, "\(quietPipe.stderr)")
        #expect(!quietPipe.stderr.contains("iteration 1 "))
        let asked = try CLIRunner.run(["impute", CLIRunner.dataset("airquality.csv"), "--progress"])
        #expect(asked.stderr.contains("emimpute: iteration 1  log-likelihood"))
        #expect(!asked.stdoutText.contains("iteration"))
    }
}
