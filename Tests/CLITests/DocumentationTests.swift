import Foundation
import Testing

// Runs every command shown in the documentation and checks its output, so the docs cannot rot.
//
// The convention (described in Docs/CLI.md, "How the examples are tested"):
//
// - A fenced block whose info string is `console` holds commands and their output.
// - A line starting with `$ ` is a command (a line ending in ` \` continues on the next line).
//   It runs with `/bin/sh -c` in the repository root, with the folder of the built `emimpute`
//   first on PATH, standard input from /dev/null (read only), and must exit with status 0
//   (show a failure with `...; echo "exit $?"`). It may write only under /tmp: not even to
//   /dev/null (an output it does not need goes to a /tmp file too).
// - The lines after a command, up to the next command or the end of the block, are its
//   expected standard output and standard error, interleaved as written. They must match
//   exactly after trailing whitespace (and trailing blank lines) are removed, except that a
//   line `...` matches any number of lines (also none), and `<ignored>` inside a line matches
//   any text within that line (so a line `<ignored>` matches any one line).
//
// Blocks run one after another, in document order. `/tmp/` in a command stands for a folder
// private to the test run (and is shown as `/tmp/` in the output), so concurrent runs of the
// suite do not share files; a block may use files that an earlier block of the same document
// wrote there. Names start with the document's prefix (cli-, alg-, report-, readme-).

/// The documents whose `console` blocks are run.
enum DocumentationFiles {
    /// Files that must exist and hold at least one tested block (Docs/Library.md is checked by
    /// LibraryExampleTests instead: its examples are Swift).
    static let required = ["README.md", "Docs/Algorithm.md", "Docs/CLI.md", "Docs/Report.md"]

    /// README.md, Datasets/README.md and every Markdown file in Docs/.
    static var all: [String] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: CLIRunner.root.appendingPathComponent("Docs").path)) ?? []
        let inDocs = docs.filter { $0.hasSuffix(".md") }.sorted().map { "Docs/" + $0 }
        return ["README.md", "Datasets/README.md"] + inDocs
    }

    static func text(of file: String) -> String? {
        try? String(contentsOf: CLIRunner.root.appendingPathComponent(file), encoding: .utf8)
    }
}

/// One command of a `console` block with its expected output.
struct DocumentedCommand: Sendable {
    /// 1-based line of the `$ ` line in the document.
    let line: Int
    let command: String
    let expected: [String]
}

/// A fenced block of a document: its info string, where it starts and its lines.
struct FencedBlock: Sendable {
    let info: String
    /// 1-based line of the opening fence.
    let line: Int
    let lines: [String]
}

/// A `console` block: the unit the parameterised test runs.
struct ConsoleBlock: Sendable, CustomTestStringConvertible {
    let file: String
    /// 1-based position among the file's `console` blocks.
    let index: Int
    let line: Int
    let commands: [DocumentedCommand]
    /// Why the block could not be parsed, if it could not.
    let problem: String?

    var testDescription: String { "\(file) block \(index) (line \(line))" }

    /// Every `console` block of every documentation file.
    static let all: [ConsoleBlock] = DocumentationFiles.all.flatMap { file in
        blocks(in: DocumentationFiles.text(of: file) ?? "", file: file)
    }

    static func blocks(in text: String, file: String) -> [ConsoleBlock] {
        fencedBlocks(in: text).filter { $0.info == "console" }.enumerated().map { k, b in
            parse(b, file: file, index: k + 1)
        }
    }

    static func parse(_ block: FencedBlock, file: String, index: Int) -> ConsoleBlock {
        var commands: [DocumentedCommand] = []
        var problem: String?
        var k = 0
        var current: (line: Int, command: String, expected: [String])?
        while k < block.lines.count {
            let text = block.lines[k]
            let lineNumber = block.line + 1 + k
            if text.hasPrefix("$ ") {
                if let c = current { commands.append(DocumentedCommand(line: c.line, command: c.command, expected: c.expected)) }
                var command = String(text.dropFirst(2))
                while command.hasSuffix(" \\"), k + 1 < block.lines.count {
                    command.removeLast()
                    k += 1
                    command += "\n" + block.lines[k]
                }
                current = (lineNumber, command, [])
            } else if current != nil {
                current!.expected.append(text)
            } else if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                problem = problem ?? "\(file):\(lineNumber): output before the first `$ ` command"
            }
            k += 1
        }
        if let c = current { commands.append(DocumentedCommand(line: c.line, command: c.command, expected: c.expected)) }
        if commands.isEmpty { problem = problem ?? "\(file):\(block.line): a console block without a `$ ` command" }
        return ConsoleBlock(file: file, index: index, line: block.line, commands: commands, problem: problem)
    }
}

