// The weighted EM behind the normal model's multiple imputation (pattern sums for patterns
// with many rows, row walks for patterns with few) reaches the fixed point of a naive,
// row-by-row weighted EM written from the definition.

@testable import EMImputeCore
import Foundation
import Testing

@Suite struct WeightedEMTests {
    /// Weighted EM on the rows of `z` (NaN where missing), from (0, S₀), to a change below 1e-13.
    static func naive(_ z: [[Double]], weights w: [Double], start: [[Double]]) -> (mean: [Double], covariance: [[Double]]) {
        let p = start.count
        var mu = [Double](repeating: 0, count: p), s = start
        let total = zip(z, w).reduce(0.0) { $0 + ($1.0.allSatisfy(\.isNaN) ? 0 : $1.1) }
        for _ in 0..<10_000 {
            var t1 = [Double](repeating: 0, count: p), t2 = [[Double]](repeating: t1, count: p)
            for (row, wi) in zip(z, w) where !row.allSatisfy(\.isNaN) {
                let x = naiveConditionalMean(row, mean: mu, covariance: s)
                let o = row.indices.filter { !row[$0].isNaN }, m = row.indices.filter { row[$0].isNaN }
                var c = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
                if !m.isEmpty {
                    let soo = submatrix(s, o, o)
                    for a in m { for b in m {
                        c[a][b] = s[a][b] - zip(o, naiveSolve(soo, o.map { s[$0][b] })).reduce(0) { $0 + s[a][$1.0] * $1.1 }
                    } }
                }
                for a in 0..<p {
                    t1[a] += wi * x[a]
                    for b in 0..<p { t2[a][b] += wi * (x[a] * x[b] + c[a][b]) }
                }
            }
            let newMu = t1.map { $0 / total }
            let newS = (0..<p).map { a in (0..<p).map { b in t2[a][b] / total - newMu[a] * newMu[b] } }
            var change = 0.0
            for a in 0..<p { change = max(change, abs(newMu[a] - mu[a])); for b in 0..<p { change = max(change, abs(newS[a][b] - s[a][b])) } }
            mu = newMu
            s = newS
            if change < 1e-13 { break }
        }
        return (mu, s)
    }

    /// Data with patterns of both kinds (sums, and rows walked), its fit and the problem.
    static func fixture(options: EMOptions) throws -> (data: IncompleteMatrix, problem: WeightedProblem, plan: BootstrapPlan) {
        var g = TestRandom(seed: 81)
        let p = 6
        let sigma = randomCovariance(p: p, using: &g)
        var rows = sampleMultivariateNormal(n: 400, mean: [Double](repeating: 1, count: p), covariance: sigma, using: &g)
        // Large means, so that the working scale matters.
        rows = rows.map { $0.enumerated().map { $0.element * Double($0.offset + 1) + 100 * Double($0.offset) } }
        var masked = maskCompletelyAtRandom(rows, rate: 0.3, using: &g)
        masked[5] = [Double](repeating: .nan, count: p)  // a row with nothing observed: weight 0
        let data = try incomplete(masked)
        let fit = try GaussianEM().fit(data)
        let problem = WeightedProblem(model: fit.model, options: options, bounds: nil)
        return (data, problem, problem.plan(data))
    }

    /// The normalised weights of imputation m (0 for a row with nothing observed) and the
    /// rows on the working scale, from the definition.
    static func weightsAndRows(_ data: IncompleteMatrix, plan: BootstrapPlan, imputation m: Int) -> (w: [Double], z: [[Double]]) {
        let p = data.columnCount
        let z = (0..<data.rowCount).map { i in
            (0..<p).map { j in
                let x = data.values[i * p + j]
                return x.isNaN ? Double.nan : x / plan.scale[j] - plan.center[j] / plan.scale[j]
            }
        }
        var w = z.indices.map { z[$0].allSatisfy(\.isNaN) ? 0 : plan.rawWeight(imputation: m, row: $0) }
        let factor = Double(plan.usableRows) / w.reduce(0, +)
        w = w.map { $0 * factor }
        return (w, z)
    }

    static func sums(_ data: IncompleteMatrix, plan: BootstrapPlan, imputations: [Int], batches: [Int], threads: Int) throws -> BootstrapPatternSums {
        let sums = BootstrapPatternSums(plan: plan, imputations: imputations)
        let p = data.columnCount
        var start = 0
        try data.values.withUnsafeBufferPointer { x in
            for n in batches {
                try sums.add(x.baseAddress! + start * p, count: n, threads: threads)
                start += n
            }
        }
        return sums
    }

