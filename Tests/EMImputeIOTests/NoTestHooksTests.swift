import EMImputeIO
import Foundation
import Testing

/// The shipping library reads no test hook from the environment (issue #11, item 29): a
/// program that happens to have `EMIMPUTE_TEST_FAULT=write` set still writes its files.
@Suite("no test hooks in the library")
struct NoTestHooksTests {
    @Test func theFaultVariableDoesNotReachTheLibrary() throws {
        setenv("EMIMPUTE_TEST_FAULT", "write", 1)
        defer { unsetenv("EMIMPUTE_TEST_FAULT") }
        let folder = NSTemporaryDirectory() + "/emimpute-hooks-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.csv"
        try OutputTarget.writeFile(path, contents: "x\n1\n")
        #expect(FileManager.default.contents(atPath: path) == Data("x\n1\n".utf8))
    }
}
