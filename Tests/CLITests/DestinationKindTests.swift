import Foundation
import Testing

/// Every output written through whatever stands at its path (issue 11, item 1, and "Tests must
/// not touch the machine"): a character device keeps being that device and gets the bytes (a
/// full one is exit 73), a FIFO's reader gets every byte, a symbolic link is kept and its
/// target updated. Each node is made in the test's own temporary folder, never in /dev.
///
/// Regression tests: before the output layer wrote through such destinations, every output was
/// written to a temporary file and renamed over the node — the device became a regular file
/// (and a full device "succeeded"), the FIFO's reader got no bytes, the link became a regular
/// file and its target kept the old content. They pass once outputs write through them.
@Suite("destinations that are not regular files")
struct DestinationKindTests {
    /// One output option of `impute` or `apply`.
    enum Output: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case imputeCSV = "impute -o"
        case report = "impute --report"
        case html = "impute --html"
        case model = "impute --save-model"
        case applyCSV = "apply -o"
        case variances = "apply --variance-output"

        var testDescription: String { rawValue }

        /// The regular file the run's other output goes to, if it has one.
        var otherOutput: String? {
            switch self {
            case .imputeCSV, .applyCSV: return nil
            case .report, .html, .model: return "completed.csv"
            case .variances: return "applied.csv"
            }
        }