    @Test("Weighted EM on Bayesian-bootstrap pattern sums and row walks equals a naive weighted EM at its fixed point")
    func agreesWithNaiveWeightedEM() throws {
        var options = EMOptions()
        options.tolerance = 1e-13
        options.maxIterations = 10_000
        let (data, problem, plan) = try Self.fixture(options: options)
        let p = data.columnCount
        // Both paths are exercised: patterns with fewer rows than |o|/2 and patterns with more.
        let incomplete = plan.observed.indices.filter { !plan.missing[$0].isEmpty }
        #expect(incomplete.contains { plan.walksRows[$0] } && incomplete.contains { !plan.walksRows[$0] })
        let sums = try Self.sums(data, plan: plan, imputations: [2, 3], batches: [data.rowCount], threads: 2)
        let engine = try problem.weightedEM(sums.patternSums(imputation: 2))
        #expect(engine.hasConverged)
        let (w, z) = Self.weightsAndRows(data, plan: plan, imputation: 2)
        let start = (0..<p).map { a in (0..<p).map { b in problem.startCovariance[a * p + b] } }
        let expected = Self.naive(z, weights: w, start: start)
        var largest = 0.0
        for a in 0..<p {
            largest = max(largest, abs(engine.mean[a] - expected.mean[a]))
            for b in 0..<p { largest = max(largest, abs(engine.covariance[a * p + b] - expected.covariance[a][b])) }
        }
        #expect(largest < 1e-9, "largest difference \(largest)")
        // A control: other weights give another fixed point.
        let other = try problem.weightedEM(sums.patternSums(imputation: 3))
        #expect(abs(other.mean[0] - engine.mean[0]) > 1e-4)
    }

    @Test("One weighted EM step on the statistics (sums and kept rare rows) equals the row-by-row step to 1e-10 relative")
    func oneStepEqualsRowwiseStep() throws {
        var options = EMOptions()
        options.maxIterations = 1
        let (data, problem, plan) = try Self.fixture(options: options)
        let p = data.columnCount
        #expect(plan.walksRows.contains(true) && plan.walksRows.contains(false))
        for m in [1, 4] {
            let sums = try Self.sums(data, plan: plan, imputations: [m], batches: [data.rowCount], threads: 1)
            let step = try problem.weightedEM(sums.patternSums(imputation: m))
            let (w, z) = Self.weightsAndRows(data, plan: plan, imputation: m)
            // The step from the definition: E[x | x_o] and Cov under (0, S₀), weighted sums, M-step.
            let s0 = (0..<p).map { a in (0..<p).map { b in problem.startCovariance[a * p + b] } }
            var t1 = [Double](repeating: 0, count: p), t2 = [[Double]](repeating: t1, count: p), total = 0.0
            for (row, wi) in zip(z, w) where !row.allSatisfy(\.isNaN) {
                total += wi
                let x = naiveConditionalMean(row, mean: [Double](repeating: 0, count: p), covariance: s0)
                let o = row.indices.filter { !row[$0].isNaN }, mi = row.indices.filter { row[$0].isNaN }
                var c = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
                if !mi.isEmpty {
                    let soo = submatrix(s0, o, o)
                    for a in mi { for b in mi {
                        c[a][b] = s0[a][b] - zip(o, naiveSolve(soo, o.map { s0[$0][b] })).reduce(0) { $0 + s0[a][$1.0] * $1.1 }
                    } }
                }
                for a in 0..<p {
                    t1[a] += wi * x[a]
                    for b in 0..<p { t2[a][b] += wi * (x[a] * x[b] + c[a][b]) }
                }
            }
            let mu = t1.map { $0 / total }
            var worst = 0.0
            for a in 0..<p {
                worst = max(worst, abs(step.mean[a] - mu[a]) / max(1, abs(mu[a])))
                for b in 0..<p {
                    let v = t2[a][b] / total - mu[a] * mu[b]
                    worst = max(worst, abs(step.covariance[a * p + b] - v) / max(1e-300, abs(v)))
                }
            }
            #expect(abs(total - Double(plan.usableRows)) < 1e-9)
            #expect(worst < 1e-10, "imputation \(m): largest relative difference \(worst)")
        }
    }

    @Test("The sums do not depend on the batches the rows come in, the threads, or the other imputations accumulated")
    func sumsAreBitIdentical() throws {
        let (data, problem, plan) = try Self.fixture(options: EMOptions())
        let one = try Self.sums(data, plan: plan, imputations: [3], batches: [data.rowCount], threads: 1)
        let many = try Self.sums(data, plan: plan, imputations: [1, 2, 3, 4, 5], batches: [7, 1, 150, 0, 242], threads: 3)
        let a = one.patternSums(imputation: 3), b = many.patternSums(imputation: 3)
        #expect(a.storage.map(\.bitPattern) == b.storage.map(\.bitPattern))
        #expect(a.weight.map(\.bitPattern) == b.weight.map(\.bitPattern))
        #expect(a.observedT2.map(\.bitPattern) == b.observedT2.map(\.bitPattern))
        let fitA = try problem.weightedEM(a), fitB = try problem.weightedEM(b)
        #expect(fitA.covariance.map(\.bitPattern) == fitB.covariance.map(\.bitPattern))
        // A control: another imputation's sums differ.
        #expect(many.patternSums(imputation: 4).storage != b.storage)
    }

    @Test("A row whose pattern the plan does not have is an error, not a trap")
    func unknownPatternThrows() throws {
        let complete = MissingnessPattern(missingColumns: [], columnCount: 3)
        let plan = BootstrapPlan(patterns: [(complete, 10)], center: [0, 0, 0], scale: [1, 1, 1], seed: 1)
        let sums = BootstrapPatternSums(plan: plan, imputations: [1, 2])
        let rows: [Double] = [1, 2, 3, 4, .nan, 6]
        #expect(throws: DataError.notTheFittedData) {
            try rows.withUnsafeBufferPointer { try sums.add($0.baseAddress!, count: 2, threads: 2) }
        }
        // A control: the known pattern is accepted.
        try rows.withUnsafeBufferPointer { try sums.add($0.baseAddress!, count: 1, threads: 2) }
        #expect(sums.rowCount == 1)
    }
}
