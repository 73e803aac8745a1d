// mixture-bench: what issue 16 asks to measure.
//
// 1. Masked cells: hide 10% of the observed cells of a dataset (seeded), impute them under the
//    normal, the mixture (K = 1…6 by BIC) and the t, and report the root-mean-square error of
//    the hidden cells, each cell's error divided by its column's observed standard deviation
//    (so that grams and millimetres weigh alike), averaged over five masks.
// 2. Cost of one iteration: a mixture of K components (and the t) against K × one normal iteration on the
//    same data (thread CPU time of 21 iterations minus that of 1, divided by 20; best of three).
//
//   swift build -c release && .build/release/mixture-bench [penguins.csv] [--timing-only | --no-timing]
//
// 3. `--profile gaussian|t|t-fixed|mixture-K n p iterations`: one fit alone on the timing data,
//    for `valgrind --tool=callgrind` (instruction counts, which the machine's load does not move).

import EMImpute
import Foundation
import SyntheticData

func penguins(_ path: String) -> [[Double]] {
    let text = try! String(contentsOfFile: path, encoding: .utf8)
    let lines = text.split(whereSeparator: \.isNewline).dropFirst()
    // bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g (columns 3…6); rows with
    // nothing observed are dropped (they have nothing to hide).
    return lines.compactMap { line -> [Double]? in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        let row = fields[2...5].map { Double($0) ?? .nan }
        return row.allSatisfy(\.isNaN) ? nil : row
    }
}

func threeClusters(n: Int, seed: UInt64) -> [[Double]] {
    var normal = NormalSource(Xoshiro256StarStar(seed: seed))
    let centres: [[Double]] = [[0, 0, 0, 0], [4, 1, -3, 2], [-3, 5, 2, -2]]
    // Per cluster x = μ + A z with a fixed, cluster-specific A (correlated columns).
    let factors: [[[Double]]] = [
        [[1, 0, 0, 0], [0.6, 0.8, 0, 0], [0.3, 0.2, 0.9, 0], [0.2, 0.4, 0.1, 0.8]],
        [[0.8, 0, 0, 0], [-0.5, 0.7, 0, 0], [0.2, -0.3, 1.1, 0], [0.4, 0, 0.3, 0.6]],
        [[1.2, 0, 0, 0], [0.3, 0.5, 0, 0], [-0.4, 0.2, 0.7, 0], [0, 0.5, -0.2, 0.9]],
    ]
    return (0..<n).map { i in
        let k = i % 3
        let z = (0..<4).map { _ in normal.next() }
        return (0..<4).map { a in centres[k][a] + (0...a).reduce(0) { $0 + factors[k][a][$1] * z[$1] } }
    }
}

/// Hides each observed cell with probability `rate`, never a row's last observed cell.
func mask(_ rows: [[Double]], rate: Double, seed: UInt64) -> [[Double]] {
    var g = Xoshiro256StarStar(seed: seed)
    return rows.map { row in
        var r = row
        for j in r.indices where !r[j].isNaN && g.nextUniform() < rate { r[j] = .nan }
        if r.allSatisfy(\.isNaN), let j = row.firstIndex(where: { !$0.isNaN }) { r[j] = row[j] }
        return r
    }
}

func matrix(_ rows: [[Double]]) -> IncompleteMatrix {
    try! IncompleteMatrix(rows: rows.map { $0.map { $0.isNaN ? nil : $0 } })
}

func standardDeviations(_ rows: [[Double]]) -> [Double] {
    (0..<rows[0].count).map { j in
        let v = rows.map { $0[j] }.filter { !$0.isNaN }
        let m = v.reduce(0, +) / Double(v.count)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
    }
}

/// RMSE of the cells hidden in `masked` (observed in `truth`), in column-SD units.
func rmse(truth: [[Double]], masked: [[Double]], completed: Matrix, sd: [Double]) -> Double {
    var total = 0.0, count = 0
    for i in truth.indices {
        for j in truth[i].indices where masked[i][j].isNaN && !truth[i][j].isNaN {
            let d = (completed[i, j] - truth[i][j]) / sd[j]
            total += d * d
            count += 1
        }
    }
    return (total / Double(count)).squareRoot()
}

func maskedBenchmark(name: String, truth: [[Double]]) {
    let sd = standardDeviations(truth)
    var sums = [0.0, 0.0, 0.0]
    var chosen: [Int] = []
    let masks = 5
    for s in 0..<masks {
        let masked = mask(truth, rate: 0.1, seed: 100 + UInt64(s))
        let data = matrix(masked)
        let gaussian = try! GaussianEM().fit(data)
        var options = GaussianMixtureOptions()
        options.starts = 5
        let mixture = try! GaussianMixtureEM(options: options).fitSelectingComponents(data, maxComponents: 6).best
        let t = try! MultivariateTEM().fit(data)
        chosen.append(mixture.model.componentCount)
        sums[0] += rmse(truth: truth, masked: masked, completed: try! gaussian.completed(data), sd: sd)
        sums[1] += rmse(truth: truth, masked: masked, completed: try! mixture.completed(data), sd: sd)
        sums[2] += rmse(truth: truth, masked: masked, completed: try! t.completed(data), sd: sd)
    }
    let f = { (x: Double) in String(format: "%.3f", x / Double(masks)) }
    print("| \(name) | \(truth.count) × \(truth[0].count) | \(f(sums[0])) | \(f(sums[1])) (K = \(chosen.map(String.init).joined(separator: ", "))) | \(f(sums[2])) |")
}

