import EMImputeCore
import EMImputeIO
import Foundation
import Testing

/// The library speaks Swift, the command line speaks flags (issue #12, item 4): no library
/// error or warning names a command-line flag or command; the command adds those (`Remedy`).
@Suite("library vocabulary")
struct LibraryVocabularyTests {
    /// A command-line flag (`--exclude`) or command (`emimpute describe`) in `text`, or nil.
    static func cliVocabulary(in text: String) -> String? {
        if let r = text.range(of: #"--[a-z]"#, options: .regularExpression) { return String(text[r.lowerBound...].prefix(20)) }
        for command in ["impute", "apply", "describe", "statistics", "fit"] where text.contains("emimpute \(command)") {
            return "emimpute \(command)"
        }
        return nil
    }

    /// One of every fit warning; the switch fails to compile when a case is added without one.
    static let fitWarnings: [EMWarning] = {
        let all: [EMWarning] = [
            .notConverged(model: .gaussian, maxIterations: 5, tolerance: 1e-8),
            .notConverged(model: .mixture, maxIterations: 5, tolerance: 1e-8),
            .notConverged(model: .t, maxIterations: 5, tolerance: 1e-8),
            .nearlySingular(columns: ["a", "b"], unexplainedFraction: 1e-9),
            .objectiveDecreased(model: .gaussian, largestDecrease: 1e-3, nearlyCollinear: ["a", "b"]),
            .objectiveDecreased(model: .t, largestDecrease: 1e-3, nearlyCollinear: nil),
            .startsDisagree(starts: 3, largestDifference: 0.2),
            .startsReachedLowerMaxima(reaching: 1, starts: 5),
            .rowsWithNothingObserved(model: .mixture, rows: 2),
            .ridgePosteriorMode(ridge: 5),
            .slowConvergence(largestFractionOfMissingInformation: 0.97),
            .identifierLikeColumn(column: "id", rows: 40),
            .degreesOfFreedomAtUpperBound(bound: 10_000),
            .degreesOfFreedomAtLowerBound(bound: 0.1),
            .emptyComponents(components: [3], fitted: 3),
            .componentCovarianceFloored(components: [2], floor: 1e-6),
        ]
        for w in all {
            switch w {
            case .notConverged, .nearlySingular, .objectiveDecreased, .startsDisagree, .startsReachedLowerMaxima,
                 .rowsWithNothingObserved, .ridgePosteriorMode, .slowConvergence, .identifierLikeColumn,
                 .degreesOfFreedomAtUpperBound, .degreesOfFreedomAtLowerBound, .emptyComponents, .componentCovarianceFloored:
                break
            }
        }
        return all
    }()

    static let fitErrors: [EMError] = [
        .noData, .columnEntirelyMissing(column: "x"), .constantColumn(column: "x"), .tooFewRows(rows: 1, columns: 2),
        .tooFewRows(rows: 3, columns: 4), .singularCovariance(columns: ["a", "b"], iteration: 3),
        .tooManyColumns(count: 3000, limit: 2000), .imputationOutOfRange(column: "x", row: 2),
    ]

    static let readerErrors: [CSVError] = {
        let cell = CSVError.OffendingCell(line: 3, text: "n/a", reason: .notANumber)
        let comma = CSVError.OffendingCell(line: 3, text: "1,5", reason: .decimalComma)
        let kinds: [CSVError.Kind] = [
            .cannotOpen(reason: "No such file or directory"), .empty, .noDataRows, .malformedQuote, .unterminatedQuote,
            .raggedRow(expected: 2, found: 3), .duplicateColumnName(name: "a", firstColumn: 1), .unknownColumn(name: "Year"),
            .mixedColumn(name: "x", offending: [cell], total: 1), .mixedColumn(name: "x", offending: [comma], total: 1),
            .notNumeric(name: "x", offending: [cell]), .tooLarge, .cannotSpool(folder: "/tmp", reason: "No space left on device"),
            .inputChanged(.removed), .inputChanged(.replaced), .inputChanged(.resized(from: 1, to: 2)),
            .inputChanged(.modified), .inputChanged(.rewritten),
        ]
        for kind in kinds {
            switch kind {
            case .cannotOpen, .empty, .noDataRows, .malformedQuote, .unterminatedQuote, .raggedRow, .duplicateColumnName,
                 .unknownColumn, .mixedColumn, .notNumeric, .tooLarge, .cannotSpool, .inputChanged:
                break
            }
        }
        return kinds.flatMap { [CSVError(file: "in.csv", line: 3, column: 1, kind: $0),
                                CSVError(file: "in.csv", line: 3, column: 1, kind: $0, canLeaveColumnOut: false)] }
    }()

    static let readerWarnings: [CSVWarning] = [
        .textLooksNumeric(column: "x", position: 1, numbers: 4, observed: 10,
                          evidence: [.decimalComma(cells: 2, example: "1,5"), .thousandsSeparators(cells: 1, example: "1,000"),
                                     .undeclaredCode(code: "n/a", cells: 6)]),
        .missingFinalLineEnd(line: 6, text: "5,7,"),
    ]

    static let modelFileErrors: [ModelFileError] = [
        .cannotOpen(path: "m.json", errno: ENOENT), .isFolder(path: "m"), .notJSON(path: "m.json", detail: "invalid JSON"),
        .missingKey(path: "m.json", key: "mean"), .wrongType(path: "m.json", key: "scale[2]", expected: "a number"),
        .unsupportedVersion(path: "m.json", version: 99), .unsupportedVersion(path: "m.json", version: 0),
        .invalid(path: "m.json", reason: "a scale is not positive"),
        .adjustmentNotRecorded(path: "m.json", adjustment: .roundIntegers),
        .adjustmentNotRecorded(path: "m.json", adjustment: .clampToObservedRange),
        .missingColumn(file: "in.csv", column: "x"),
    ]

    static let statisticsErrors: [TableStatisticsError] = [
        .cannotOpen(path: "s.json", reason: "No such file or directory"), .notStatistics(path: "s.json"),
        .unsupportedVersion(path: "s.json", version: 9), .invalid(path: "s.json", reason: "bad"),
        .dialectsDiffer(expected: "a", found: "b"), .columnsDiffer(expected: "a", found: "b"),
    ]

    @Test func noErrorOrWarningDescriptionNamesAFlag() {
        var texts: [(String, String)] = []
        texts += Self.fitWarnings.map { ("\($0.code)", $0.description) }
        texts += Self.fitWarnings.map { ("report \($0.code)", ReportWarning.fit($0).description) }
        texts += Self.fitErrors.map { ("\($0)", $0.localizedDescription) }
        texts += Self.readerErrors.map { ("\($0.kind)", $0.localizedDescription) }
        texts += Self.readerWarnings.map { ("\($0.code)", ReportWarning.input($0).description) }
        texts += Self.modelFileErrors.map { ("\($0)", $0.localizedDescription) }
        texts += Self.statisticsErrors.map { ("\($0)", $0.localizedDescription) }
        let adjusted = ReportWarning.adjustedImputations(roundedColumns: ["n"], clamped: true)
        texts.append((adjusted.code, adjusted.description))
        #expect(texts.count > 60)
        for (name, text) in texts {
            #expect(!text.isEmpty, "\(name)")
            #expect(Self.cliVocabulary(in: text) == nil, "\(name): \(text)")
        }
        // The check can fail: it finds a flag and a command.
        #expect(Self.cliVocabulary(in: "drop it (--exclude x)") == "--exclude x)")
        #expect(Self.cliVocabulary(in: "run 'emimpute describe f'") == "emimpute describe")
    }

    @Test func everyWarningCodeHasASampleAndAStableName() {
        #expect(Set(Self.fitWarnings.map(\.code)) == Set(EMWarning.Code.allCases))
        #expect(Set(Self.readerWarnings.map(\.code)) == Set(CSVWarning.Code.allCases))
        // The report's codes are the raw values, as Report.md lists them.
        #expect(ReportWarning.fit(.ridgePosteriorMode(ridge: 1)).code == "ridgePosteriorMode")
        #expect(ReportWarning.fit(.nearlySingular(columns: ["a"], unexplainedFraction: 0)).code == "nearSingular")
        #expect(ReportWarning.input(.missingFinalLineEnd(line: 1, text: "")).code == "missingFinalLineEnd")
    }

    /// Report.md lists every code the report can carry, and no other.
    @Test func theReportDocumentationListsEveryCode() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("Docs/Report.md"), encoding: .utf8)
        let after = try #require(text.components(separatedBy: "### Warnings").dropFirst().first)
        let section = try #require(after.components(separatedBy: "```").first)  // the table, up to the example
        let listed = Set(section.matches(of: /\n\| `(\w+)` \|/).map { String($0.1) })
        let codes = Set(EMWarning.Code.allCases.map(\.rawValue) + CSVWarning.Code.allCases.map(\.rawValue)
                        + [ReportWarning.adjustedImputations(roundedColumns: [], clamped: true).code])
        #expect(listed == codes, "documented but not a code: \(listed.subtracting(codes)); a code not documented: \(codes.subtracting(listed))")
    }

    /// The whole of the library's source: no string literal names a flag.
    @Test func noStringLiteralInTheLibraryNamesAFlag() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [String] = []
        var files = 0
        for module in ["Sources/EMImputeCore", "Sources/EMImputeIO"] {
            let folder = root.appendingPathComponent(module)
            let paths = try #require(FileManager.default.subpathsOfDirectory(atPath: folder.path) as [String]?)
            for path in paths where path.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
                for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = line.trimmingCharacters(in: .whitespaces)
                    guard !code.hasPrefix("//") else { continue }
                    var rest = Substring(code)
                    while let r = rest.range(of: #""(?:[^"\\]|\\.)*""#, options: .regularExpression) {
                        if let hit = Self.cliVocabulary(in: String(rest[r])) { found.append("\(module)/\(path):\(k + 1): \(hit)") }
                        rest = rest[r.upperBound...]
                    }
                }
            }
        }
        #expect(files > 50)
        #expect(found.isEmpty, "\(found)")
    }
}
