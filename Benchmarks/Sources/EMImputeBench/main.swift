import Foundation

let usage = """
    USAGE: emimpute-bench [--quick] [--case NAME]... [--scaling] [--skip-end-to-end]
                          [--emimpute PATH] [--single-thread-budget SECONDS] [--keep-data] [--list]

    For each case: generates a synthetic CSV in a temporary folder, then measures CSVLoader.load
    (best of 2), EM (default tolerance; all cores and 1 thread; plain and SQUAREM) against one
    single-threaded OpenBLAS dsyrk over the same n×p matrix (median of 5), pass 2 (ModelApplier)
    (best of 2) and the release `emimpute impute IN -o OUT` as a subprocess (wall time, peak RSS).
    Prints Markdown tables on standard output and progress on standard error.

      --quick                 tiny versions of the cases (and of the sweeps)
      --case NAME             only this case (repeatable); see --list
      --scaling               time per iteration against n, p and the number of patterns
                              (alone it runs only the sweeps; add --case to run cases too)
      --skip-end-to-end       do not run the emimpute subprocess
      --emimpute PATH         the CLI to time (default: ../.build/release/emimpute relative to
                              Benchmarks, built with `swift build -c release` if missing)
      --single-thread-budget  cap a single-threaded EM run projected to exceed this many
                              seconds at fewer iterations (default 120)
      --keep-data             keep the temporary folder
    """

// Hidden helper mode used to measure the CLI's own peak RSS (see runMeasured).
if CommandLine.arguments.count >= 4, CommandLine.arguments[1] == "--measure-child", CommandLine.arguments[3] == "--" {
    measureChildMain(resultPath: CommandLine.arguments[2], arguments: Array(CommandLine.arguments.dropFirst(4)))
}

var settings = RunSettings()
var selected: [String] = []
var scaling = false
var arguments = CommandLine.arguments.dropFirst()
while let a = arguments.popFirst() {
    switch a {
    case "--quick": settings.quick = true
    case "--case":
        guard let name = arguments.popFirst() else { fail("--case needs a name") }
        guard BenchCase.all.contains(where: { $0.name == name }) else {
            fail("no case \(name); cases: \(BenchCase.all.map(\.name).joined(separator: ", "))")
        }
        selected.append(name)
    case "--scaling": scaling = true
    case "--skip-end-to-end": settings.skipEndToEnd = true
    case "--emimpute":
        guard let path = arguments.popFirst() else { fail("--emimpute needs a path") }
        settings.emimpute = path
    case "--single-thread-budget":
        guard let v = arguments.popFirst().flatMap(Double.init), v > 0 else { fail("--single-thread-budget needs seconds") }
        settings.singleThreadBudget = v
    case "--keep-data": settings.keepData = true
    case "--list":
        for c in BenchCase.all {
            print("\(c.name)\t\(c.rows)×\(c.columns)\t\(c.mechanism.rawValue) \(c.missingRate)\t(quick: \(c.quickRows) rows)")
        }
        exit(0)
    case "--help", "-h": print(usage); exit(0)
    default: fail("unknown argument \(a)\n\n\(usage)")
    }
}
let cases = selected.isEmpty ? (scaling ? [] : BenchCase.all) : BenchCase.all.filter { selected.contains($0.name) }

/// The emimpute CLI: ../.build/release/emimpute relative to Benchmarks, built if missing.
func locateEmimpute() -> String? {
    // This file is Benchmarks/Sources/EMImputeBench/main.swift.
    let benchmarks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    var root = benchmarks.deletingLastPathComponent().path
    if !FileManager.default.fileExists(atPath: root + "/Package.swift") {
        root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).deletingLastPathComponent().path
    }
    let binary = root + "/.build/release/emimpute"
    if FileManager.default.isExecutableFile(atPath: binary) { return binary }
    note("\(binary) is missing: running `swift build -c release --product emimpute` in \(root)")
    let log = NSTemporaryDirectory() + "/emimpute-bench-build.log"
    let build = runChild(["/bin/sh", "-c", "cd \"$0\" && exec swift build -c release --product emimpute >&2", root],
                         stderrPath: log)
    guard let build, build.status == 0, FileManager.default.isExecutableFile(atPath: binary) else {
        note("the build failed (see \(log)); skipping the end-to-end runs")
        return nil
    }
    return binary
}

/// The source the library was built from: `git rev-parse` and `git status` (read-only).
func sourceRevision() -> String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    func git(_ args: [String]) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root] + args
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors  // drained and dropped below; never /dev/null
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    guard let head = git(["rev-parse", "--short", "HEAD"]) else { return nil }
    let dirty = git(["status", "--porcelain", "--", "Sources", "Package.swift"]).map { !$0.isEmpty } ?? false
    return head + (dirty ? " with uncommitted changes under Sources/" : "")
}

let machine = Machine.describe()
settings.cores = machine.cores
if !cases.isEmpty && !settings.skipEndToEnd && settings.emimpute == nil { settings.emimpute = locateEmimpute() }

let scratch = Scratch()
scratch.keep = settings.keepData
/// The scratch folder, for the interrupt handler.
nonisolated(unsafe) var scratchToRemove: String? = settings.keepData ? nil : scratch.path
signal(SIGINT) { _ in
    // Not async-signal-safe, but this is a benchmark tool: remove the data and stop.
    if let path = scratchToRemove { try? FileManager.default.removeItem(atPath: path) }
    _exit(130)
}
defer { scratch.cleanUp() }

/// The first three fields of /proc/loadavg: other work on the machine skews every figure.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}
let loadBefore = loadAverage()
let clock = ContinuousClock()
let began = clock.now
var results: [CaseResult] = []
var output = ""
do {
    for c in cases { results.append(try runCase(c, settings: settings, scratch: scratch)) }
    if !results.isEmpty { output += caseTables(results, cores: machine.cores) + "\n" }
    if scaling { output += "## Scaling\n\n" + (try scalingSweeps(quick: settings.quick, cores: machine.cores)) }
} catch {
    scratch.cleanUp()
    fail("\(error)")
}
let total = seconds(clock.now - began)

print("# emimpute-bench\(settings.quick ? " (quick)" : "")\n")
print("Command: `\(CommandLine.arguments.map { URL(fileURLWithPath: $0).lastPathComponent == "emimpute-bench" ? "emimpute-bench" : $0 }.joined(separator: " "))` (run from `Benchmarks/`, release build)\n")
print("Machine:\n\n\(machine.markdown)\n")
if let revision = sourceRevision() { print("Source: EMImpute at \(revision)\n") }
if let e = settings.emimpute, !results.isEmpty { print("End to end: `\(e) impute IN -o OUT` (input in the page cache; peak RSS from wait4 ru_maxrss)\n") }
print("MB = 10^6 bytes. Load and write: best of 2; write includes fsync and rename. dsyrk: median of 5 single-threaded calls C = AᵀA over the same n×p matrix. s/iteration = EM wall time ÷ E-steps. \"CPU\" columns use process CPU time instead of wall time: for single-threaded work they show what an idle machine would, when other processes share the cores.\n")
print(output)
print("Total time: \(fmt(total)) s. Load average (1, 5, 15 min) before: \(loadBefore); after: \(loadAverage()); nice value: \(getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)).")