/// Splits Markdown into its fenced (```) blocks. Fences are not indented.
func fencedBlocks(in text: String) -> [FencedBlock] {
    var blocks: [FencedBlock] = []
    var open: (info: String, line: Int, lines: [String])?
    for (k, line) in text.components(separatedBy: "\n").enumerated() {
        if var o = open {
            if line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(FencedBlock(info: o.info, line: o.line, lines: o.lines))
                open = nil
            } else {
                o.lines.append(line)
                open = o
            }
        } else if line.hasPrefix("```") {
            open = (String(line.dropFirst(3)).trimmingCharacters(in: .whitespaces), k + 1, [])
        }
    }
    return blocks
}

/// Output matching with `...` (any number of lines) and `<ignored>` (any text in a line).
enum OutputMatcher {
    static func normalise(_ lines: [String]) -> [String] {
        var out = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        while out.last?.isEmpty == true { out.removeLast() }
        return out
    }

    static func matches(expected: [String], actual: [String]) -> Bool {
        let e = normalise(expected), a = normalise(actual)
        // reach[i][j]: the first i expected lines match the first j actual lines.
        var reach = [[Bool]](repeating: [Bool](repeating: false, count: a.count + 1), count: e.count + 1)
        reach[0][0] = true
        for i in 0..<e.count {
            if e[i] == "..." {
                var any = false
                for j in 0...a.count {
                    any = any || reach[i][j]
                    reach[i + 1][j] = any
                }
            } else {
                for j in 0..<a.count where reach[i][j] && lineMatches(e[i], a[j]) { reach[i + 1][j + 1] = true }
            }
        }
        return reach[e.count][a.count]
    }

    static func lineMatches(_ pattern: String, _ line: String) -> Bool {
        guard pattern.contains("<ignored>") else { return pattern == line || numbersAgree(pattern, line) }
        let pieces = pattern.components(separatedBy: "<ignored>")
        guard line.hasPrefix(pieces[0]) else { return false }
        var rest = line.dropFirst(pieces[0].count)
        for piece in pieces.dropFirst().dropLast() {
            guard let r = rest.range(of: piece) else { return false }
            rest = rest[r.upperBound...]
        }
        let last = pieces.last!
        return rest.count >= last.count && rest.hasSuffix(last)
    }
}

extension OutputMatcher {
    /// Numbers in the docs are compared to 7 significant digits: the same text around them,
    /// and each number within a relative 1e-7 (absolute 1e-12 near zero). Exact digits
    /// beyond that are rounding, which a numerically equivalent change to the engine may move.
    static func numbersAgree(_ pattern: String, _ line: String) -> Bool {
        let (textA, numbersA) = split(pattern), (textB, numbersB) = split(line)
        guard textA == textB, numbersA.count == numbersB.count else { return false }
        return zip(numbersA, numbersB).allSatisfy { a, b in
            a == b || abs(a - b) <= max(1e-12, 1e-7 * max(abs(a), abs(b)))
        }
    }

    /// The line with every number replaced by `#`, and the numbers.
    static func split(_ line: String) -> (String, [Double]) {
        let regex = try! NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")
        let ns = line as NSString
        var text = "", numbers: [Double] = [], last = 0
        for m in regex.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
            text += ns.substring(with: NSRange(location: last, length: m.range.location - last)) + "#"
            numbers.append(Double(ns.substring(with: m.range)) ?? .nan)
            last = m.range.location + m.range.length
        }
        text += ns.substring(from: last)
        return (text, numbers)
    }
}

