// Issue item 7: agreement with the independent NumPy EM (cross-checked with R Amelia) on
// the bundled datasets. Tests/Reference/README.md documents the fixtures.

import EMImputeCore
import Foundation
import Testing

/// The fields of a `*.reference.json` fixture the tests use.
struct ReferenceFixture: Decodable {
    struct Imputed: Decodable {
        let row: Int
        let column: String
        let value: Double
    }

    let dataset: String
    let columns: [String]
    let missingCodes: [String]
    let rowsInFile: Int
    let n: Int
    let droppedAllMissingRows: [Int]
    let missingCells: [Int]
    let mean: [Double]
    let covariance: [[Double]]
    let logLikelihood: Double
    let imputed: [Imputed]

    static func load(_ name: String) throws -> ReferenceFixture {
        let url = repositoryRoot().appendingPathComponent("Tests/Reference/\(name).reference.json")
        return try JSONDecoder().decode(ReferenceFixture.self, from: Data(contentsOf: url))
    }
}

/// A test-only CSV reader: RFC 4180 fields (commas separate, double quotes enclose fields
/// that contain commas, quotes or line breaks, "" is a literal quote), LF or CRLF records.
enum TestCSV {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field: [UInt8] = []
        var inQuotes = false, fieldWasQuoted = false
        let bytes = Array(text.utf8)
        var i = 0
        func endField() {
            record.append(String(decoding: field, as: UTF8.self))
            field.removeAll()
            fieldWasQuoted = false
        }
        func endRecord() {
            endField()
            records.append(record)
            record.removeAll()
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
                        field.append(c)
                        i += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    field.append(c)
                }
            } else {
                switch c {
                case UInt8(ascii: "\"") where field.isEmpty && !fieldWasQuoted:
                    inQuotes = true
                    fieldWasQuoted = true
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\n"):
                    break
                case UInt8(ascii: "\n"):
                    endRecord()
                default:
                    field.append(c)
                }
            }
            i += 1
        }
        if !field.isEmpty || !record.isEmpty || fieldWasQuoted { endRecord() }
        return records
    }

    /// The named columns of `url` as an IncompleteMatrix: a cell is missing when its text is
    /// one of `missingCodes`, or is a number equal to a numeric missing code (so "-99.0" ≡ "-99").
    static func load(_ url: URL, columns: [String], missingCodes: [String]) throws -> IncompleteMatrix {
        let records = parse(try String(contentsOf: url, encoding: .utf8))
        let header = try #require(records.first)
        let index = try columns.map { name in try #require(header.firstIndex(of: name), "no column \(name)") }
        let numericCodes = missingCodes.compactMap { Double($0) }
        var values: [Double] = []
        for record in records.dropFirst() {
            try #require(record.count == header.count, "ragged record \(record)")
            for j in index {
                let text = record[j]
                if missingCodes.contains(text) { values.append(.nan); continue }
                let v = try #require(Double(text), "not a number: '\(text)'")
                values.append(numericCodes.contains(v) ? .nan : v)
            }
        }
        return try IncompleteMatrix(rowCount: records.count - 1, columnCount: columns.count, values: values, columnNames: columns)
    }
}

@Suite("Agreement with the NumPy / Amelia reference")
struct ReferenceAgreementTests {
    /// Largest relative difference allowed in any single covariance entry.
    static let entrywiseTolerance = 1e-8

    @Test("the test CSV reader handles quotes, escaped quotes, embedded commas and CRLF")
    func csvReader() {
        let records = TestCSV.parse("\"a\",b,\"c, d\"\r\n1,\"say \"\"hi\"\"\",\n\"x\ny\",,NA\n")
        #expect(records == [["a", "b", "c, d"], ["1", "say \"hi\"", ""], ["x\ny", "", "NA"]])
    }

