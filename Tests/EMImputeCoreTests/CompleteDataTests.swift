// Issue item 1: with complete data EM has nothing to impute, so a single M-step lands on the
// closed-form MLE (sample mean, divisor-n covariance) and ℓ has a closed form.

import EMImputeCore
import Foundation
import Testing

@Suite("Complete data")
struct CompleteDataTests {
    static let rows = gaussianSample(n: 250, p: 5, seed: 11)

    @Test("one iteration gives the sample mean and the divisor-n covariance")
    func oneIterationGivesSampleMoments() throws {
        var options = EMOptions()
        options.maxIterations = 1
        let result = try GaussianEM(options: options).fit(incomplete(Self.rows))
        let expected = sampleMoments(Self.rows)

        #expect(result.iterations == 1)
        #expect(result.history.records.count == 1)
        let sd = (0..<5).map { expected.covariance[$0][$0].squareRoot() }
        let meanError = maxRelativeDifference(result.mean, expected.mean, floor: sd)
        let covarianceError = maxScaledCovarianceDifference(nested(result.covariance), expected.covariance)
        let entrywise = maxRelativeDifference(result.covariance.storage, expected.covariance.flatMap { $0 })
        #expect(meanError < 1e-12, "mean differs by \(meanError)")
        #expect(covarianceError < 1e-12, "covariance differs by \(covarianceError) (correlation scale)")
        #expect(entrywise < 1e-10, "covariance differs entrywise by \(entrywise)")
        #expect(result.imputedCells.isEmpty)
        #expect(result.patternCount == 1)
        #expect(result.rowsUsed == 250)
    }

    @Test("ℓ equals −n/2 (p log 2π + log det S + p)")
    func logLikelihoodClosedForm() throws {
        let n = Double(Self.rows.count), p = 5.0
        let s = sampleMoments(Self.rows).covariance
        let inv = try #require(naiveInverse(s))
        #expect(inv.sign > 0)
        let closedForm = -n / 2 * (p * log(2 * Double.pi) + inv.logAbsDeterminant + p)

        for maxIterations in [1, 1000] {
            var options = EMOptions()
            options.maxIterations = maxIterations
            let result = try GaussianEM(options: options).fit(incomplete(Self.rows))
            let error = relativeDifference(result.logLikelihood, closedForm)
            #expect(error < 1e-12, "ℓ = \(result.logLikelihood), closed form \(closedForm) (maxIterations \(maxIterations))")
            #expect(relativeDifference(result.objective, closedForm) < 1e-12, "no ridge: objective is ℓ")
            let last = try #require(result.history.records.last)
            #expect(relativeDifference(last.logLikelihood, result.logLikelihood) < 1e-14)
        }
    }

    @Test("a full fit converges immediately: the second iteration changes nothing")
    func convergesInTwoIterations() throws {
        let result = try GaussianEM().fit(incomplete(Self.rows))
        #expect(result.hasConverged)
        #expect(result.stopReason == .tolerance)
        #expect(result.iterations <= 2, "took \(result.iterations) iterations")
        #expect(result.warnings.isEmpty, "\(result.warnings.map(\.code))")
        // The naive ℓ at the estimates agrees with the engine's.
        let naive = naiveLogLikelihood(Self.rows, mean: result.mean, covariance: nested(result.covariance))
        #expect(relativeDifference(result.logLikelihood, naive) < 1e-12)
    }
}