/// Checks that a command writes only under /tmp: the targets of `>`, `>>`, `2>`, `&>`, of the
/// options that name an output file, and the files that `cp`, `mv`, `ln`, `tee`, `touch`,
/// `mkdir`, `rm` and `mkfifo` create or change (and any `mknod`). Nothing else is allowed, not even
/// /dev/null: run as root, a tool that replaces its output file would replace the device.
/// Quoted text (an awk program, say) is not looked at; a quoted target counts as outside.
func writesOutsideTemporaryFolder(_ command: String) -> [String] {
    let outputOptions: Set<String> = ["-o", "--output", "--report", "--save-model", "--html", "--variance-output", "--sd-output"]
    let redirections: Set<String> = [">", ">>", "2>", "2>>", "&>", "&>>", ">|"]
    // Quoted strings become a placeholder; `;`, `|`, `(` and `)` become separate tokens.
    var unquoted = ""
    var quote: Character?
    for ch in command {
        if let q = quote {
            if ch == q { quote = nil }
        } else if ch == "'" || ch == "\"" {
            quote = ch
            unquoted.append("Q")
        } else if ch == ";" || ch == "|" || ch == "(" || ch == ")" {
            unquoted += " ; "
        } else {
            unquoted.append(ch)
        }
    }
    let tokens = unquoted.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    let separators: Set<String> = [";", "&&", "||", "&", "do", "then", "else"]
    var targets: [String] = []
    var words: [String] = []  // the words of the current simple command, redirections removed
    func endCommand() {
        defer { words = [] }
        guard let name = words.first else { return }
        let operands = words.dropFirst().filter { !$0.hasPrefix("-") }
        switch name {
        case "cp", "mv", "ln": targets += operands.suffix(1)
        case "tee", "touch", "mkdir", "rm", "rmdir", "mkfifo": targets += operands
        case "mknod": targets.append(words.joined(separator: " "))  // device nodes: never in a doc example
        default: break
        }
    }
    var k = 0
    while k < tokens.count {
        let token = tokens[k]
        if separators.contains(token) {
            endCommand()
        } else if outputOptions.contains(token) || redirections.contains(token) {
            if k + 1 < tokens.count { targets.append(tokens[k + 1]) }
            k += 1
        } else if let r = token.range(of: ">"), !token.hasPrefix("-") {
            let target = String(token[r.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: ">|"))
            if !target.isEmpty && !target.hasPrefix("&") { targets.append(target) }
        } else if let eq = token.firstIndex(of: "="), outputOptions.contains(String(token[..<eq])) {
            targets.append(String(token[token.index(after: eq)...]))
        } else {
            words.append(token)
        }
        k += 1
    }
    endCommand()
    return targets.filter { !$0.hasPrefix("/tmp/") || $0.contains("/../") }
}

/// Runs one documented command as the docs describe.
enum DocumentedCommandRunner {
    struct Outcome {
        let status: Int32
        let output: String
        let timedOut: Bool
    }

    /// Where `/tmp/` of the documented commands really points during this test run: a fresh
    /// folder, so that concurrent runs of the test suite cannot trip over each other's files.
    static let privateTemporaryFolder: String = {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("emimpute-docs-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Runs `command` with `/tmp/` mapped to the private folder, and maps it back in the output.
    static func run(_ command: String, timeout: TimeInterval = 300) throws -> Outcome {
        let mapped = command.replacingOccurrences(of: "/tmp/", with: privateTemporaryFolder + "/")
        let outcome = try runUnmapped(mapped, timeout: timeout)
        return Outcome(status: outcome.status,
                       output: outcome.output.replacingOccurrences(of: privateTemporaryFolder + "/", with: "/tmp/"),
                       timedOut: outcome.timedOut)
    }

    static func runUnmapped(_ command: String, timeout: TimeInterval) throws -> Outcome {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/output"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = CLIRunner.root
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = CLIRunner.binary.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["COLUMNS"] = "80"
        environment["EMIMPUTE_TEST_FAULT"] = nil
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        let timedOut = finished.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            finished.wait()
        }
        try handle.close()
        let output = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        return Outcome(status: process.terminationStatus, output: output, timedOut: timedOut)
    }
}

@Suite("Documentation examples")
struct DocumentationTests {
    @Test("console blocks run and print what the docs show", .serialized, arguments: ConsoleBlock.all)
    func consoleBlock(_ block: ConsoleBlock) throws {
        if let problem = block.problem { Issue.record(Comment(rawValue: problem)); return }
        for c in block.commands {
            let place = "\(block.file):\(c.line): $ \(c.command)"
            let outside = writesOutsideTemporaryFolder(c.command)
            #expect(outside.isEmpty, "\(place)\nwrites outside /tmp: \(outside)")
            guard outside.isEmpty else { continue }
            let r = try DocumentedCommandRunner.run(c.command)
            #expect(!r.timedOut, "\(place)\ntimed out")
            #expect(r.status == 0, "\(place)\nexit status \(r.status); output:\n\(r.output)")
            let actual = r.output.components(separatedBy: "\n")
            let ok = OutputMatcher.matches(expected: c.expected, actual: actual)
            #expect(ok, "\(place)\n--- expected (from the doc)\n\(OutputMatcher.normalise(c.expected).joined(separator: "\n"))\n--- actual\n\(OutputMatcher.normalise(actual).joined(separator: "\n"))")
        }
    }