    @Test("μ, Σ and ℓ agree with the reference to 1e-6", arguments: ["airquality", "penguins", "survey"])
    func agreesWithReference(name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let data = try TestCSV.load(repositoryRoot().appendingPathComponent(fixture.dataset),
                                    columns: fixture.columns, missingCodes: fixture.missingCodes)
        try #require(data.rowCount == fixture.rowsInFile)

        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        let result = try GaussianEM(options: options).fit(data)
        #expect(result.hasConverged)
        #expect(result.rowsUsed == fixture.n)
        #expect(result.rowsWithNothingObserved == fixture.droppedAllMissingRows.count)
        // Missing cells among the rows used (rows with nothing observed are not counted).
        let used = rowsOf(data).filter { !$0.allSatisfy(\.isNaN) }
        #expect((0..<data.columnCount).map { j in used.filter { $0[j].isNaN }.count } == fixture.missingCells)

        let p = fixture.columns.count
        let meanError = maxRelativeDifference(result.mean, fixture.mean)
        let covariance = nested(result.covariance)
        var covError = 0.0  // relative to the largest |entry| of the entry's row or column
        for j in 0..<p { for k in 0..<p {
            let reference = max((0..<p).map { abs(fixture.covariance[j][$0]) }.max()!,
                                (0..<p).map { abs(fixture.covariance[$0][k]) }.max()!)
            covError = max(covError, abs(covariance[j][k] - fixture.covariance[j][k]) / reference)
        } }
        let entrywise = maxRelativeDifference(result.covariance.storage, fixture.covariance.flatMap { $0 })
        let scaled = maxScaledCovarianceDifference(covariance, fixture.covariance)
        let llError = relativeDifference(result.logLikelihood, fixture.logLikelihood)
        #expect(meanError < 1e-6, "\(name): mean \(meanError)")
        #expect(covError < 1e-6, "\(name): covariance \(covError)")
        #expect(llError < 1e-6, "\(name): ℓ \(result.logLikelihood) vs \(fixture.logLikelihood)")
        // Tests/Reference/README.md: both implementations agree to 1e-9 on the standardised scale.
        #expect(scaled < 1e-9, "\(name): covariance \(scaled) on the correlation scale")
        // And every entry to itself, the smallest included (|ρ| down to 0.0026 in the survey,
        // where the correlation-scale check allows a relative error of 4e-7): measured 2e-13 to
        // 1.3e-10, so 1e-8 leaves a margin for another BLAS and still catches an error that
        // check misses (see entrywiseCheckCatchesWhatTheCorrelationScaleMisses).
        #expect(entrywise < Self.entrywiseTolerance, "\(name): covariance \(entrywise) entrywise")
        #expect(maxRelativeDifference(result.mean, fixture.mean, floor: result.model.standardDeviations) < 1e-9)
        #expect(llError < 1e-9)

        // The conditional means the fixture lists (row = 0-based data row in the file).
        let completed = try nested(result.completed(data))
        let sd = result.model.standardDeviations
        var imputedError = 0.0
        for cell in fixture.imputed {
            let j = try #require(fixture.columns.firstIndex(of: cell.column))
            try #require(data.isMissing(row: cell.row, column: j))
            imputedError = max(imputedError, abs(completed[cell.row][j] - cell.value) / max(abs(cell.value), sd[j]))
        }
        #expect(!fixture.imputed.isEmpty)
        #expect(imputedError < 1e-6, "\(name): imputed \(imputedError)")

        // Measured accuracy, for the record (visible with `swift test -v` / in the test log).
        print("reference \(name): max rel diff mean \(meanError), covariance \(covError) (row/column-relative), "
              + "\(entrywise) (entrywise), \(scaled) (correlation scale), ℓ \(llError), imputed \(imputedError); "
              + "\(result.iterations) iterations")
    }

    /// Control for the entrywise check: the fixture with its smallest correlation moved by a
    /// relative 2e-8 passes the correlation-scale check (the change there is 2e-8 × |ρ|) but
    /// fails the entrywise one, so that check is able to fail and adds something.
    @Test("the entrywise check catches an error the correlation-scale check misses", arguments: ["airquality", "penguins", "survey"])
    func entrywiseCheckCatchesWhatTheCorrelationScaleMisses(name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let reference = fixture.covariance
        let p = reference.count
        let pairs = (0..<p).flatMap { j in (0..<p).filter { $0 != j }.map { (j, $0) } }
        let (j, k) = try #require(pairs.min { a, b in
            abs(reference[a.0][a.1]) / (reference[a.0][a.0] * reference[a.1][a.1]).squareRoot()
                < abs(reference[b.0][b.1]) / (reference[b.0][b.0] * reference[b.1][b.1]).squareRoot()
        })
        var perturbed = reference
        perturbed[j][k] *= 1 + 2e-8
        perturbed[k][j] = perturbed[j][k]
        #expect(maxScaledCovarianceDifference(perturbed, reference) < 1e-9)
        let entrywise = maxRelativeDifference(perturbed.flatMap { $0 }, reference.flatMap { $0 })
        #expect(entrywise >= Self.entrywiseTolerance, "\(name): \(entrywise)")
    }
}
