import CSVYardstick
import BLASYardstick
import EMImpute
import Foundation
import SyntheticData

/// One benchmark case: a synthetic table and what to do with it.
struct BenchCase {
    let name: String
    let rows: Int
    let columns: Int
    let missingRate: Double
    let mechanism: MissingMechanism
    /// The rows of the `--quick` version.
    let quickRows: Int

    static let all: [BenchCase] = [
        BenchCase(name: "1e6x20-mcar15", rows: 1_000_000, columns: 20, missingRate: 0.15, mechanism: .mcar, quickRows: 10_000),
        BenchCase(name: "1e5x100-mar10", rows: 100_000, columns: 100, missingRate: 0.10, mechanism: .mar, quickRows: 2_000),
        BenchCase(name: "1e7x5-mcar20", rows: 10_000_000, columns: 5, missingRate: 0.20, mechanism: .mcar, quickRows: 100_000),
        BenchCase(name: "2e5x20-mcar40", rows: 200_000, columns: 20, missingRate: 0.40, mechanism: .mcar, quickRows: 4_000),
    ]

    func spec(quick: Bool) -> SyntheticSpec {
        var s = SyntheticSpec(rows: quick ? quickRows : rows, columns: columns, missingRate: missingRate,
                              mechanism: mechanism, correlation: 0.5, seed: 20_261_122)
        s.meanStep = 1
        return s
    }
}

/// One EM fit as measured.
struct EMRun {
    let threads: Int
    let acceleration: EMOptions.Acceleration
    let iterations: Int
    let expectationSteps: Int
    let hasConverged: Bool
    let seconds: Double
    /// Process CPU seconds of the fit (all threads).
    let cpuSeconds: Double
    /// The iteration cap set to bound a slow single-threaded run (nil: the default cap).
    let cappedAt: Int?
    /// Seconds per iteration between the first and last history records (no set-up).
    let steadySecondsPerIteration: Double?
    let patternCount: Int

    var secondsPerExpectationStep: Double { seconds / Double(max(expectationSteps, 1)) }
    var cpuSecondsPerExpectationStep: Double { cpuSeconds / Double(max(expectationSteps, 1)) }
}

/// Fits `data` and times it.
func measureEM(_ data: IncompleteMatrix, threads: Int, acceleration: EMOptions.Acceleration,
               maxIterations: Int? = nil) throws -> (EMRun, EMResult) {
    var options = EMOptions()
    options.threads = threads
    options.acceleration = acceleration
    if let maxIterations { options.maxIterations = maxIterations }
    let (result, wall, cpu) = try timedCPU { try GaussianEM(options: options).fit(data) }
    let records = result.history.records
    var steady: Double?
    if records.count >= 2, acceleration == .none {
        steady = (records[records.count - 1].elapsedSeconds - records[0].elapsedSeconds) / Double(records.count - 1)
    }
    let run = EMRun(threads: threads, acceleration: acceleration, iterations: result.iterations,
                    expectationSteps: result.expectationSteps, hasConverged: result.hasConverged, seconds: wall, cpuSeconds: cpu,
                    cappedAt: maxIterations, steadySecondsPerIteration: steady, patternCount: result.patternCount)
    return (run, result)
}

/// The median wall and CPU seconds of five single-threaded dsyrk calls over `values` (NaN read as 0).
func dsyrkYardstick(_ values: [Double], rows n: Int, columns p: Int) -> (wall: Double, cpu: Double) {
    var filled = values
    for i in filled.indices where filled[i].isNaN { filled[i] = 0 }
    return filled.withUnsafeBufferPointer { BLASYardstick.medianDsyrkSeconds($0.baseAddress!, rows: n, columns: p, repeats: 5) }
}

/// Everything measured for one case.
struct CaseResult {
    let benchCase: BenchCase
    let rows: Int
    let columns: Int
    let fileBytes: Int
    let missingShare: Double
    let generateSeconds: Double
    let loadSeconds: [Double]
    let loadCPU: [Double]
    let dsyrkSeconds: Double
    let dsyrkCPU: Double
    let runs: [EMRun]
    let writeSeconds: [Double]
    let writeCPU: [Double]
    let writeBytes: Int
    let endToEnd: ChildRun?
    let endToEndCommand: String?
    /// One single-threaded libcsv pass over the file with empty callbacks (best of 2): the
    /// yardstick of issue #13's load and end-to-end targets.
    var csvYardstickSeconds = Double.nan

    var bestLoad: Double { loadSeconds.min() ?? .nan }
    var bestWrite: Double { writeSeconds.min() ?? .nan }
    var cellBytes: Int { 8 * rows * columns }
    func run(threads: Int, _ a: EMOptions.Acceleration) -> EMRun? {
        runs.first { $0.threads == threads && $0.acceleration == a }
    }
}