    @Test func everyDocumentHasTestedExamples() {
        for file in DocumentationFiles.required {
            guard let text = DocumentationFiles.text(of: file) else { Issue.record("\(file) is missing"); continue }
            #expect(!ConsoleBlock.blocks(in: text, file: file).isEmpty, "\(file) has no `console` block")
        }
        #expect(ConsoleBlock.all.reduce(0) { $0 + $1.commands.count } >= 40)
    }

    /// Every option that `emimpute <command> --help` lists is named in Docs/CLI.md.
    @Test(arguments: ["impute", "apply", "describe", "fit"])
    func cliReferenceNamesEveryOption(_ command: String) throws {
        let help = try CLIRunner.run([command, "--help"])
        #expect(help.status == 0)
        let cli = DocumentationFiles.text(of: "Docs/CLI.md") ?? ""
        let regex = try NSRegularExpression(pattern: "(?<![A-Za-z-])--[a-z][a-z-]*")
        let text = help.stdoutText
        let options = Set(regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range, in: text)!]) })
        #expect(options.count >= 5)
        for option in options.sorted() where option != "--help" && option != "--version" {
            #expect(cli.contains("`\(option)"), "Docs/CLI.md does not document \(option) of emimpute \(command)")
        }
    }

    @Test func matcherRules() {
        #expect(OutputMatcher.matches(expected: ["a", "...", "z"], actual: ["a", "b", "c", "z"]))
        #expect(OutputMatcher.matches(expected: ["a", "...", "z"], actual: ["a", "z"]))
        #expect(!OutputMatcher.matches(expected: ["a", "...", "z"], actual: ["a", "b"]))
        #expect(OutputMatcher.matches(expected: ["time: <ignored> s"], actual: ["time: 0.01 s  "]))
        #expect(!OutputMatcher.matches(expected: ["time: <ignored> s"], actual: ["time: 0.01"]))
        #expect(OutputMatcher.matches(expected: ["<ignored>"], actual: ["anything"]))
        #expect(!OutputMatcher.matches(expected: ["<ignored>"], actual: ["one", "two"]))
        #expect(OutputMatcher.matches(expected: ["x", ""], actual: ["x", "", ""]))
        #expect(!OutputMatcher.matches(expected: ["x"], actual: ["x", "y"]))
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv -o /tmp/x.csv --report r.json 2>/tmp/e.txt") == ["r.json"])
        #expect(writesOutsideTemporaryFolder("cat a | emimpute impute - > out.csv 2>&1") == ["out.csv"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv --quiet >/tmp/x.csv 2>&1").isEmpty)
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv -o /tmp/x.csv; echo \"exit $?\"").isEmpty)
        #expect(writesOutsideTemporaryFolder("awk -F, 'NR > 1 && $1 < 0' a.csv > /tmp/b.csv").isEmpty)
        #expect(writesOutsideTemporaryFolder("(cd /tmp && emimpute impute x.csv -o y.csv)") == ["y.csv"])
        // Every target outside /tmp is reported — a device node like any other path (the
        // checker has no exception for them), so plain paths stand in for them here.
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv -o /home/me/out.csv; echo \"exit $?\"") == ["/home/me/out.csv"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv 2>/home/me/err.txt") == ["/home/me/err.txt"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv &>/home/me/all.txt") == ["/home/me/all.txt"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv --report=/home/me/r.json") == ["/home/me/r.json"])
        // Commands that write to their operands.
        #expect(writesOutsideTemporaryFolder("cp Datasets/penguins.csv /tmp/cli-penguins.csv").isEmpty)
        #expect(writesOutsideTemporaryFolder("cp -f Datasets/a.csv Datasets/b.csv") == ["Datasets/b.csv"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv | tee /tmp/x.csv out.csv") == ["out.csv"])
        #expect(writesOutsideTemporaryFolder("head -n 2 a.csv && touch done") == ["done"])
        #expect(writesOutsideTemporaryFolder("grep -c x /tmp/r.json; mkdir -p /tmp/d; rm /etc/x") == ["/etc/x"])
        #expect(writesOutsideTemporaryFolder("emimpute impute a.csv -o /tmp/../etc/x.csv") == ["/tmp/../etc/x.csv"])
        #expect(writesOutsideTemporaryFolder("mknod /tmp/full c 1 7") == ["mknod /tmp/full c 1 7"])
    }
}
