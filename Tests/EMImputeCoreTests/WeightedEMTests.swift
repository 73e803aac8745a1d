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

    @Test("Weighted EM on pattern sums and row walks equals a naive weighted EM at its fixed point")
    func agreesWithNaiveWeightedEM() throws {
        var g = TestRandom(seed: 81)
        let p = 6
        let sigma = randomCovariance(p: p, using: &g)
        let rows = sampleMultivariateNormal(n: 400, mean: [Double](repeating: 1, count: p), covariance: sigma, using: &g)
        let data = try incomplete(maskCompletelyAtRandom(rows, rate: 0.3, using: &g))
        let fit = try GaussianEM().fit(data)
        var options = EMOptions()
        options.tolerance = 1e-13
        options.maxIterations = 10_000
        let problem = WeightedProblem(data: data, model: fit.model, options: options, bounds: nil)
        // Both paths are exercised: patterns with fewer rows than |o|/2 and patterns with more.
        let usable = problem.layout.patterns.indices.filter { !problem.layout.observed[$0].isEmpty && !problem.layout.missing[$0].isEmpty }
        #expect(usable.contains { problem.walksRows($0) } && usable.contains { !problem.walksRows($0) })
        let w = problem.weights(imputation: 2)
        let engine = try problem.weightedEM(weights: w)
        #expect(engine.hasConverged)
        let z = (0..<data.rowCount).map { i in Array(problem.z[(i * p)..<((i + 1) * p)]) }
        let start = (0..<p).map { a in (0..<p).map { b in problem.startCovariance[a * p + b] } }
        let expected = Self.naive(z, weights: w, start: start)
        var largest = 0.0
        for a in 0..<p {
            largest = max(largest, abs(engine.mean[a] - expected.mean[a]))
            for b in 0..<p { largest = max(largest, abs(engine.covariance[a * p + b] - expected.covariance[a][b])) }
        }
        #expect(largest < 1e-9, "largest difference \(largest)")
        // A control: other weights give another fixed point.
        let other = try problem.weightedEM(weights: problem.weights(imputation: 3))
        #expect(abs(other.mean[0] - engine.mean[0]) > 1e-4)
    }
}
