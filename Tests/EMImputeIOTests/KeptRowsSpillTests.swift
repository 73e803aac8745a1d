import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Kept rows beyond the memory limit (issue #13): spilled to a temporary file that leaves
/// nothing behind, read back every iteration, with the same result bit for bit.
@Suite("Kept rows spilled beyond the memory limit")
struct KeptRowsSpillTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "/emimpute-spill-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// 300 rows of 8 correlated columns, 30% of cells missing at random: many patterns of one
    /// or two rows, which keep their rows.
    static func csv() -> String {
        var g = SplitMix64(seed: 17)
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
        var out = (0..<8).map { "x\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<300 {
            let z = normal()
            out += (0..<8).map { j in uniform() < 0.3 ? "NA" : ShortestDecimal.format(Double(j) + z + 0.7 * normal()) }
                .joined(separator: ",") + "\n"
        }
        return out
    }

    @Test("the spill file reads back what was written, and no path of it exists even while open")
    func spillFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spill = try KeptRowsSpillFile(folder: folder)
        let cells = (0..<1000).map { Double($0) * 0.37 - 11 }
        try cells.withUnsafeBufferPointer { try spill.append(UnsafeBufferPointer(rebasing: $0[0..<600])) }
        try cells.withUnsafeBufferPointer { try spill.append(UnsafeBufferPointer(rebasing: $0[600...])) }
        #expect(spill.cellCount == 1000)
        #expect(spill.byteCount == 8000)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
        var back = [Double](repeating: 0, count: 300)
        try back.withUnsafeMutableBufferPointer { try spill.readCells(550..<850, into: $0.baseAddress!) }
        #expect(back == Array(cells[550..<850]))
    }

    @Test("a folder where no file can be made gives a typed error")
    func cannotCreate() throws {
        let missing = NSTemporaryDirectory() + "/emimpute-no-such-folder-\(UUID().uuidString)"
        #expect {
            _ = try KeptRowsSpillFile(folder: missing)
        } throws: { error in
            guard case .cannotCreate(let folder, _)? = error as? KeptRowsSpillError else { return false }
            return folder == missing
        }
    }

    @Test("a job with a memory limit below its kept rows spills them and writes the same files, bit for bit")
    func jobSpills() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/in.csv"
        try Self.csv().write(toFile: input, atomically: true, encoding: .utf8)
        var outputs: [String] = [], models: [String] = [], reports: [ImputationReport] = []
        for limit in [MemoryLimit.automatic, .bytes(0)] {
            var job = ImputationJob(input: input)
            job.memoryLimit = limit
            let path = folder + "/out-\(outputs.count).csv"
            let target = try OutputTarget.file(path)
            let outcome = try job.run(writingTo: target)
            try target.commit()
            if limit == .automatic { #expect(outcome.spilledBytes == nil) } else { #expect((outcome.spilledBytes ?? 0) > 0) }
            outputs.append(try String(contentsOfFile: path, encoding: .utf8))
            models.append(try outcome.modelFile.json())
            reports.append(outcome.report)
        }
        #expect(outputs[0] == outputs[1])
        #expect(models[0] == models[1])
        #expect(reports[0].littleTest?.statistic == reports[1].littleTest?.statistic)
        #expect(reports[0].littleTest != nil)
    }

    @Test("memory sizes: bytes, binary suffixes, auto", arguments: [
        ("1048576", MemoryLimit.bytes(1_048_576)), ("512M", .bytes(512 << 20)), ("2G", .bytes(2 << 30)),
        ("2g", .bytes(2 << 30)), ("1.5GiB", .bytes(3 << 29)), ("64KB", .bytes(64 << 10)), ("0", .bytes(0)),
        ("auto", .automatic), (" 1T ", .bytes(1 << 40)),
    ])
    func parses(text: String, expected: MemoryLimit) throws {
        #expect(try MemoryLimit(text) == expected)
    }

    @Test("anything else is refused with a message naming it", arguments: ["", "M", "12Q", "-1", "1e3", "lots", "2 G", "99999999999T"])
    func refuses(text: String) {
        #expect(throws: MemoryLimit.ParseError(text: text)) { try MemoryLimit(text) }
        #expect(MemoryLimit.ParseError(text: text).description.contains("is not a memory size"))
    }

    @Test("the automatic limit is a quarter of physical memory, at most 128 MiB")
    func automatic() {
        #expect(MemoryLimit.automaticBytes == Int(min(ProcessInfo.processInfo.physicalMemory / 4, 128 << 20)))
        #expect(MemoryLimit.automatic.byteCount == MemoryLimit.automaticBytes)
    }

    @Test("kept cells exceed a limit when their bytes do, without overflow")
    func exceeded() {
        #expect(!MemoryLimit.bytes(80).isExceeded(byKeptCells: 10))
        #expect(MemoryLimit.bytes(79).isExceeded(byKeptCells: 10))
        #expect(!MemoryLimit.bytes(0).isExceeded(byKeptCells: 0))
        #expect(MemoryLimit.bytes(Int.max).isExceeded(byKeptCells: Int.max / 4))
    }
}
