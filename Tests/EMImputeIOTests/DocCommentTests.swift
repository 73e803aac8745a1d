import Foundation
import Testing

/// The library's API is documented where DocC reads it: every `public` (or `open`)
/// declaration of EMImputeCore, EMImputeIO and EMImpute has a `///` comment of its own
/// (attributes such as `@available` may stand between them), so the rendered documentation has
/// no blank symbol.
@Suite("doc comments")
struct DocCommentTests {
    /// `public …` lines of `text` (1-based) with no `///` line right above them.
    static func undocumented(_ text: String) -> [Int] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var out: [Int] = []
        for (k, line) in lines.enumerated() where line.range(of: #"^(@\w+(\([^)]*\))?\s+)*(public|open)\s"#, options: .regularExpression) != nil {
            var above = k - 1
            while above >= 0 && lines[above].hasPrefix("@") { above -= 1 }
            if above < 0 || !lines[above].hasPrefix("///") { out.append(k + 1) }
        }
        return out
    }

    @Test func theCheckFindsAnUndocumentedDeclaration() {
        #expect(Self.undocumented("/// A.\npublic struct A {\n    public var x: Int\n    /// y.\n    @available(*, deprecated)\n    public var y: Int\n}") == [3])
    }

    @Test func everyPublicDeclarationHasADocComment() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var found: [String] = []
        var files = 0
        for module in ["Sources/EMImputeCore", "Sources/EMImputeIO", "Sources/EMImpute"] {
            let folder = root.appendingPathComponent(module)
            for path in try FileManager.default.subpathsOfDirectory(atPath: folder.path) where path.hasSuffix(".swift") {
                files += 1
                let text = try String(contentsOf: folder.appendingPathComponent(path), encoding: .utf8)
                found += Self.undocumented(text).map { "\(module)/\(path):\($0)" }
            }
        }
        #expect(files > 100)
        #expect(found.isEmpty, "\(found)")
    }
}
