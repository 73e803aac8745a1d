import Foundation
@testable import EMImputeIO

/// Writes `contents` to a fresh temporary file and returns its path.
func temporaryFile(_ contents: String, suffix: String = ".csv") -> String {
    temporaryFile(bytes: Array(contents.utf8), suffix: suffix)
}

func temporaryFile(bytes: [UInt8], suffix: String = ".csv") -> String {
    let path = NSTemporaryDirectory() + "/emimpute-test-\(UUID().uuidString)\(suffix)"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

/// Loads CSV text with the given options.
func load(_ csv: String, _ configure: (inout CSVReadOptions) -> Void = { _ in }) throws -> LoadedTable {
    var options = CSVReadOptions()
    configure(&options)
    return try CSVLoader.load(temporaryFile(csv), options: options)
}

/// The kind of a CSVError thrown by `body`, or nil.
func csvError(_ body: () throws -> Void) -> CSVError? {
    do { try body(); return nil } catch let e as CSVError { return e } catch { return nil }
}

/// The bytes `writeCompleted` writes, the missing cells taking `imputed` in reading order.
func completedBytes(_ table: LoadedTable, _ imputed: [Double], chunkSize: Int = 1 << 22, threads: Int = 1) throws -> [UInt8] {
    let path = NSTemporaryDirectory() + "/emimpute-out-\(UUID().uuidString).csv"
    let target = try OutputTarget.file(path)
    try writeCompleted(table, readingOrder(table.matrix, imputed), to: target, chunkSize: chunkSize, threads: threads)
    try target.commit()
    defer { unlink(path) }
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// The values of the modelled column `name`, NaN where missing.
func column(_ table: LoadedTable, _ name: String) -> [Double] {
    let c = table.modelledNames.firstIndex(of: name)!
    let p = table.matrix.columnCount
    return (0..<table.rowCount).map { table.matrix.values[$0 * p + c] }
}

/// Equality that treats NaN as equal to NaN.
func sameValues(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.isNaN ? $1.isNaN : $0 == $1 }
}

/// A seeded generator (SplitMix64, Steele, Lea & Flood 2014), so that randomised tests
/// reproduce exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
