// Issue item 2: with a monotone missingness pattern the likelihood factors (Anderson 1957;
// Little & Rubin §7.2) into a marginal for x1 and two regressions, whose MLEs are closed-form.
// EM must converge to exactly that point.

import EMImputeCore
import Foundation
import Testing

@Suite("Monotone patterns: factored-likelihood closed form")
struct MonotonePatternTests {
    /// x1 always observed; x2 missing depending on x1; x3 missing wherever x2 is, and more
    /// often depending on the observed (x1, x2). Missingness depends on observed values only.
    static func dataset(seed: UInt64) -> [[Double]] {
        var g = TestRandom(seed: seed)
        let mean = [3.0, -2.0, 10.0]
        let cov = [[4.0, 1.8, -2.1], [1.8, 2.5, 0.9], [-2.1, 0.9, 6.0]]
        let x = sampleMultivariateNormal(n: 400, mean: mean, covariance: cov, using: &g)
        return x.map { row in
            var r = row
            let z1 = (row[0] - 3) / 2, z2 = (row[1] + 2) / 2.5.squareRoot()
            if g.uniform() < 1 / (1 + exp(-(-1.2 + 1.5 * z1))) {
                r[1] = .nan
                r[2] = .nan
            } else if g.uniform() < 1 / (1 + exp(-(-1.5 + 0.8 * z1 - 0.7 * z2))) {
                r[2] = .nan
            }
            return r
        }
    }

    /// Ordinary least squares of y on (1, predictors): coefficients and RSS / n (ML variance).
    static func regress(_ y: [Double], on predictors: [[Double]]) -> (beta: [Double], variance: Double) {
        let design = predictors.map { [1.0] + $0 }
        let xt = transpose(design)
        let beta = naiveSolve(matMul(xt, design), matVec(xt, y))
        let fitted = matVec(design, beta)
        let rss = zip(y, fitted).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return (beta, rss / Double(y.count))
    }

    /// The MLE from the factored likelihood, and ℓ at it (sum of the three factors' maxima).
    static func closedForm(_ rows: [[Double]]) -> (mean: [Double], covariance: [[Double]], logLikelihood: Double) {
        let n = Double(rows.count)
        // x1: all rows.
        let x1 = rows.map { $0[0] }
        let mu1 = x1.reduce(0, +) / n
        let s11 = x1.reduce(0) { $0 + ($1 - mu1) * ($1 - mu1) } / n
        // x2 | x1 over rows where x2 is observed.
        let r2 = rows.filter { !$0[1].isNaN }
        let (b2, v2) = regress(r2.map { $0[1] }, on: r2.map { [$0[0]] })
        // x3 | x1, x2 over rows where x3 is observed.
        let r3 = rows.filter { !$0[2].isNaN }
        let (b3, v3) = regress(r3.map { $0[2] }, on: r3.map { [$0[0], $0[1]] })

        let mu2 = b2[0] + b2[1] * mu1
        let s12 = b2[1] * s11
        let s22 = v2 + b2[1] * b2[1] * s11
        let sigma12 = [[s11, s12], [s12, s22]]
        let beta = [b3[1], b3[2]]
        let mu3 = b3[0] + beta[0] * mu1 + beta[1] * mu2
        let s3 = matVec(sigma12, beta)  // Cov(x3, (x1, x2)) = Σ₁₂,₁₂ β
        let s33 = v3 + zip(beta, s3).reduce(0) { $0 + $1.0 * $1.1 }
        let mean = [mu1, mu2, mu3]
        let cov = [[s11, s12, s3[0]], [s12, s22, s3[1]], [s3[0], s3[1], s33]]

        func factor(_ count: Int, _ variance: Double) -> Double {
            -Double(count) / 2 * (log(2 * Double.pi * variance) + 1)
        }
        let ll = factor(rows.count, s11) + factor(r2.count, v2) + factor(r3.count, v3)
        return (mean, cov, ll)
    }

    @Test("EM matches the closed-form MLE to 1e-8", arguments: [UInt64(1), 2, 3])
    func emMatchesClosedForm(seed: UInt64) throws {
        let rows = Self.dataset(seed: seed)
        // The design really is monotone with nested missingness and a good share missing.
        #expect(rows.allSatisfy { !$0[0].isNaN })
        #expect(rows.allSatisfy { !$0[1].isNaN || $0[2].isNaN })
        let missing2 = rows.filter { $0[1].isNaN }.count, missing3 = rows.filter { $0[2].isNaN }.count
        #expect(missing2 > 60 && missing3 > missing2 + 40, "x2 missing \(missing2), x3 missing \(missing3)")

        let expected = Self.closedForm(rows)
        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        let result = try GaussianEM(options: options).fit(incomplete(rows, names: ["x1", "x2", "x3"]))
        #expect(result.hasConverged)
        #expect(result.patternCount == 3)

        let sd = (0..<3).map { expected.covariance[$0][$0].squareRoot() }
        let meanError = maxRelativeDifference(result.mean, expected.mean, floor: sd)
        let covError = maxScaledCovarianceDifference(nested(result.covariance), expected.covariance)
        let entrywise = maxRelativeDifference(result.covariance.storage, expected.covariance.flatMap { $0 })
        #expect(meanError < 1e-8, "mean: \(result.mean) vs closed form \(expected.mean): \(meanError)")
        #expect(covError < 1e-8, "covariance differs by \(covError) on the correlation scale")
        #expect(entrywise < 1e-8, "covariance differs entrywise by \(entrywise)")

        // ℓ: the factored maximum, the naive row-by-row ℓ at the closed form, and the engine agree.
        let naive = naiveLogLikelihood(rows, mean: expected.mean, covariance: expected.covariance)
        #expect(relativeDifference(naive, expected.logLikelihood) < 1e-12, "the test's own two ℓ computations")
        #expect(relativeDifference(result.logLikelihood, expected.logLikelihood) < 1e-10,
                "ℓ \(result.logLikelihood) vs factored maximum \(expected.logLikelihood)")
    }
}
