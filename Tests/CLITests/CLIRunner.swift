import Foundation

/// Runs the built `emimpute` binary as a user would and captures what it prints.
struct CLIRunner {
    struct Outcome {
        let status: Int32
        let stdout: Data
        let stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// The repository root (three levels above this file).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle, in whichever build folder is in use.
    static let binary: URL = {
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("emimpute")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/emimpute")
    }()

    static func dataset(_ name: String) -> String { root.appendingPathComponent("Datasets/\(name)").path }

    /// Runs `emimpute arguments`, feeding `stdin` if given. `whileRunning` is called once the
    /// child has started (to read a FIFO it writes, say); the child is then waited for.
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                    stdoutTo: FileHandle? = nil, executable: String? = nil,
                    whileRunning: ((Process) throws -> Void)? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable.map(URL.init(fileURLWithPath:)) ?? binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process.environment = env
        // Standard output and error go to files, read once the child has exited.
        let folder = try temporaryFolder()
        let outPath = folder + "/stdout", errPath = folder + "/stderr"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = stdoutTo ?? out
        process.standardError = err
        if let stdin {
            let inPath = folder + "/stdin"
            FileManager.default.createFile(atPath: inPath, contents: stdin)
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        do {
            try whileRunning?(process)
        } catch {
            process.terminate()
            process.waitUntilExit()
            throw error
        }
        process.waitUntilExit()
        try out.close()
        try err.close()
        let outData = try Data(contentsOf: URL(fileURLWithPath: outPath))
        let errData = try Data(contentsOf: URL(fileURLWithPath: errPath))
        try? FileManager.default.removeItem(atPath: folder)
        return Outcome(status: process.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh empty folder.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "/emimpute-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, in folder: String, name: String = "in.csv") -> String {
        let path = folder + "/" + name
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }
}

/// Splits simple CSV text (no quoted delimiters) into rows of fields.
func simpleRows(_ text: String) -> [[String]] {
    text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}
