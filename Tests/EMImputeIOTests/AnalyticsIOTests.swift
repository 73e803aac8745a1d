import EMImputeCore
import EMImputeIO
import Foundation
import Testing

/// What analytics code asks of the I/O (issue #12): CSV from a `String`, `Data` or `URL` by the
/// same rules as a file, a completed matrix written as CSV without a `LoadedTable`, and a model
/// file read in one call.
@Suite("analytics I/O")
struct AnalyticsIOTests {
    static let csv = "id,x,y\n1,2.5,\n2,,4\n3,3.5,5\nNA,4,7\n"
    static let fitted = "x,y\n2.5,\n,4\n3.5,5\n4,7\n1,2.2\n5,8.1\n2,3.9\n6,9.5\n"

    @Test func aStringDataOrURLReadsAsTheFileDoes() throws {
        let path = temporaryFile(Self.csv)
        defer { unlink(path) }
        let file = try CSVLoader.load(path)
        let tables = [try CSVLoader.load(string: Self.csv), try CSVLoader.load(data: Data(Self.csv.utf8)),
                      try CSVLoader.load(contentsOf: URL(fileURLWithPath: path))]
        for table in tables {
            defer { table.input.removeSpool() }
            #expect(table.matrix == file.matrix)
            #expect(table.columns == file.columns)
            #expect(table.warnings == file.warnings)
        }
        #expect(tables[0].input.displayName == "<string>")
        #expect(tables[1].input.displayName == "<data>")
    }

    @Test func errorsAreTypedAndLocated() throws {
        let ragged = "a,b\n1,2\n3,4,5\n"
        for (error, file) in [(csvError { _ = try CSVLoader.load(string: ragged, name: "inline") }, "inline"),
                              (csvError { _ = try CSVLoader.load(data: Data(ragged.utf8)) }, "<data>")] {
            #expect(error?.kind == .raggedRow(expected: 2, found: 3))
            #expect(error?.file == file)
            #expect(error?.line == 3)
            #expect(error?.description == "\(file):3: this row has 3 field(s) but the header has 2")
        }
        let mixed = try #require(csvError { _ = try CSVLoader.load(string: "x,y\n1,2\n2,oops\n3,4\n") })
        #expect(mixed.line == 3 && mixed.column == 2)
        guard case .mixedColumn(let name, let cells, _) = mixed.kind else { Issue.record("\(mixed)"); return }
        #expect(name == "y" && cells.map(\.text) == ["oops"])
        let missing = URL(fileURLWithPath: NSTemporaryDirectory() + "/emimpute-absent-\(UUID().uuidString).csv")
        guard case .cannotOpen? = csvError({ _ = try CSVLoader.load(contentsOf: missing) })?.kind else {
            Issue.record("a missing file is .cannotOpen"); return
        }
    }

    @Test func aCompletedMatrixIsWrittenAsCSVAndReadsBack() throws {
        let table = try CSVLoader.load(string: Self.fitted)
        defer { table.input.removeSpool() }
        let fit = try GaussianEM().fit(table.matrix)
        let completed = try fit.completed(table.matrix)
        let text = try completed.csv(columnNames: table.matrix.columnNames)
        #expect(text.hasPrefix("x,y\n2.5,"))
        let back = try CSVLoader.load(string: text)
        defer { back.input.removeSpool() }
        #expect(back.matrix.values == completed.storage)
        #expect(back.matrix.columnNames == ["x", "y"])

        // Names and numbers that hold the delimiter are quoted; the file is written atomically.
        let m = try Matrix(rows: [[1.5, -2], [1e-5, 3]])
        #expect(try m.csv(columnNames: ["a,b", "say \"c\""]) == "\"a,b\",\"say \"\"c\"\"\"\n1.5,-2\n1e-05,3\n")
        #expect(try m.csv(columnNames: ["a", "b"], delimiter: UInt8(ascii: ".")) == "a.b\n\"1.5\".-2\n1e-05.3\n")
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "/emimpute-matrix-\(UUID().uuidString).csv")
        defer { unlink(url.path) }
        try m.writeCSV(to: url, columnNames: ["a", "b"])
        #expect(try String(contentsOf: url, encoding: .utf8) == "a,b\n1.5,-2\n1e-05,3\n")

        #expect(throws: DataError.columnNameCountMismatch(names: 1, columns: 2)) { try m.csv(columnNames: ["a"]) }
        #expect(throws: DataError.duplicateColumnName("a")) { try m.csv(columnNames: ["a", "a"]) }
        #expect(throws: DataError.infiniteValue(row: 0, column: 1)) { try Matrix(rows: [[1, .infinity]]).csv(columnNames: ["a", "b"]) }
    }

    @Test func aModelFileIsReadInOneCallAndIsTheEncodedModel() throws {
        let table = try CSVLoader.load(string: Self.fitted)
        defer { table.input.removeSpool() }
        let fit = try GaussianEM().fit(table.matrix)
        let url = URL(fileURLWithPath: NSTemporaryDirectory() + "/emimpute-model-\(UUID().uuidString).json")
        defer { unlink(url.path) }
        try ModelFile(table: table, result: fit).json().write(to: url, atomically: true, encoding: .utf8)

        #expect(try FittedModel(contentsOf: url) == .gaussian(fit.model))
        // The file is the Codable model plus metadata: JSONDecoder reads the model from it, and
        // the model encodes under the file's keys.
        let data = try Data(contentsOf: url)
        #expect(try JSONDecoder().decode(GaussianModel.self, from: data) == fit.model)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(fit.model)) as! [String: Any]
        let file = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(Set(encoded.keys) == ["columns", "mean", "scale", "standardizedCovariance"])
        #expect(Set(encoded.keys).isSubset(of: Set(file.keys)))

        let absent = URL(fileURLWithPath: url.path + ".absent")
        #expect(throws: ModelFileError.cannotOpen(path: absent.path, errno: ENOENT)) { try FittedModel(contentsOf: absent) }
    }
}