/// CPU seconds of the calling thread (with one thread the E-step runs on it, and BLAS is
/// pinned to one thread), so that other load on the machine does not count; best of three.
func seconds(_ body: () -> Void) -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
    var best = Double.infinity
    for _ in 0..<3 {
        let start = now()
        body()
        best = min(best, now() - start)
    }
    return best
}

/// n rows of p columns in four shifted clusters, 15 % of the cells missing completely at random.
func iterationData(n: Int, p: Int) -> [[Double]] {
    var normal = NormalSource(Xoshiro256StarStar(seed: 7))
    var uniform = Xoshiro256StarStar(seed: 8)
    return (0..<n).map { i in
        let shift = Double(i % 4) * 1.5
        var r = (0..<p).map { _ in normal.next() + shift }
        for j in 0..<p where uniform.nextUniform() < 0.15 { r[j] = .nan }
        if r.allSatisfy(\.isNaN) { r[0] = shift }
        return r
    }
}

func iterationCost(n: Int, p: Int) {
    let data = matrix(iterationData(n: n, p: p))
    func gaussian(_ iterations: Int) {
        var o = EMOptions()
        o.tolerance = 0
        o.maxIterations = iterations
        o.threads = 1
        _ = try! GaussianEM(options: o).fit(data)
    }
    func mixture(_ k: Int, _ iterations: Int) {
        var o = GaussianMixtureOptions()
        o.components = k
        o.starts = 1
        o.tolerance = 0
        o.maxIterations = iterations
        o.threads = 1
        _ = try! GaussianMixtureEM(options: o).fit(data)
    }
    let normalIteration = (seconds { gaussian(21) } - seconds { gaussian(1) }) / 20
    print("\nOne iteration, n = \(n), p = \(p), 15% MCAR, one thread (CPU seconds):\n")
    print("| model | seconds per iteration | ÷ (K × normal) |")
    print("|---|---|---|")
    print("| normal (GaussianEM) | \(String(format: "%.4f", normalIteration)) | 1.00 |")
    for k in [1, 2, 4, 8] {
        let t = (seconds { mixture(k, 21) } - seconds { mixture(k, 1) }) / 20
        print("| mixture, K = \(k) | \(String(format: "%.4f", t)) | \(String(format: "%.2f", t / (Double(k) * normalIteration))) |")
    }
    for (label, nu) in [("t, ν estimated", nil), ("t, ν = 5 fixed", 5.0)] as [(String, Double?)] {
        func fit(_ iterations: Int) {
            var o = MultivariateTOptions()
            (o.tolerance, o.maxIterations, o.threads, o.degreesOfFreedom) = (0, iterations, 1, nu)
            _ = try! MultivariateTEM(options: o).fit(data)
        }
        let t = (seconds { fit(21) } - seconds { fit(1) }) / 20
        print("| \(label) | \(String(format: "%.4f", t)) | \(String(format: "%.2f", t / normalIteration)) |")
    }
}

/// `--profile MODEL n p iterations`: one fit alone (MODEL = gaussian, t, or mixture-K), for
/// `valgrind --tool=callgrind`, whose instruction counts do not depend on the machine's load.
func profile(_ arguments: [String]) {
    guard arguments.count >= 4, let n = Int(arguments[1]), let p = Int(arguments[2]), let iterations = Int(arguments[3]) else {
        print("usage: mixture-bench --profile gaussian|t|t-fixed|mixture-K n p iterations"); return
    }
    let data = matrix(iterationData(n: n, p: p))
    switch arguments[0] {
    case "gaussian":
        var o = EMOptions()
        (o.tolerance, o.maxIterations, o.threads) = (0, iterations, 1)
        _ = try! GaussianEM(options: o).fit(data)
    case "t", "t-fixed":
        var o = MultivariateTOptions()
        (o.tolerance, o.maxIterations, o.threads) = (0, iterations, 1)
        if arguments[0] == "t-fixed" { o.degreesOfFreedom = 5 }
        _ = try! MultivariateTEM(options: o).fit(data)
    default:
        var o = GaussianMixtureOptions()
        o.components = Int(arguments[0].split(separator: "-").last!) ?? 2
        (o.starts, o.tolerance, o.maxIterations, o.threads) = (1, 0, iterations, 1)
        _ = try! GaussianMixtureEM(options: o).fit(data)
    }
}

let arguments = CommandLine.arguments.dropFirst()
if let flag = arguments.firstIndex(of: "--profile") {
    profile(Array(arguments[(flag + 1)...]))
    exit(0)
}
let penguinsPath = arguments.first { !$0.hasPrefix("--") } ?? "../Datasets/penguins.csv"
if !arguments.contains("--timing-only") {
    print("Hidden-cell RMSE (column-SD units; 10% of the observed cells hidden, mean of 5 masks):\n")
    print("| data | n × p | normal | mixture (K by BIC) | t |")
    print("|---|---|---|---|---|")
    maskedBenchmark(name: "penguins (4 measurements)", truth: penguins(penguinsPath))
    maskedBenchmark(name: "synthetic three clusters", truth: threeClusters(n: 600, seed: 3))
}
if !arguments.contains("--no-timing") {
    iterationCost(n: 100_000, p: 10)
    iterationCost(n: 20_000, p: 40)
}
