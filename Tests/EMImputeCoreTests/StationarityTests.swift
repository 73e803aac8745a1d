// Issue item 3: at convergence the estimates are a stationary point of the observed-data
// log-likelihood. The gradient is computed naively in the test, row by row.

import EMImputeCore
import Foundation
import Testing

@Suite("Stationarity at convergence")
struct StationarityTests {
    static let datasets: [(name: String, rows: [[Double]])] = [
        ("MCAR 20%, p = 5", mcarDataset(n: 300, p: 5, rate: 0.2, seed: 21)),
        ("MAR, p = 4", marDataset(n: 250, p: 4, intercept: -0.4, slope: 1.2, seed: 22)),
    ]

    /// The largest gradient entry on a dimensionless scale: ∂ℓ/∂μⱼ · sdⱼ / n and
    /// ∂ℓ/∂Σⱼₖ · sdⱼ sdₖ / n (the gradient of the per-row average ℓ w.r.t. standardised parameters).
    static func scaledGradient(_ rows: [[Double]], mean: [Double], covariance: [[Double]]) -> Double {
        let n = Double(rows.count), p = mean.count
        let g = naiveGradient(rows, mean: mean, covariance: covariance)
        let sd = (0..<p).map { covariance[$0][$0].squareRoot() }
        var worst = 0.0
        for j in 0..<p {
            worst = max(worst, abs(g.mean[j]) * sd[j] / n)
            for k in 0..<p { worst = max(worst, abs(g.covariance[j][k]) * sd[j] * sd[k] / n) }
        }
        return worst
    }

    @Test("the gradient of ℓ vanishes at the estimates", arguments: 0..<2)
    func gradientVanishes(index: Int) throws {
        let (name, rows) = Self.datasets[index]
        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        let result = try GaussianEM(options: options).fit(incomplete(rows))
        #expect(result.hasConverged, "\(name)")
        let g = Self.scaledGradient(rows, mean: result.mean, covariance: nested(result.covariance))
        #expect(g < 1e-8, "\(name): scaled gradient \(g)")

        // Control: a few iterations in, the same computation is clearly non-zero, so the check
        // above is able to fail.
        options.maxIterations = 2
        let early = try GaussianEM(options: options).fit(incomplete(rows))
        let gEarly = Self.scaledGradient(rows, mean: early.mean, covariance: nested(early.covariance))
        #expect(gEarly > 1e-4, "\(name): gradient after 2 iterations \(gEarly)")
    }

    @Test("the test's analytic gradient matches finite differences of the naive ℓ")
    func gradientMatchesFiniteDifferences() {
        let rows = Self.datasets[0].rows
        let moments = sampleMoments(rows.filter { $0.allSatisfy { !$0.isNaN } })
        let mean = moments.mean.map { $0 + 0.3 }
        var cov = moments.covariance
        for j in cov.indices { cov[j][j] *= 1.2 }
        let g = naiveGradient(rows, mean: mean, covariance: cov)

        func ll(_ m: [Double], _ s: [[Double]]) -> Double { naiveLogLikelihood(rows, mean: m, covariance: s) }
        for j in [0, 3] {
            let h = 1e-5 * cov[j][j].squareRoot()
            var up = mean, down = mean
            up[j] += h; down[j] -= h
            let fd = (ll(up, cov) - ll(down, cov)) / (2 * h)
            #expect(abs(fd - g.mean[j]) < 1e-5 * max(1, abs(g.mean[j])), "∂ℓ/∂μ\(j): \(fd) vs \(g.mean[j])")
        }
        for (j, k) in [(1, 1), (0, 2), (3, 4)] {
            let h = 1e-6 * (cov[j][j] * cov[k][k]).squareRoot()
            var up = cov, down = cov
            up[j][k] += h; down[j][k] -= h
            if j != k { up[k][j] += h; down[k][j] -= h }
            let fd = (ll(mean, up) - ll(mean, down)) / (2 * h)
            // A symmetric perturbation of an off-diagonal entry moves both Σⱼₖ and Σₖⱼ.
            let analytic = j == k ? g.covariance[j][k] : g.covariance[j][k] + g.covariance[k][j]
            #expect(abs(fd - analytic) < 1e-4 * max(1, abs(analytic)), "∂ℓ/∂Σ\(j)\(k): \(fd) vs \(analytic)")
        }
    }
}
