// pass1-bench: pass 1 (CSVStatisticsReader: CSV → per-pattern statistics, all cores) against
// the libcsv yardstick (one single-threaded libcsv pass with empty callbacks) and the
// loader (CSVLoader: CSV → matrix), measured in the same run on the same file (issue #13).
//
//   pass1-bench FILE [--runs R]
//
// Each figure is the fastest of R runs (default 3), so all read the file from the page
// cache. Prints a Markdown table with the ratio of each to the yardstick.
import CSVYardstick
import EMImpute
import Foundation

var arguments = ArraySlice(CommandLine.arguments.dropFirst())
guard let path = arguments.popFirst() else { print("usage: pass1-bench FILE [--runs R]"); exit(64) }
var runCount = 3
var profileThreads = 1
while let a = arguments.popFirst() {
    switch a {
    case "--runs": runCount = Int(arguments.popFirst()!)!
    case "--profile":
        // One pass 1 (single-threaded unless --threads comes first) and nothing else, for a profiler.
        _ = try CSVStatisticsReader.read(path, threads: profileThreads)
        exit(0)
    case "--threads": profileThreads = Int(arguments.popFirst()!)!
    default: print("unknown argument \(a)"); exit(64)
    }
}
let runs = runCount

/// CPU seconds of the process so far (user + system, all threads).
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

/// Wall-clock and CPU seconds of the fastest of `runs` runs.
@MainActor func seconds(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    var best = (wall: Double.infinity, cpu: Double.infinity)
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds, cpu = cpuSeconds()
        try body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        if wall < best.wall { best = (wall, cpuSeconds() - cpu) }
    }
    return best
}

let cores = ProcessInfo.processInfo.activeProcessorCount
let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
let yardstick = CSVYardstick.pass(path)
let measured = seconds { _ = CSVYardstick.pass(path) }
let yardstickSeconds = min(yardstick.seconds, measured.wall)
var statistics: TableStatistics?
let one = try seconds { statistics = try CSVStatisticsReader.read(path, threads: 1) }
let all = try seconds { statistics = try CSVStatisticsReader.read(path, threads: cores) }
var table: LoadedTable?
let load = try seconds { table = try CSVLoader.load(path) }
let tableStatistics = seconds { _ = table!.statistics }

print("file: \(path), \(bytes) bytes, \(yardstick.records) records of \(yardstick.fields / max(yardstick.records, 1)) fields; \(cores) cores; fastest of \(runs) runs")
if let s = statistics?.statistics {
    let kept = s.groups.values.filter { $0.keepsRows }
    print("statistics: \(s.rowCount) rows, \(s.groups.count) patterns (\(kept.count) keep their \(kept.map(\.count).reduce(0, +)) rows)")
}
print("")
print("| step | wall s | × yardstick | CPU s | CPU × yardstick |")
print("|---|---|---|---|---|")
func row(_ name: String, _ t: (wall: Double, cpu: Double)) {
    print(String(format: "| %@ | %.3f | %.2f | %.3f | %.2f |", name, t.wall, t.wall / yardstickSeconds, t.cpu, t.cpu / measured.cpu))
}
row("libcsv yardstick (1 thread, empty callbacks)", measured)
row("pass 1, statistics, 1 thread", one)
row("pass 1, statistics, \(cores) threads", all)
row("loader (CSVLoader.load, matrix)", load)
row("impute's statistics of the loaded matrix (LoadedTable.statistics)", tableStatistics)
print("")
print(String(format: "target: pass 1 on all cores ≤ 0.7 × the yardstick: %.2f × — %@ (CPU: %.2f × the yardstick's)",
             all.wall / yardstickSeconds, all.wall <= 0.7 * yardstickSeconds ? "met" : "NOT met", all.cpu / measured.cpu))
