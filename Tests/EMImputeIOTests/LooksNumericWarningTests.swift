import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 6: numeric columns silently became text — a decimal comma, quoted thousands,
/// an undeclared code in more than half of the column — with exit 0 and "missing: 0 of 5". A
/// text column that looks numeric (rule: `NumericLookTally`) now gives a
/// `CSVWarning.textLooksNumeric`. Old code: `LoadedTable` had no warnings at all.
@Suite("Text columns that look numeric")
struct LooksNumericWarningTests {
    private static func warnings(_ csv: String, _ configure: (inout CSVReadOptions) -> Void = { _ in }) throws -> [CSVWarning] {
        try load(csv, configure).warnings
    }

    @Test func decimalComma() throws {
        let t = try load("x;y\n1,5;2\n2,5;3\n;5\n4,1;4\n5,2;7\n") { $0.delimiter = UInt8(ascii: ";") }
        #expect(t.columns[0].kind == .text)
        #expect(t.warnings == [.textLooksNumeric(column: "x", position: 1, numbers: 4, observed: 4,
                                                 evidence: [.decimalComma(cells: 4, example: "1,5")])])
    }

    @Test func quotedThousands() throws {
        let w = try Self.warnings("x,y\n\"1,000\",2\n\"2,500\",3\n,5\n\"12,345.5\",4\n\"1,234,567\",7\n")
        #expect(w == [.textLooksNumeric(column: "x", position: 1, numbers: 4, observed: 4,
                                        evidence: [.thousandsSeparators(cells: 4, example: "12,345.5")])])
    }

    /// `1,000` next to an unambiguous `0,5` is a decimal comma.
    @Test func anAmbiguousCommaFollowsTheColumn() throws {
        let w = try Self.warnings("x;y\n1,000;1\n0,5;2\n2,250;3\n")  { $0.delimiter = UInt8(ascii: ";") }
        #expect(w == [.textLooksNumeric(column: "x", position: 1, numbers: 3, observed: 3,
                                        evidence: [.decimalComma(cells: 3, example: "0,5")])])
    }

    /// 6 of 10 `n/a`: text, with the code named and counted; 5 of 10 stays an error.
    @Test func anUndeclaredCodeInMoreThanHalfTheColumn() throws {
        let six = "x,y\n" + (0..<10).map { "\($0 < 6 ? "n/a" : String($0)),\($0)" }.joined(separator: "\n") + "\n"
        let w = try Self.warnings(six)
        #expect(w == [.textLooksNumeric(column: "x", position: 1, numbers: 4, observed: 10,
                                        evidence: [.undeclaredCode(code: "n/a", cells: 6)])])
        let five = "x,y\n" + (0..<10).map { "\($0 < 5 ? "n/a" : String($0)),\($0)" }.joined(separator: "\n") + "\n"
        guard case .mixedColumn(let name, _, let total)? = csvError({ _ = try load(five) })?.kind else {
            Issue.record("5 of 10 should be an error"); return
        }
        #expect(name == "x" && total == 5)
        // Declared, the column is numeric and the warning is gone.
        let declared = try load(six) { $0.missingTokens += ["n/a"] }
        #expect(declared.columns[0].kind == .numeric && declared.warnings.isEmpty)
    }

    /// The two controls: the rule must not fire on real text.
    @Test(arguments: [
        "name,y\nAlice,1\nBob,2\nCarol,3\n",                            // no numbers
        "d,y\n2026-03-14,1\n2026-03-15,2\n2026-03-16,3\n",              // dates
        "a,y\nyes,1\nno,2\nyes,3\nno,4\nyes,5\nno,6\n3,7\n",           // a stray number among two categories
        "v,y\n1.2.3,1\n10.4.1,2\n2,3\nv1,4\n",                          // version strings
    ])
    func realTextGivesNoWarning(csv: String) throws {
        let t = try load(csv)
        #expect(t.columns[0].kind == .text)
        #expect(t.warnings.isEmpty, "\(t.warnings)")
    }

    /// With more than `maximumDistinctTexts` different other texts the column is free text:
    /// no code is guessed, so its numbers alone must match the other cells. With one text
    /// fewer, the most frequent text is taken for a code and the column is reported.
    @Test func freeTextHasNoCode() throws {
        func csv(distinct: Int) -> String {
            let words = (0..<distinct).map { "word\($0)" }
            let codes = [String](repeating: "n/a", count: 50)
            let numbers = (0..<45).map(String.init)
            return "x,y\n" + (words + codes + numbers).map { "\($0),1" }.joined(separator: "\n") + "\n"
        }
        let limit = NumericLookTally.maximumDistinctTexts
        let coded = try load(csv(distinct: limit - 1))  // n/a and 31 words: 32 texts
        #expect(coded.columns[0].kind == .text)
        #expect(coded.warnings == [.textLooksNumeric(column: "x", position: 1, numbers: 45, observed: 50 + limit - 1 + 45,
                                                     evidence: [.undeclaredCode(code: "n/a", cells: 50)])])
        let free = try load(csv(distinct: limit))  // 33 texts
        #expect(free.columns[0].kind == .text && free.warnings.isEmpty)
    }

    @Test(arguments: [
        ("1,5", NumberNotation.decimalComma), ("-0,25", .decimalComma), (",5", .decimalComma), ("1234,5", .decimalComma),
        ("0,500", .decimalComma), ("1.234,5", .decimalComma), ("1 234,5", .decimalComma),
        ("1,000", .ambiguousComma), ("-12,345", .ambiguousComma),
        ("1,234.5", .thousandsSeparators), ("1,234,567", .thousandsSeparators), ("1.234.567", .thousandsSeparators),
        ("1 000", .thousandsSeparators), ("1'000.25", .thousandsSeparators),
        ("1,2,3", .other), ("1,", .other), ("12,34,56", .other), ("2026-03-14", .other), ("n/a", .other),
        ("1,23.4", .other), ("1.2.3", .other), ("1e5,0", .other), ("", .other),
    ])
    func notations(cell: String, notation: NumberNotation) {
        #expect(Array(cell.utf8).withUnsafeBufferPointer { NumberNotation.of($0) } == notation)
    }

    /// A mostly numeric column with a few decimal commas is an error whose remedy is about
    /// the notation, not `--na '1,5'` (old).
    @Test func aMixedColumnNamesTheNotation() throws {
        let error = csvError { _ = try load("x;y\n1;1\n2;2\n3,5;3\n") { $0.delimiter = UInt8(ascii: ";") } }
        guard case .mixedColumn(_, let cells, _)? = error?.kind else { Issue.record("\(String(describing: error))"); return }
        #expect(cells.first?.reason == .decimalComma)
        #expect(error?.description.contains("'3,5' (a decimal comma)") == true)
    }

    /// The warning reaches the JSON report, first, before the fit's.
    @Test func theWarningIsInTheReport() throws {
        let t = try load("x;y;z\n1,5;2;1\n2,5;3;2\n;5;4\n4,1;4;3\n5,2;7;9\n") { $0.delimiter = UInt8(ascii: ";") }
        let output = try OutputTarget.file(t.input.path + ".completed.csv")
        defer { output.abandon() }
        var job = ImputationJob(input: t.input.path)
        job.reading.delimiter = UInt8(ascii: ";")
        let report = try job.run(writingTo: output).report
        guard case .input(let first)? = report.warnings.first?.warning else { Issue.record("\(report.warnings)"); return }
        #expect(first.code == .textLooksNumeric)
        #expect(report.warnings.first?.code == "textLooksNumeric")
        #expect(report.warnings.first?.message.contains("column 'x'") == true)
    }

    /// No bundled dataset sets the rule off.
    @Test(arguments: ["airquality.csv", "penguins.csv", "survey.csv"])
    func bundledDatasetsGiveNoWarning(name: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Datasets/\(name)").path
        let t = try CSVLoader.load(path, options: { var o = CSVReadOptions(); o.missingTokens += ["-99"]; return o }())
        #expect(t.warnings.isEmpty, "\(t.warnings)")
    }
}