        var needsModel: Bool { self == .applyCSV || self == .variances }
    }

    /// The issue's `d.csv`: one missing cell.
    static let data = "x,y\n1,2\n2,3\n,5\n4,4\n5,7\n"

    /// A fresh folder with `d.csv` (and, for `apply`, `model.json` fitted on it).
    static func folder(for output: Output) throws -> String {
        let folder = try CLIRunner.temporaryFolder()
        _ = CLIRunner.write(data, in: folder, name: "d.csv")
        if output.needsModel {
            let fit = try CLIRunner.run(["impute", folder + "/d.csv", "-q", "-o", folder + "/fit.csv", "--save-model", folder + "/model.json"])
            try #require(fit.status == 0, "\(fit.stderr)")
            try FileManager.default.removeItem(atPath: folder + "/fit.csv")
        }
        return folder
    }

    /// The command line that sends `output` to `destination` and the run's other output to a
    /// regular file in `folder`.
    static func arguments(_ output: Output, to destination: String, in folder: String) -> [String] {
        let input = folder + "/d.csv", other = folder + "/" + (output.otherOutput ?? "")
        switch output {
        case .imputeCSV: return ["impute", input, "-q", "-o", destination]
        case .report: return ["impute", input, "-q", "-o", other, "--report", destination]
        case .html: return ["impute", input, "-q", "-o", other, "--html", destination]
        case .model: return ["impute", input, "-q", "-o", other, "--save-model", destination]
        case .applyCSV: return ["apply", "--model", folder + "/model.json", input, "-q", "-o", destination]
        case .variances: return ["apply", "--model", folder + "/model.json", input, "-q", "-o", other, "--variance-output", destination]
        }
    }

    /// What the same run writes to a regular file, normalised (the report's timings vary).
    static func reference(_ output: Output) throws -> Data {
        let folder = try Self.folder(for: output)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let r = try CLIRunner.run(arguments(output, to: folder + "/reference", in: folder))
        try #require(r.status == 0, "\(r.stderr)")
        return normalised(try Data(contentsOf: URL(fileURLWithPath: folder + "/reference")), output)
    }

    /// The bytes, with what varies from run to run taken out: the report's timings and input
    /// path, and the HTML page's body (only its frame is compared).
    static func normalised(_ bytes: Data, _ output: Output) -> Data {
        switch output {
        case .report:
            guard var json = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
                return Data("not a JSON report: \(String(decoding: bytes.prefix(200), as: UTF8.self))".utf8)
            }
            json["timings"] = nil
            if var input = json["input"] as? [String: Any] { input["path"] = nil; json["input"] = input }  // another folder
            json["history"] = (json["history"] as? [[String: Any]])?.map { var h = $0; h["elapsedSeconds"] = nil; return h }
            return (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        case .html:
            let page = String(decoding: bytes, as: UTF8.self)
            let frame = page.hasPrefix("<!DOCTYPE html>") && page.hasSuffix("</html>\n") && page.contains("<svg id=\"correlation\"")
            return Data((frame ? "an HTML report" : "not an HTML report: \(page.prefix(200))").utf8)
        default:
            return bytes
        }
    }

    /// The folder's entries afterwards: what was there, the node, and the run's other output.
    static func expectedEntries(_ output: Output, node: [String], committed: Bool = true) -> Set<String> {
        var names: Set<String> = ["d.csv"]
        names.formUnion(node)
        if output.needsModel { names.insert("model.json") }
        if committed, let other = output.otherOutput { names.insert(other) }
        return names
    }

    static func entries(_ folder: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: folder))
    }

    @Test("a FIFO's reader gets every byte, and the FIFO stays", arguments: Output.allCases)
    func fifoReaderGetsEveryByte(_ output: Output) throws {
        let folder = try Self.folder(for: output)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/fifo"
        try SpecialFiles.makeFIFO(at: fifo)
        // Opened without blocking, before the child starts: the child's open for writing then
        // succeeds at once, and a child that renames over the FIFO cannot hang the test.
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        try #require(fd >= 0)
        defer { close(fd) }
        var received = Data()
        let r = try CLIRunner.run(Self.arguments(output, to: fifo, in: folder)) { process in
            received = try Self.drain(fd, while: process)
        }
        received += try Self.drain(fd, while: nil)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(SpecialFiles.kind(at: fifo) == .fifo)
        #expect(try Self.normalised(received, output) == Self.reference(output),
                "the reader got \(received.count) bytes: \(String(decoding: received.prefix(300), as: UTF8.self))")
        #expect(try Self.entries(folder) == Self.expectedEntries(output, node: ["fifo"]))
    }

    /// Reads what is available on the non-blocking `fd` until `process` (if any) has exited and
    /// nothing is left; at most two minutes.
    static func drain(_ fd: Int32, while process: Process?) throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        let deadline = Date().addingTimeInterval(120)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            if n < 0 && errno != EAGAIN && errno != EINTR { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            // No data now (EAGAIN), or no writer at the moment (0): done once the child has gone.
            guard let process, process.isRunning else { return data }
            guard Date() < deadline else { throw POSIXError(.ETIMEDOUT) }
            usleep(2_000)
        }
    }

    @Test("a symbolic link stays a link, and its target gets the output", arguments: Output.allCases)
    func symbolicLinkIsKeptAndItsTargetUpdated(_ output: Output) throws {
        let folder = try Self.folder(for: output)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = CLIRunner.write("old content\n", in: folder, name: "target")
        let link = folder + "/link"
        // A relative link: it must be resolved from the link's folder, not the working directory.
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "target")
        let r = try CLIRunner.run(Self.arguments(output, to: link, in: folder))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(SpecialFiles.kind(at: link) == .symbolicLink)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: link)) == "target")
        #expect(SpecialFiles.kind(at: target) == .regular)
        #expect(try Self.normalised(Data(contentsOf: URL(fileURLWithPath: target)), output) == Self.reference(output))
        #expect(try Self.entries(folder) == Self.expectedEntries(output, node: ["link", "target"]))
    }

    @Test("a null device stays a device and takes the output",
          .enabled(if: SpecialFiles.canMakeDevices, "needs root to mknod a device in a temporary folder"),
          arguments: Output.allCases)
    func nullDeviceStaysADevice(_ output: Output) throws {
        let folder = try Self.folder(for: output)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let null = folder + "/null"
        try #require(SpecialFiles.makeCharacterDevice(at: null, SpecialFiles.nullDevice))
        let r = try CLIRunner.run(Self.arguments(output, to: null, in: folder))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(SpecialFiles.kind(at: null) == .characterDevice(major: 1, minor: 3))
        #expect(try Self.entries(folder) == Self.expectedEntries(output, node: ["null"]))
    }

    @Test("a full device is exit 73, stays a device, and no other output is committed",
          .enabled(if: SpecialFiles.canMakeDevices, "needs root to mknod a device in a temporary folder"),
          arguments: Output.allCases)
    func fullDeviceIsExit73(_ output: Output) throws {
        let folder = try Self.folder(for: output)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let full = folder + "/full"
        try #require(SpecialFiles.makeCharacterDevice(at: full, SpecialFiles.fullDevice))
        let r = try CLIRunner.run(Self.arguments(output, to: full, in: folder))
        #expect(r.status == 73, "\(r.stderr)")
        #expect(r.stderr.contains("no space left on the device"), "\(r.stderr)")
        #expect(SpecialFiles.kind(at: full) == .characterDevice(major: 1, minor: 7))
        // Outputs are committed together or not at all (item 10).
        #expect(try Self.entries(folder) == Self.expectedEntries(output, node: ["full"], committed: false))
    }
}
