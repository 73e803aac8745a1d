import EMImpute
import Foundation
import SyntheticData

/// One point of a scaling sweep: an in-memory synthetic matrix (no CSV), a few EM iterations.
struct ScalingPoint {
    let rows: Int
    let columns: Int
    let missingRate: Double
    var patternPool: Int?
}

struct ScalingResult {
    let point: ScalingPoint
    let patterns: Int
    let missingShare: Double
    let dsyrk: (wall: Double, cpu: Double)
    let all: EMRun
    let single: EMRun
    /// CPU seconds per iteration of a single-threaded fit, set-up excluded: the difference
    /// between a fit of `scalingIterations` and one of `shortIterations`.
    let singleCPUPerIteration: Double?

    /// Steady seconds per iteration (history records, set-up excluded), else fit / E-steps.
    static func perIteration(_ r: EMRun) -> Double { r.steadySecondsPerIteration ?? r.secondsPerExpectationStep }
}

/// Iterations per scaling fit: enough for a steady per-iteration time, few enough to be quick.
let scalingIterations = 12
let shortIterations = 4

func measureScaling(_ point: ScalingPoint, cores: Int) throws -> ScalingResult {
    var spec = SyntheticSpec(rows: point.rows, columns: point.columns, missingRate: point.missingRate,
                             mechanism: .mcar, correlation: 0.5, seed: 20_261_122)
    spec.patternPool = point.patternPool
    let values = try SyntheticData.matrix(spec)
    let missing = values.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
    let data = try IncompleteMatrix(rowCount: point.rows, columnCount: point.columns, values: values)
    let dsyrk = dsyrkYardstick(values, rows: point.rows, columns: point.columns)
    let (all, _) = try measureEM(data, threads: cores, acceleration: .none, maxIterations: scalingIterations)
    let single = cores > 1 ? try measureEM(data, threads: 1, acceleration: .none, maxIterations: scalingIterations).0 : all
    let short = try measureEM(data, threads: 1, acceleration: .none, maxIterations: shortIterations).0
    let steps = single.expectationSteps - short.expectationSteps
    let cpu = steps > 0 ? (single.cpuSeconds - short.cpuSeconds) / Double(steps) : nil
    return ScalingResult(point: point, patterns: all.patternCount, missingShare: Double(missing) / Double(values.count),
                         dsyrk: dsyrk, all: all, single: single, singleCPUPerIteration: cpu)
}

func scalingSweeps(quick: Bool, cores: Int) throws -> String {
    let base = quick ? 10_000 : 100_000
    let sweeps: [(title: String, varying: String, points: [ScalingPoint])] = [
        ("Growth in n (p = 20, 15% MCAR)", "n",
         [1, 2, 4].map { ScalingPoint(rows: base * $0, columns: 20, missingRate: 0.15) }),
        ("Growth in p (n = \(grouped(base)), 15% MCAR)", "p",
         [10, 20, 40, 80].map { ScalingPoint(rows: base, columns: $0, missingRate: 0.15) }),
        ("Growth in the number of patterns (n = \(grouped(base)), p = 20, MCAR)", "missing",
         [0.02, 0.10, 0.30].map { ScalingPoint(rows: base, columns: 20, missingRate: $0) }
            + [10, 1_000].map { ScalingPoint(rows: base, columns: 20, missingRate: 0.30, patternPool: $0) }),
    ]
    var out = "Each point: an in-memory synthetic matrix (AR(1) ρ = 0.5), \(scalingIterations) plain EM iterations. "
        + "s/iteration: the steady wall time between the first and last iteration (set-up excluded). "
        + "CPU s/iteration (1 thread): CPU time of a \(scalingIterations)-iteration fit minus that of a \(shortIterations)-iteration fit, "
        + "per extra E-step (set-up excluded; robust to other load on the machine); the per-row and per-row·p² figures use it. "
        + "Set-up s = fit wall time − E-steps × s/iteration (pattern grouping, standardisation, imputation).\n\n"
    for sweep in sweeps {
        note("scaling: \(sweep.title)")
        var table = Table(["n", "p", "missing", "patterns", "mean missing per row",
                           "s/iteration (\(cores) threads)", "s/iteration (1 thread)", "CPU s/iteration (1 thread)",
                           "dsyrk CPU s", "÷ dsyrk CPU", "µs per row", "ns per row·p²", "set-up s (\(cores) threads)"])
        for point in sweep.points {
            let r = try measureScaling(point, cores: cores)
            let one = ScalingResult.perIteration(r.single)
            let cpu = r.singleCPUPerIteration
            let setup = r.all.seconds - Double(r.all.expectationSteps) * ScalingResult.perIteration(r.all)
            let n = Double(point.rows), p = Double(point.columns)
            let missingLabel = fmt(100 * r.missingShare, 3) + "%" + (point.patternPool.map { " (pool of \(grouped($0)) patterns)" } ?? "")
            table.add([grouped(point.rows), "\(point.columns)", missingLabel, grouped(r.patterns),
                       fmt(r.missingShare * p, 3),
                       fmt(ScalingResult.perIteration(r.all)), fmt(one), fmt(cpu), fmt(r.dsyrk.cpu),
                       fmt(cpu.map { $0 / r.dsyrk.cpu }, 2),
                       fmt(cpu.map { $0 / n * 1e6 }), fmt(cpu.map { $0 / (n * p * p) * 1e9 }), fmt(setup)])
            note("scaling:   n=\(point.rows) p=\(point.columns) rate=\(point.missingRate): \(fmt(one)) s/iteration (1 thread), CPU \(fmt(cpu))")
        }
        out += "### \(sweep.title)\n\n" + table.markdown + "\n"
    }
    return out
}
