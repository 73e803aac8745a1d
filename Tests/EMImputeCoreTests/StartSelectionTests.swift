// Issue 16: which start a fit with several starts keeps. Starts that reach one optimum end
// with log-likelihoods that differ by rounding only; the first of them is kept, so that the
// reported fit (its iterations, its component labels) does not depend on which of them
// rounding happened to put on top.

import EMImputeCore
import Foundation
import Testing

@Suite("Start selection")
struct StartSelectionTests {
    @Test("the highest objective is kept; objectives within 1e-9 relative of it are tied and the first of them wins")
    func tieRule() {
        let l = -5150.688084347841
        // Start 1 is higher by one rounding step: tied, start 0 kept.
        #expect(StartSelection.keptStart(objectives: [l, l.nextUp, -5190.7]) == 0)
        #expect(StartSelection.keptStart(objectives: [-5190.7, l, l + 1e-9 * 5150]) == 1)
        // Beyond the tolerance the higher start wins, wherever it is.
        #expect(StartSelection.keptStart(objectives: [l, l + 1e-8 * 5150]) == 1)
        #expect(StartSelection.keptStart(objectives: [l - 1, l, l - 2]) == 1)
        // Near ℓ = 0 the tolerance is absolute (1e-9).
        #expect(StartSelection.keptStart(objectives: [-1e-10, 5e-10]) == 0)
        #expect(StartSelection.keptStart(objectives: [-1e-10, 2e-9]) == 1)
        // NaN is never kept; nothing to choose from gives start 0.
        #expect(StartSelection.keptStart(objectives: [.nan, l, .nan]) == 1)
        #expect(StartSelection.keptStart(objectives: []) == 0)
    }

    @Test("mixture: starts reaching one optimum are tied and the first of them is the fit reported")
    func mixtureKeepsTheFirstTiedStart() throws {
        // Well-separated clusters: every k-means++ start finds them, in its own label order.
        let data = try incomplete(threeClusterSample(n: 240, seed: 1608))
        var options = GaussianMixtureOptions()
        options.components = 3
        options.starts = 5
        let fit = try GaussianMixtureEM(options: options).fit(data)
        let values = fit.starts.map(\.logLikelihood)
        let highest = try #require(values.max())
        let tied = fit.starts.filter { $0.logLikelihood >= highest - StartSelection.relativeTieTolerance * max(1, abs(highest)) }
        #expect(tied.count >= 2)
        let kept = try #require(tied.first)
        #expect(fit.logLikelihood == kept.logLikelihood && fit.iterations == kept.iterations)
        #expect(fit.startsReachingBest >= tied.count)
    }

    @Test("normal: random starts that agree leave the default start (start 0) as the fit reported")
    func normalKeepsTheDefaultStartWhenStartsAgree() throws {
        let data = try incomplete(mcarDataset(n: 300, p: 4, rate: 0.15, seed: 101))
        var options = EMOptions()
        (options.tolerance, options.maxIterations, options.starts, options.seed) = (1e-10, 100_000, 3, 7)
        let fit = try GaussianEM(options: options).fit(data)
        #expect(fit.startsAgree == true)
        #expect(Set(fit.starts.map(\.iterations)).count > 1)
        #expect(fit.iterations == fit.starts[0].iterations)
        #expect(fit.logLikelihood == fit.starts[0].logLikelihood)
    }
}
