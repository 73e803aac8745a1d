import EMImputeIO
import Foundation
import Testing

/// The shipping library reads no test hook from the environment (issue #11, item 29), and its
/// public API holds no process plumbing (issue #12, item 4): test hooks, interrupt cleanup,
/// the CLI's text summary and the version live in the command or at `package` access.
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

    /// Plumbing that a client of `import EMImpute` must not see.
    static let hidden = ["TextSummary", "TableDescription", "InterruptCleanup", "TestFault", "ProgressPrinter",
                         "EMImputeVersion", "NumberText", "ShellQuoting", "JSONOutput", "Remedy"]
    /// What it must see: the control that proves the client compiles against the library.
    static let visible = ["GaussianEM", "CSVLoader", "ImputationReport", "ReportWarning", "EMWarning", "CSVError"]

    /// A client package outside this one is compiled against the built modules: every hidden
    /// name is "not in scope", and the visible ones are.
    @Test func aClientOfTheLibrarySeesNoPlumbing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let modules = try #require(Self.modulesFolder(), "the built modules next to the test bundle")
        let compiler = try #require(Self.swiftc(), "swiftc on PATH")
        let folder = NSTemporaryDirectory() + "/emimpute-client-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = "import EMImpute\n"
            + "let visible: [Any.Type] = [\(Self.visible.map { "\($0).self" }.joined(separator: ", "))]\n"
            + Self.hidden.map { "let _: Any.Type = \($0).self\n" }.joined()
        try source.write(toFile: folder + "/client.swift", atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = compiler
        process.arguments = ["-typecheck", "-I", modules.path,
                             "-I", root.appendingPathComponent("Sources/COpenBLAS").path,
                             "-I", root.appendingPathComponent("Sources/CLibCSV").path,
                             "-module-cache-path", folder + "/cache", folder + "/client.swift"]
        let errors = folder + "/errors.txt"
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        process.standardOutput = process.standardError
        try process.run()
        process.waitUntilExit()
        let output = try String(contentsOfFile: errors, encoding: .utf8)
        #expect(process.terminationStatus != 0)
        let missing = Set(output.matches(of: /error: cannot find '(\w+)' in scope/).map { String($0.1) })
        #expect(missing == Set(Self.hidden), "\(output)")
        // Nothing else failed (the control: the visible names compiled).
        let errorLines = output.split(separator: "\n").filter { $0.contains("error:") && !$0.contains("cannot find '") }
        #expect(errorLines.isEmpty, "\(output)")
    }

    /// The folder of the built `.swiftmodule`s: beside the test bundle.
    static func modulesFolder() -> URL? {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("Modules")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("EMImpute.swiftmodule").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// `swiftc` from PATH.
    static func swiftc() -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("swiftc")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}
