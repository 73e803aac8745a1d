// statistics-bench: EM on per-pattern statistics against the row-wise engine and one dsyrk,
// measured in the same run on the same synthetic data (issue #13).
//
//   statistics-bench [--rows N] [--columns P] [--missing RATE] [--mar] [--pool K] [--threads T]
//
// Prints, for the data: the time to build PatternStatistics (one streaming pass over rows in
// memory), the number of patterns kept as moments or as rows, the seconds per EM iteration
// of the row-wise fit and of the fit on statistics, and one single-threaded dsyrk over the
// n×p matrix (the yardstick); checks that both fits agree; and prints issue #13's target for
// the case as a ratio measured in this run:
//   --pool K (few patterns, e.g. 1e7 × 8, K = 50): statistics E-step ≤ 2 ms, whatever n;
//   --mar (e.g. 1e5 × 100, nearly every row its own pattern): statistics E-step ≤ row-wise E-step;
//   otherwise (e.g. 1e6 × 20, 15% MCAR): statistics E-step ≤ 1.5 × one dsyrk.
// A statistics E-step here is the whole fit on statistics (set-up included) over its E-steps.
import BLASYardstick
import EMImpute
import Foundation
import SyntheticData

var rows = 1_000_000, columns = 20, rate = 0.15, mechanism = MissingMechanism.mcar, pool: Int?, threads: Int?, skipRowWise = false
var arguments = ArraySlice(CommandLine.arguments.dropFirst())
while let a = arguments.popFirst() {
    switch a {
    case "--rows": rows = Int(arguments.popFirst()!)!
    case "--columns": columns = Int(arguments.popFirst()!)!
    case "--missing": rate = Double(arguments.popFirst()!)!
    case "--mar": mechanism = .mar
    case "--pool": pool = Int(arguments.popFirst()!)!
    case "--threads": threads = Int(arguments.popFirst()!)!
    case "--skip-row-wise": skipRowWise = true  // for profiling the statistics fit alone
    default: print("unknown argument \(a)"); exit(64)
    }
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) * 1e-9 }
/// CPU seconds of the process so far (all threads): with other work on the cores, the CPU
/// ratios say what an idle machine would show for one thread.
func cpuNow() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6
}

var spec = SyntheticSpec(rows: rows, columns: columns, missingRate: rate, mechanism: mechanism, correlation: 0.5, seed: 20_261_201)
spec.patternPool = pool
let values = try SyntheticData.matrix(spec)
let data = try IncompleteMatrix(rowCount: rows, columnCount: columns, values: values)

var t = now()
let statistics = PatternStatistics(data)
let buildSeconds = now() - t
let moments = statistics.groups.values.filter { !$0.keepsRows }
let kept = statistics.groups.values.filter(\.keepsRows)

var options = EMOptions()
options.threads = threads
t = now()
var c = cpuNow()
var rowWiseOptions = options
if skipRowWise { rowWiseOptions.maxIterations = 1 }
let rowWise = try GaussianEM(options: rowWiseOptions).fit(data)
let rowWiseSeconds = now() - t, rowWiseCPU = cpuNow() - c
t = now()
c = cpuNow()
let onStatistics = try GaussianEM(options: options).fit(statistics)
let statisticsSeconds = now() - t, statisticsCPU = cpuNow() - c

let complete = values.map { $0.isNaN ? 0 : $0 }
let dsyrk = complete.withUnsafeBufferPointer { BLASYardstick.medianDsyrkSeconds($0.baseAddress!, rows: rows, columns: columns) }

func perIteration(_ r: EMResult, _ total: Double) -> Double { total / Double(max(r.expectationSteps, 1)) }
// Differences on the scale of the data: Δμⱼ / σⱼ and ΔΣⱼₖ / √(ΣⱼⱼΣₖₖ), as the tests measure them.
let sd = rowWise.model.standardDeviations
var difference = 0.0
for j in 0..<columns {
    difference = max(difference, abs(rowWise.mean[j] - onStatistics.mean[j]) / sd[j])
    for k in 0..<columns {
        difference = max(difference, abs(rowWise.covariance[j, k] - onStatistics.covariance[j, k]) / (sd[j] * sd[k]))
    }
}
print("data: \(rows) × \(columns), \(mechanism.rawValue) \(rate), pattern pool \(pool.map(String.init) ?? "none"), threads \(threads.map(String.init) ?? "all")")
print("patterns: \(statistics.groups.count) (\(moments.count) as moments holding \(moments.map(\.count).reduce(0, +)) rows; \(kept.count) kept as rows holding \(kept.map(\.count).reduce(0, +)) rows)")
print(String(format: "build statistics: %.3f s", buildSeconds))
print(String(format: "row-wise fit: %.3f s, %d E-steps, %.4f s per E-step", rowWiseSeconds, rowWise.expectationSteps, perIteration(rowWise, rowWiseSeconds)))
print(String(format: "statistics fit: %.3f s, %d E-steps, %.4f s per E-step", statisticsSeconds, onStatistics.expectationSteps, perIteration(onStatistics, statisticsSeconds)))
print(String(format: "one dsyrk (n×p, 1 thread): %.4f s; statistics E-step / dsyrk = %.2f; row-wise E-step / dsyrk = %.2f",
             dsyrk.wall, perIteration(onStatistics, statisticsSeconds) / dsyrk.wall, perIteration(rowWise, rowWiseSeconds) / dsyrk.wall))
print(String(format: "largest difference of μ, Σ between the fits, relative to the standard deviations: %.2e", difference))

let statisticsStep = perIteration(onStatistics, statisticsSeconds), rowWiseStep = perIteration(rowWise, rowWiseSeconds)
let statisticsStepCPU = perIteration(onStatistics, statisticsCPU), rowWiseStepCPU = perIteration(rowWise, rowWiseCPU)
print(String(format: "CPU per E-step (all threads): statistics %.4f s, row-wise %.4f s; one dsyrk %.4f s CPU; statistics / dsyrk = %.2f, statistics / row-wise = %.2f",
             statisticsStepCPU, rowWiseStepCPU, dsyrk.cpu, statisticsStepCPU / dsyrk.cpu, statisticsStepCPU / rowWiseStepCPU))
func verdict(_ met: Bool) -> String { met ? "met" : "NOT met" }
if pool != nil {
    print(String(format: "target: statistics E-step ≤ 2 ms: %.3f ms (%.2f × the target) — %@",
                 statisticsStep * 1e3, statisticsStep / 2e-3, verdict(statisticsStep <= 2e-3)))
} else if mechanism == .mar {
    if skipRowWise {
        print("target: statistics E-step ≤ row-wise E-step: not measured (--skip-row-wise)")
    } else {
        print(String(format: "target: statistics E-step ≤ row-wise E-step: %.2f × — %@",
                     statisticsStep / rowWiseStep, verdict(statisticsStep <= rowWiseStep)))
    }
} else {
    print(String(format: "target: statistics E-step ≤ 1.5 × dsyrk: %.2f × dsyrk — %@",
                 statisticsStep / dsyrk.wall, verdict(statisticsStep <= 1.5 * dsyrk.wall)))
}