struct RunSettings {
    var quick = false
    var skipEndToEnd = false
    var keepData = false
    var emimpute: String?
    /// A single-threaded fit projected to take longer than this is capped at fewer iterations
    /// (its seconds per E-step are what it is for; iterations do not depend on threads).
    var singleThreadBudget = 120.0
    var cores = ProcessInfo.processInfo.activeProcessorCount
}

func runCase(_ c: BenchCase, settings: RunSettings, scratch: Scratch) throws -> CaseResult {
    let spec = c.spec(quick: settings.quick)
    let input = scratch.file("\(c.name).csv")
    let output = scratch.file("\(c.name)-completed.csv")
    note("\(c.name): generating \(grouped(spec.rows))×\(spec.columns) (\(c.mechanism.rawValue), \(Int(c.missingRate * 100))% missing)")
    let (summary, generateSeconds) = try timed { try SyntheticData.write(spec, to: input) }

    // Load: best of 2.
    var loadSeconds: [Double] = []
    var loadCPU: [Double] = []
    var loaded: LoadedTable?
    for k in 0..<2 {
        loaded = nil
        let (t, s, cpu) = try timedCPU { try CSVLoader.load(input) }
        loadSeconds.append(s)
        loadCPU.append(cpu)
        loaded = t
        note("\(c.name): load \(k + 1): \(fmt(s)) s (CPU \(fmt(cpu)) s)")
    }
    let table = loaded!
    let n = table.matrix.rowCount, p = table.matrix.columnCount
    note("\(c.name): libcsv yardstick")
    let csvYardstick = CSVYardstick.bestSeconds(input, runs: 2)

    note("\(c.name): dsyrk yardstick")
    let dsyrk = dsyrkYardstick(table.matrix.values, rows: n, columns: p)

    var runs: [EMRun] = []
    var model: GaussianModel?
    for acceleration in [EMOptions.Acceleration.none, .squarem] {
        note("\(c.name): EM, \(settings.cores) threads, acceleration \(acceleration.rawValue)")
        let (full, result) = try measureEM(table.matrix, threads: settings.cores, acceleration: acceleration)
        if acceleration == .none { model = result.model }
        runs.append(full)
        note("\(c.name):   \(full.iterations) iterations, \(full.expectationSteps) E-steps, \(fmt(full.seconds)) s (CPU \(fmt(full.cpuSeconds)) s)")
        // One thread: the whole fit if it fits the budget, otherwise capped.
        let projected = full.seconds * Double(settings.cores) * 1.1
        var cap: Int?
        if settings.cores > 1, projected > settings.singleThreadBudget {
            let perIteration = full.seconds / Double(max(full.iterations, 1)) * Double(settings.cores) * 1.1
            cap = max(3, min(full.iterations, Int(settings.singleThreadBudget / perIteration)))
        }
        if settings.cores == 1 { continue }
        note("\(c.name): EM, 1 thread, acceleration \(acceleration.rawValue)\(cap.map { " (capped at \($0) iterations)" } ?? "")")
        let (single, _) = try measureEM(table.matrix, threads: 1, acceleration: acceleration, maxIterations: cap)
        runs.append(single)
        note("\(c.name):   \(single.iterations) iterations, \(single.expectationSteps) E-steps, \(fmt(single.seconds)) s")
    }

    // Write (pass 2: the input read again in ranges on all cores, each row completed under the
    // model): best of 2, to a temporary file (atomic: includes fsync and rename).
    var writeSeconds: [Double] = []
    var writeCPU: [Double] = []
    for _ in 0..<2 {
        let (_, s, cpu) = try timedCPU {
            let target = try OutputTarget.file(output)
            _ = try ModelApplier.apply(model!, input: input, options: CSVReadOptions(), output: target, threads: settings.cores)
            try target.commit()
        }
        writeSeconds.append(s)
        writeCPU.append(cpu)
    }
    let writeBytes = fileSize(output)
    scratch.remove("\(c.name)-completed.csv")
    note("\(c.name): write \(writeSeconds.map { fmt($0) }.joined(separator: ", ")) s")
    let missingShare = Double(summary.missingCells) / Double(n * p)
    model = nil
    loaded = nil

    // End to end: the release CLI as a subprocess.
    var child: ChildRun?
    var command: String?
    if !settings.skipEndToEnd, let emimpute = settings.emimpute {
        let arguments = [emimpute, "impute", input, "-o", output]
        command = "emimpute impute \(c.name).csv -o \(c.name)-completed.csv"
        note("\(c.name): end to end: \(arguments.joined(separator: " "))")
        child = runMeasured(arguments, stderrPath: scratch.file("\(c.name)-emimpute.stderr"),
                            resultPath: scratch.file("\(c.name)-emimpute.rusage"))
        if let child, child.status != 0 {
            let err = (try? String(contentsOfFile: scratch.file("\(c.name)-emimpute.stderr"), encoding: .utf8)) ?? ""
            note("\(c.name): emimpute exited with \(child.status):\n\(err)")
        }
        scratch.remove("\(c.name)-completed.csv")
        scratch.remove("\(c.name)-emimpute.rusage")
        scratch.remove("\(c.name)-emimpute.stderr")
    }
    scratch.remove("\(c.name).csv")
    return CaseResult(benchCase: c, rows: n, columns: p, fileBytes: summary.bytes, missingShare: missingShare,
                      generateSeconds: generateSeconds, loadSeconds: loadSeconds, loadCPU: loadCPU,
                      dsyrkSeconds: dsyrk.wall, dsyrkCPU: dsyrk.cpu, runs: runs,
                      writeSeconds: writeSeconds, writeCPU: writeCPU, writeBytes: writeBytes, endToEnd: child, endToEndCommand: command,
                      csvYardstickSeconds: csvYardstick)
}

