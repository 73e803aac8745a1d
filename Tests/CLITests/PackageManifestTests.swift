import Foundation
import Testing

/// The `Package.swift` that Docs/Library.md tells users to write resolves against this
/// repository (issue #12: `package:` is the dependency's identity, not the product's name).
@Suite("the documented Package.swift")
struct PackageManifestTests {
    /// The page's manifest block (fenced as `swift Package.swift`).
    private func documentedManifest() throws -> String {
        let blocks = try fencedBlocks(in: DocumentedSwift.text("Docs/Library.md")).filter { $0.info == "swift Package.swift" }
        try #require(blocks.count == 1, "Docs/Library.md should have one `swift Package.swift` block")
        return blocks[0].lines.joined(separator: "\n") + "\n"
    }

    /// Runs `swift package resolve` in a consumer package beside a link named `EMImpute` to
    /// this repository; returns the exit status and what it printed.
    private func resolve(_ manifest: String) throws -> (status: Int32, output: String) {
        let folder = NSTemporaryDirectory() + "/emimpute-manifest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let consumer = folder + "/Analysis"
        try FileManager.default.createDirectory(atPath: consumer + "/Sources/Analysis", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/EMImpute", withDestinationPath: CLIRunner.root.path)
        try manifest.write(toFile: consumer + "/Package.swift", atomically: true, encoding: .utf8)
        try "import EMImpute\n".write(toFile: consumer + "/Sources/Analysis/main.swift", atomically: true, encoding: .utf8)
        let r = try CLIRunner.run(["-c", "cd '\(consumer)' && swift package resolve 2>&1"], executable: "/bin/bash")
        return (r.status, r.stdoutText + r.stderr)
    }

    @Test func theDocumentedManifestResolves() throws {
        let manifest = try documentedManifest()
        let ok = try resolve(manifest)
        #expect(ok.status == 0, "\(ok.output)")
        // The control: the product's name in the wrong place is refused, so the check can fail.
        let wrong = try resolve(manifest.replacingOccurrences(of: "package: \"EMImpute\"", with: "package: \"EMImputeCore\""))
        #expect(wrong.status != 0)
        #expect(wrong.output.contains("unknown package"), "\(wrong.output)")
    }
}
