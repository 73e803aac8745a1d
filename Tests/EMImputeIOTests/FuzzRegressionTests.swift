import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Inputs found by the fuzzers (Tests/Fuzz) that once crashed or broke an invariant, and
/// inputs that reached new coverage, kept in Fixtures/fuzz-regressions as plain CSV. Each is
/// loaded and fitted under every set of read options the fuzzers use
/// (`FuzzHarness.allOptionBytes`), and the outcome must be the one FuzzRegressionExpectations
/// pins for it — the loader's error kind, or the table's shape and the fit's result; then it is
/// imputed, written and loaded again, and the harness's invariants must hold.
///
/// (Any CSVError or EMError used to count as a pass, and only 56 of the 88 option sets were
/// replayed: the delimiters `e`, `0`, `:` and `#` never were.)
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let folder = Bundle.module.url(forResource: "Fixtures/fuzz-regressions", withExtension: nil)

    static let files: [String] = {
        guard let folder else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
    }()

    @Test func theFolderHasInputs() {
        #expect(Self.files.count >= 20)
        #expect(FuzzReadOptions.all.count == 88)
        // Every fixture has its expectations, and every expectation its fixture.
        #expect(Set(Self.files) == Set(FuzzRegressionExpectations.table.keys))
    }

    /// What loading and fitting `path` under `options` gives.
    static func observe(_ path: String, _ options: FuzzReadOptions) throws -> FuzzObservation {
        let table: LoadedTable
        do {
            table = try CSVLoader.load(path, options: FuzzHarness.options(options.byte))
        } catch let error as CSVError {
            return .rejected(LoadFailure(error.kind))
        }
        try FuzzHarness.checkInvariants(table, path: path)
        func fit(ridge: Double) throws -> Result<Void, EMError> {
            do {
                _ = try GaussianEM(options: FuzzHarness.emOptions(ridge: ridge)).fit(table.matrix)
                return .success(())
            } catch let error as EMError {
                return .failure(error)
            }
        }
        return .loaded(rows: table.rowCount, modelled: table.matrix.columnCount,
                       fit: try fit(ridge: 0), fitWithRidge: try fit(ridge: 1))
    }

    @Test(arguments: files)
    func eachOptionSetGivesThePinnedOutcome(file: String) throws {
        let path = try #require(Self.folder).appendingPathComponent(file).path
        let expectation = try #require(FuzzRegressionExpectations.table[file], "\(file) has no row in FuzzRegressionExpectations")
        for options in FuzzReadOptions.all {
            let expected = expectation(options), observed = try Self.observe(path, options)
            #expect(expected.matches(observed), "\(file), \(options):\n  expected \(expected)\n  got      \(observed)")
        }
    }

    @Test(arguments: files)
    func imputesWritesAndReadsBack(file: String) throws {
        let path = try #require(Self.folder).appendingPathComponent(file).path
        let output = NSTemporaryDirectory() + "/emimpute-fuzz-regression-\(UUID().uuidString).csv"
        defer { unlink(output) }
        for b in FuzzHarness.allOptionBytes {
            for ridge in [0.0, 1.0] {
                // A CSVError or EMError is pinned above; here only the writer's invariants count.
                do {
                    try FuzzHarness.impute(path, FuzzHarness.options(b), ridge: ridge, outputPath: output)
                } catch {
                    Issue.record("option byte \(b), ridge \(ridge): \(error)")
                }
            }
        }
    }

    // What each fixed bug looks like from outside.

    /// TableBuilder went on receiving the fields of CR-terminated records after it had
    /// recorded a header error, before its columns existed: an index out of range.
    @Test func headerErrorInACarriageReturnFileIsReported() {
        let error = csvError { _ = try load("a,a\r1,2\r3,4\r") }
        #expect(error?.kind == .duplicateColumnName(name: "a", firstColumn: 1))
        let unknown = csvError { _ = try load("a,b\r1,2\r") { $0.excluded = ["c"] } }
        #expect(unknown?.kind == .unknownColumn(name: "c"))
        let ragged = csvError { _ = try load("a,b\r1\r2,3,4\r") }
        #expect(ragged?.kind == .raggedRow(expected: 2, found: 1) && ragged?.line == 1)
    }

    /// An imputed number containing the delimiter was written bare and split the record.
    @Test func imputedNumberContainingTheDelimiterIsQuoted() throws {
        let table = try load("a.b\n1.NA\n2.3\n") { $0.delimiter = UInt8(ascii: ".") }
        #expect(String(decoding: try completedBytes(table, [2.5]), as: UTF8.self) == "a.b\n1.\"2.5\"\n2.3\n")
    }

    /// A missing-value code with a quote matched libcsv's text (`q"q`) but not the writer's
    /// (`q""q`): an internal inconsistency.
    @Test func missingCodeWithAQuote() throws {
        let table = try load("x,y\n1,\"q\"\"q\"\n2,3\n") { $0.missingTokens = ["q\"q"] }
        #expect(String(decoding: try completedBytes(table, [7]), as: UTF8.self) == "x,y\n1,7\n2,3\n")
    }

    /// libcsv skips a line of spaces; the writer's scanner took it for a record.
    @Test func linesOfSpacesOnlyAreCopied() throws {
        let csv = "a,b\n1,NA\n  \n3,4\n \t\r\n5,6\n  "
        let table = try load(csv)
        #expect(table.rowCount == 3)
        #expect(String(decoding: try completedBytes(table, [2]), as: UTF8.self) == csv.replacingOccurrences(of: "NA", with: "2"))
    }

    /// The streaming writer looked for a byte-order mark in its first read only: through a
    /// buffer of fewer than 3 bytes the mark became part of the first field. Now in ranges.
    @Test(arguments: [1, 2, 3, 4])
    func byteOrderMarkThroughTinyRanges(chunkSize: Int) throws {
        let csv: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\"a\",b\r\n1,NA\r\n2,3\r\n".utf8)
        let table = try CSVLoader.load(temporaryFile(bytes: csv))
        let path = NSTemporaryDirectory() + "/emimpute-out-\(UUID().uuidString).csv"
        defer { unlink(path) }
        let target = try OutputTarget.file(path)
        try writeCompleted(table, readingOrder(table.matrix, [4]), to: target, chunkSize: chunkSize, threads: 2)
        try target.commit()
        let expected: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("\"a\",b\r\n1,4\r\n2,3\r\n".utf8)
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
    }

    /// EM extrapolated past the largest Double and returned ∞ as an imputed value, which the
    /// writer wrote as `inf` (a cell the loader itself rejects).
    @Test func imputationBeyondTheRangeOfADoubleIsAnError() throws {
        let table = try load("x,y\n,35\n0,0\n1e308,4\n")
        #expect(throws: EMError.imputationOutOfRange(column: "x", row: 1)) { try GaussianEM().fit(table.matrix) }
        // The same when a saved model is applied to a row far from its data (x ≈ 2y).
        let model = try GaussianEM().fit(try load("x,y\n0,0\n2,1\n4,2.1\n6,2.9\n").matrix).model
        let path = NSTemporaryDirectory() + "/emimpute-out-\(UUID().uuidString).csv"
        let target = try OutputTarget.file(path)
        defer { target.abandon() }
        #expect(throws: EMError.imputationOutOfRange(column: "x", row: 2)) {
            _ = try ModelApplier.apply(model, input: temporaryFile("x,y\n1,NA\nNA,1e308\n"), options: CSVReadOptions(), output: target)
        }
    }

    /// An imputed value spelled like a missing-value code (`--na 0`) read back as missing.
    @Test func imputedValueIsNeverSpelledAsAMissingCode() throws {
        let table = try load("x,y\n1,-99\n0,3\n2,4\n") { $0.missingTokens += ["0", "-99", "-99.0"] }
        let completed = String(decoding: try completedBytes(table, [-99, 0]), as: UTF8.self)
        #expect(completed == "x,y\n1,-99.00\n0.0,3\n2,4\n")
        // What matters, whatever the spelling: read back with the same codes, nothing is missing.
        let again = try load(completed) { $0.missingTokens += ["0", "-99", "-99.0"] }
        #expect(again.matrix.missingCount == 0)
        #expect(sameValues(column(again, "y"), [-99, 3, 4]) && sameValues(column(again, "x"), [1, 0, 2]))
    }
}