func caseTables(_ results: [CaseResult], cores: Int) -> String {
    var io = Table(["case", "n × p", "missing", "file MB", "load MB/s", "load rows/s", "load MB/s (CPU)",
                    "write MB/s", "write MB/s (CPU)", "end-to-end s", "end-to-end CPU s", "peak RSS MB", "RSS ÷ 8np",
                    "2·8np + 100 MB", "libcsv yardstick s", "load ÷ yardstick", "end-to-end ÷ yardstick"])
    for r in results {
        let e = r.endToEnd
        let loadCPU = r.loadCPU.min() ?? .nan, writeCPU = r.writeCPU.min() ?? .nan
        io.add([
            r.benchCase.name, "\(grouped(r.rows)) × \(r.columns)",
            "\(r.benchCase.mechanism.rawValue.uppercased()) \(fmt(100 * r.missingShare, 3))%",
            fmt(megabytes(r.fileBytes)),
            fmt(megabytes(r.fileBytes) / r.bestLoad), grouped(Int((Double(r.rows) / r.bestLoad).rounded())),
            fmt(megabytes(r.fileBytes) / loadCPU),
            fmt(megabytes(r.writeBytes) / r.bestWrite), fmt(megabytes(r.writeBytes) / writeCPU),
            e.map { $0.status == 0 ? fmt($0.wallSeconds) : "failed (\($0.status))" } ?? "—",
            e.map { fmt($0.cpuSeconds) } ?? "—",
            e.map { fmt(megabytes($0.peakRSSBytes)) } ?? "—",
            e.map { fmt(Double($0.peakRSSBytes) / Double(r.cellBytes)) } ?? "—",
            fmt(megabytes(2 * r.cellBytes) + 100),
            fmt(r.csvYardstickSeconds), fmt(r.bestLoad / r.csvYardstickSeconds, 2),
            e.map { $0.status == 0 ? fmt($0.wallSeconds / r.csvYardstickSeconds, 2) : "—" } ?? "—",
        ])
    }
    var em = Table(["case", "patterns", "dsyrk s", "dsyrk CPU s", "EM iterations", "s/iteration (\(cores) threads)",
                    "÷ dsyrk", "s/iteration (1 thread)", "÷ dsyrk", "CPU s/iteration (1 thread)", "÷ dsyrk CPU",
                    "EM s (\(cores) threads)", "EM s (1 thread)",
                    "SQUAREM iterations (E-steps)", "SQUAREM s (\(cores) threads)", "SQUAREM s (1 thread)"])
    for r in results {
        let plain = r.run(threads: cores, .none)
        let plain1 = cores > 1 ? r.run(threads: 1, .none) : plain
        let sq = r.run(threads: cores, .squarem)
        let sq1 = cores > 1 ? r.run(threads: 1, .squarem) : sq
        func total(_ run: EMRun?) -> String {
            guard let run else { return "—" }
            if let cap = run.cappedAt { return "(capped at \(cap) it.)" }
            return fmt(run.seconds)
        }
        func iterations(_ run: EMRun?) -> String {
            guard let run else { return "—" }
            return "\(run.iterations)" + (run.hasConverged ? "" : " (not converged)")
        }
        em.add([
            r.benchCase.name, plain.map { grouped($0.patternCount) } ?? "—", fmt(r.dsyrkSeconds), fmt(r.dsyrkCPU),
            iterations(plain),
            fmt(plain?.secondsPerExpectationStep), fmt(plain.map { $0.secondsPerExpectationStep / r.dsyrkSeconds }, 2),
            fmt(plain1?.secondsPerExpectationStep), fmt(plain1.map { $0.secondsPerExpectationStep / r.dsyrkSeconds }, 2),
            fmt(plain1?.cpuSecondsPerExpectationStep), fmt(plain1.map { $0.cpuSecondsPerExpectationStep / r.dsyrkCPU }, 2),
            total(plain), total(plain1),
            sq.map { iterations($0) + " (\($0.expectationSteps))" } ?? "—", total(sq), total(sq1),
        ])
    }
    return """
        ### Load, write and end to end

        \(io.markdown)
        ### EM

        \(em.markdown)
        """
}
