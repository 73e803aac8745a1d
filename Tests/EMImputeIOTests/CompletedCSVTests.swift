import Foundation
import Testing
@testable import EMImputeIO

/// The completed CSV as pass 2 writes it (`RangeCompletion`): the input's bytes with only the
/// imputed fields replaced.
@Suite("Completed CSV")
struct CompletedCSVTests {
    @Test func inputWithoutMissingCellsComesBackByteIdentical() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/complete-quoted-crlf-bom", withExtension: "csv"))
        let original = Array(try Data(contentsOf: url))
        let table = try CSVLoader.load(url.path, options: { var o = CSVReadOptions(); o.excluded = ["id"]; return o }())
        #expect(table.matrix.missingCount == 0)
        #expect(table.modelledNames == ["score"])
        #expect(try completedBytes(table, []) == original)
    }

    @Test func onlyMissingCellsChange() throws {
        let csv = "id,name,x,y\r\n1,\"Ann, A\",1.50,NA\r\n2,Bob,  ,\"7\"\r\n\r\n3,\"Cy\"\"s\", \"NA\" ,00.10\r\n"
        let table = try load(csv) { $0.excluded = ["id"] }
        #expect(table.matrix.missingCount == 3)
        let out = try completedBytes(table, [2.5, -1, 1e-7])
        let expected = "id,name,x,y\r\n1,\"Ann, A\",1.50,2.5\r\n2,Bob,-1,\"7\"\r\n\r\n3,\"Cy\"\"s\",1e-07,00.10\r\n"
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 16, 64])
    func tinyRangesGiveTheSameBytes(chunkSize: Int) throws {
        let csv = "\u{FEFF}id,name,x,y\r\n1,\"Ann,\r\nA \"\"q\"\"\",1.50,NA\r\n\r\n2,Bob,  ,\"7\"\r\n3,\"Cy\", \"NA\" ,00.10\r\n4,\"" + String(repeating: "long ", count: 40) + "\",,\r"
        let table = try load(csv) { $0.excluded = ["id"] }
        let imputed = (0..<table.matrix.missingCount).map { Double($0) + 0.5 }
        let expected = try completedBytes(table, imputed)
        #expect(try completedBytes(table, imputed, chunkSize: chunkSize, threads: 2) == expected)
        #expect(String(decoding: expected, as: UTF8.self).contains("\"Ann,\r\nA \"\"q\"\"\",1.50,0.5\r\n\r\n2,Bob,1.5,\"7\""))
    }

    @Test func lastLineWithoutNewlineAndOtherDelimiter() throws {
        let table = try load("a;b\n1;\n;4") { $0.delimiter = UInt8(ascii: ";") }
        let out = try completedBytes(table, [3, 0.25])
        #expect(String(decoding: out, as: UTF8.self) == "a;b\n1;3\n0.25;4")
    }

    @Test func noHeaderInput() throws {
        let table = try load("1,\n,2\n") { $0.hasHeader = false }
        let out = try completedBytes(table, [9, 8])
        #expect(String(decoding: out, as: UTF8.self) == "1,9\n8,2\n")
    }

    @Test func shortestRoundTrippingFormat() {
        for v in [0.1, 1.0 / 3, 12, -0.0, 1e-7, 123456.789, 2.5e300, -7.25] {
            let s = ShortestDecimal.format(v)
            #expect(Double(s) == v || (v == 0 && Double(s) == 0), "\(s)")
            #expect(!s.hasSuffix(".0"))
        }
        #expect(ShortestDecimal.format(12) == "12")
        #expect(ShortestDecimal.format(0.1) == "0.1")
    }

    @Test func atomicOutputLeavesNothingWhenAbandoned() throws {
        let folder = NSTemporaryDirectory() + "/emimpute-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let target = try OutputTarget.file(folder + "/out.csv")
        try target.write("partial")
        target.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func outputFolderMustExist() throws {
        let folder = NSTemporaryDirectory() + "/emimpute-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/absent/out.csv"
        do {
            _ = try OutputTarget.file(path)
            Issue.record("an output in a missing folder was accepted")
        } catch OutputError.cannotCreate(let failed, _) {
            #expect(failed == path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}
