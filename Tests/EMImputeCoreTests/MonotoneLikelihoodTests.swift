// Issue item 6: EM never lowers the observed-data log-likelihood (Dempster, Laird & Rubin
// 1977), plain or SQUAREM-accelerated; SQUAREM must reach the same optimum.

import EMImputeCore
import Foundation
import Testing

@Suite("Monotone log-likelihood")
struct MonotoneLikelihoodTests {
    static let marRows = marDataset(n: 300, p: 5, intercept: -0.5, slope: 1.5, seed: 61)

    /// Few rows, half the cells missing, strongly correlated columns: EM is slow (rate ≈ 0.94)
    /// and SQUAREM's extrapolations overshoot often enough that its fallback is exercised.
    static let hardRows: [[Double]] = {
        var g = TestRandom(seed: 3)
        let cov = randomCovariance(p: 4, using: &g, ridge: 0.02)
        let x = sampleMultivariateNormal(n: 30, mean: [1, 1, 1, 1], covariance: cov, using: &g)
        return maskCompletelyAtRandom(x, rate: 0.5, using: &g)
    }()

    static let datasets: [(name: String, rows: [[Double]])] = [
        ("MCAR 15%, p = 3", mcarDataset(n: 120, p: 3, rate: 0.15, seed: 62)),
        ("MCAR 30%, p = 8", mcarDataset(n: 400, p: 8, rate: 0.3, seed: 63)),
        ("MAR 40%, p = 5", marRows),
        ("MAR, small n, p = 6", marDataset(n: 40, p: 6, intercept: -1, slope: 1, seed: 64)),
        ("MCAR 50%, n = 30, p = 4, slow", hardRows),
    ]

    static func options(_ acceleration: EMOptions.Acceleration) -> EMOptions {
        var o = EMOptions()
        o.tolerance = 1e-12
        o.maxIterations = 100_000
        o.acceleration = acceleration
        return o
    }

    /// Every consecutive pair of recorded ℓ (starting from the initial value) is non-decreasing
    /// within 1e-9 relative. Returns the largest relative decrease seen.
    static func largestRelativeDecrease(_ history: ConvergenceHistory) -> Double {
        var previous = history.initialObjective  // ℓ at the start (no ridge: objective = ℓ)
        var worst = 0.0
        for record in history.records {
            worst = max(worst, (previous - record.logLikelihood) / max(1, abs(previous)))
            previous = record.logLikelihood
        }
        return worst
    }

    @Test("the MAR dataset really has 40% of its incomplete columns missing")
    func marDatasetIsAsAdvertised() {
        let fraction = missingFraction(Self.marRows, columns: [1, 2, 3, 4])
        #expect(fraction > 0.37 && fraction < 0.43, "missing fraction \(fraction)")
        #expect(Self.marRows.allSatisfy { !$0[0].isNaN })
    }

    @Test("isMonotone, and the recorded ℓ never decreases", arguments: 0..<5,
          [EMOptions.Acceleration.none, .squarem])
    func recordedLikelihoodNeverDecreases(index: Int, acceleration: EMOptions.Acceleration) throws {
        let (name, rows) = Self.datasets[index]
        let result = try GaussianEM(options: Self.options(acceleration)).fit(incomplete(rows))
        #expect(result.hasConverged, "\(name)")
        #expect(result.isMonotone, "\(name)")
        #expect(result.history.records.count == result.iterations)
        #expect(result.history.records.count >= 3, "\(name): too few iterations to say anything")
        let decrease = Self.largestRelativeDecrease(result.history)
        #expect(decrease <= 1e-9, "\(name) (\(acceleration)): ℓ decreased by \(decrease) relative")
        // The first iteration from the default start must improve ℓ strictly.
        let first = try #require(result.history.records.first)
        #expect(first.logLikelihood > result.history.initialObjective)
        let last = try #require(result.history.records.last)
        #expect(relativeDifference(last.logLikelihood, result.logLikelihood) < 1e-14)
        #expect(!result.warnings.contains { $0.code == .nonMonotone })
    }

    @Test("independently: the naive ℓ at the estimates after k = 1, 2, … iterations never decreases")
    func naiveLikelihoodAlongTheTrajectory() throws {
        let rows = Self.marRows
        var previous = -Double.infinity
        var options = EMOptions()
        options.tolerance = 0
        for k in 1...25 {
            options.maxIterations = k
            let result = try GaussianEM(options: options).fit(incomplete(rows))
            let ll = naiveLogLikelihood(rows, mean: result.mean, covariance: nested(result.covariance))
            #expect(ll >= previous - 1e-9 * abs(ll), "iteration \(k): naive ℓ \(ll) < \(previous)")
            #expect(relativeDifference(result.logLikelihood, ll) < 1e-10, "iteration \(k): engine ℓ vs naive ℓ")
            previous = ll
        }
    }

    @Test("SQUAREM reaches plain EM's estimates", arguments: 0..<5)
    func squaremAgreesWithPlainEM(index: Int) throws {
        let (name, rows) = Self.datasets[index]
        let plain = try GaussianEM(options: Self.options(.none)).fit(incomplete(rows))
        let fast = try GaussianEM(options: Self.options(.squarem)).fit(incomplete(rows))
        #expect(plain.hasConverged && fast.hasConverged, "\(name)")
        let sd = plain.model.standardDeviations
        let meanError = maxRelativeDifference(fast.mean, plain.mean, floor: sd)
        let covError = maxScaledCovarianceDifference(nested(fast.covariance), nested(plain.covariance))
        let entrywise = maxRelativeDifference(fast.covariance.storage, plain.covariance.storage)
        #expect(meanError < 1e-8, "\(name): mean \(meanError)")
        #expect(covError < 1e-8, "\(name): covariance \(covError) (correlation scale)")
        #expect(entrywise < 1e-8, "\(name): covariance entrywise \(entrywise)")
        #expect(relativeDifference(fast.logLikelihood, plain.logLikelihood) < 1e-12, "\(name): ℓ")
        #expect(fast.isMonotone, "\(name)")
    }
}
