// Multiple imputation under the normal mixture and the multivariate t: the draws at a fixed
// parameter point follow the closed-form conditional distribution (seeded, many draws), the
// weighted refit with unit weights stays at the fit, and the result does not depend on the
// thread count.

@testable import EMImputeCore
import Foundation
import Testing

@Suite struct ModelMultipleImputationTests {
    /// n identical rows with x1 observed at `x1` and x2 missing.
    static func rows(_ n: Int, x1: Double) -> IncompleteMatrix {
        try! IncompleteMatrix(rows: Array(repeating: [x1, nil], count: n), columnNames: ["x1", "x2"])
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * (1 + erf(x / 2.squareRoot())) }

    /// Sample mean and variance.
    static func moments(_ x: [Double]) -> (mean: Double, variance: Double) {
        let mean = x.reduce(0, +) / Double(x.count)
        return (mean, x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(x.count - 1))
    }

    /// Every row's missing cell drawn under `theta` for imputation 1, one row at a time.
    static func draws(_ problem: WeightedModelProblem, _ theta: ModelParameters) throws -> [Double] {
        let drawer = ModelRowDraws(problem: problem, theta: ModelTheta(theta: theta, prepared: try problem.prepare(theta, iteration: 0), iterations: 0),
                                   imputation: 1)
        var out: [Double] = []
        try problem.z.withUnsafeBufferPointer { z in
            for i in 0..<problem.rowCount {
                _ = try drawer.draw(row: i, z.baseAddress! + i * problem.p, isStandardized: true) { _, v in out.append(v) }
            }
        }
        return out
    }

    @Test("Mixture draws: pick a component by the responsibilities, then its conditional normal (mean, variance and a CDF value)")
    func mixtureDrawsFollowTheConditionalMixture() throws {
        let n = 40_000, x1 = 1.5
        let data = Self.rows(n, x1: x1)
        // π = (0.3, 0.7); μ₁ = (0, 0), Σ₁ = [1 .5; .5 1]; μ₂ = (3, 1), Σ₂ = [1 −.3; −.3 2].
        let theta = ModelParameters(weights: [0.3, 0.7], means: [[0, 0], [3, 1]],
                                    covariances: [[1, 0.5, 0.5, 1], [1, -0.3, -0.3, 2]], degreesOfFreedom: .infinity)
        let problem = WeightedModelProblem(data: data, start: theta, center: [0, 0], scale: [1, 1], options: EMOptions(),
                                           covarianceFloor: 0, bounds: nil)
        let draws = try Self.draws(problem, theta)
        // Closed form: rₖ ∝ πₖ N(x1 | μₖ₁, Σₖ₁₁); x2 | x1, k ~ N(μₖ₂ + Σₖ₂₁/Σₖ₁₁ (x1 − μₖ₁), Σₖ₂₂ − Σₖ₂₁²/Σₖ₁₁).
        let density = [0.3 * exp(-0.5 * x1 * x1), 0.7 * exp(-0.5 * (x1 - 3) * (x1 - 3))]
        let r = density.map { $0 / density.reduce(0, +) }
        let means = [0.5 * x1, 1 - 0.3 * (x1 - 3)], variances = [0.75, 2 - 0.09]
        let mean = r[0] * means[0] + r[1] * means[1]
        let variance = (0..<2).reduce(0.0) { $0 + r[$1] * (variances[$1] + (means[$1] - mean) * (means[$1] - mean)) }
        let sample = Self.moments(draws)
        let standardError = (variance / Double(n)).squareRoot()
        #expect(abs(sample.mean - mean) < 4 * standardError, "mean \(sample.mean) vs \(mean)")
        #expect(abs(sample.variance - variance) < 0.04 * variance, "variance \(sample.variance) vs \(variance)")
        let cut = 1.1
        let cdf = r[0] * Self.normalCDF((cut - means[0]) / variances[0].squareRoot()) + r[1] * Self.normalCDF((cut - means[1]) / variances[1].squareRoot())
        let share = Double(draws.filter { $0 < cut }.count) / Double(n)
        #expect(abs(share - cdf) < 4 * (cdf * (1 - cdf) / Double(n)).squareRoot(), "P(x2 < \(cut)) \(share) vs \(cdf)")
        // A control: the conditional mean of the mixture is not what a single normal would give.
        #expect(abs(mean - means[1]) > 0.1)
    }

    @Test("t draws: the conditional t with ν + o degrees of freedom and scale (ν + δ²)/(ν + o) · C")
    func tDrawsFollowTheConditionalT() throws {
        let n = 40_000, x1 = 2.0, nu = 5.0
        let data = Self.rows(n, x1: x1)
        let theta = ModelParameters(weights: [1], means: [[0, 0]], covariances: [[1, 0.6, 0.6, 1]], degreesOfFreedom: nu)
        let problem = WeightedModelProblem(data: data, start: theta, center: [0, 0], scale: [1, 1], options: EMOptions(),
                                           covarianceFloor: 0, bounds: nil)
        let draws = try Self.draws(problem, theta)
        // δ² = 4, ν' = 6, location 0.6·2 = 1.2, scale² = (5 + 4)/6 · 0.64 = 0.96, variance = 0.96 · 6/4 = 1.44.
        let location = 1.2, scale = 0.96.squareRoot(), variance = 1.44
        let sample = Self.moments(draws)
        #expect(abs(sample.mean - location) < 4 * (variance / Double(n)).squareRoot(), "mean \(sample.mean)")
        // Excess kurtosis of t₆ is 3: SD of the sample variance ≈ σ²·√(5/n).
        #expect(abs(sample.variance - variance) < 4 * variance * (5 / Double(n)).squareRoot(), "variance \(sample.variance) vs \(variance)")
        // The tails are the t's, not a normal's with the same variance: the central 80% interval of t₆.
        let q = Distributions.studentTQuantile(0.9, degreesOfFreedom: 6)
        let inside = Double(draws.filter { abs($0 - location) / scale < q }.count) / Double(n)
        #expect(abs(inside - 0.8) < 4 * (0.16 / Double(n)).squareRoot(), "share inside \(inside)")
        // What --sd-output writes for this row is the same variance.
        let model = try MultivariateTModel(location: GaussianModel(columnNames: ["x1", "x2"], mean: [0, 0],
                                                                   covariance: Matrix(rowCount: 2, columnCount: 2, storage: [1, 0.6, 0.6, 1])),
                                           degreesOfFreedom: nu)
        let sd = try model.conditionalStandardDeviations(row: [x1, .nan])
        #expect(abs(sd[1] - variance.squareRoot()) < 1e-12)
    }

    @Test("χ² draws have mean k and variance 2k, also for k < 2")
    func chiSquareDraws() {
        for k in [0.7, 3.0, 11.5] {
            var generator = SeededGenerator(seed: 5)
            let x = (0..<40_000).map { _ in generator.nextChiSquare(degreesOfFreedom: k) }
            let sample = Self.moments(x)
            #expect(abs(sample.mean - k) < 4 * (2 * k / 40_000).squareRoot(), "k = \(k): mean \(sample.mean)")
            #expect(abs(sample.variance - 2 * k) < 0.1 * 2 * k, "k = \(k): variance \(sample.variance)")
        }
    }

    static var data: IncompleteMatrix { MultipleImputationCoverageTests.replicate(3) }

    @Test("With unit weights the weighted refit of a converged t fit (ν fixed) stays at the fit")
    func unitWeightsKeepTheTFit() throws {
        var options = MultivariateTOptions()
        options.degreesOfFreedom = 4
        options.tolerance = 1e-12
        let fit = try MultivariateTEM(options: options).fit(Self.data)
        let location = fit.model.location
        let start = ModelParameters(weights: [1], means: [[0, 0, 0]], covariances: [location.standardizedCovariance.storage], degreesOfFreedom: 4)
        var em = EMOptions()
        em.tolerance = 1e-10
        let problem = WeightedModelProblem(data: Self.data, start: start, center: location.mean, scale: location.scale, options: em,
                                           covarianceFloor: 0, bounds: nil)
        let refit = try problem.weightedEM(weights: [Double](repeating: 1, count: Self.data.rowCount))
        #expect(refit.hasConverged && refit.iterations <= 3)
        #expect(refit.theta.maxAbsoluteChange(from: start) < 1e-8)
        // A control: bootstrap weights move it.
        let moved = try problem.weightedEM(weights: problem.weights(imputation: 1))
        #expect(moved.theta.maxAbsoluteChange(from: start) > 1e-3)
    }

    @Test("With unit weights the weighted refit of a converged mixture stays at the fit")
    func unitWeightsKeepTheMixtureFit() throws {
        var options = GaussianMixtureOptions()
        options.components = 2
        options.tolerance = 1e-12
        options.maxIterations = 5000
        let fit = try GaussianMixtureEM(options: options).fit(Self.data)
        var em = EMOptions()
        em.tolerance = 1e-9
        em.maxIterations = 5000
        // A control: bootstrap weights make the refit move (more than one step).
        let result = try MultipleImputation(count: 2, options: em).impute(Self.data, mixture: fit)
        #expect(result.imputations.allSatisfy { $0.iterations > 1 })
        // The same start with unit weights: the refit's first step is already within tolerance of the fit.
        let model = fit.model, p = 3
        let center = model.mean, scale = model.components[0].scale
        var start = ModelParameters(weights: model.weights, means: [], covariances: [], degreesOfFreedom: .infinity)
        for c in model.components {
            start.means.append((0..<p).map { (c.mean[$0] - center[$0]) / scale[$0] })
            var sigma = c.standardizedCovariance.storage
            for i in 0..<p { for j in 0..<p { sigma[i * p + j] *= c.scale[i] / scale[i] * c.scale[j] / scale[j] } }
            start.covariances.append(sigma)
        }
        let problem = WeightedModelProblem(data: Self.data, start: start, center: center, scale: scale, options: em,
                                           covarianceFloor: options.covarianceFloor, bounds: nil)
        let refit = try problem.weightedEM(weights: [Double](repeating: 1, count: Self.data.rowCount))
        #expect(refit.theta.maxAbsoluteChange(from: start) < 1e-6)
    }

    @Test("Mixture and t imputations are bit-identical for 1, 2 and 5 threads; observed cells kept; draws differ")
    func threadCountDoesNotMatter() throws {
        var mixtureOptions = GaussianMixtureOptions()
        mixtureOptions.components = 2
        let mixture = try GaussianMixtureEM(options: mixtureOptions).fit(Self.data)
        let t = try MultivariateTEM().fit(Self.data)
        for kind in ["mixture", "t"] {
            var results: [[UInt64]] = []
            for threads in [1, 2, 5] {
                var options = EMOptions()
                options.threads = threads
                options.seed = 11
                let engine = MultipleImputation(count: 4, options: options)
                let draws = kind == "t" ? try engine.impute(Self.data, t: t) : try engine.impute(Self.data, mixture: mixture)
                #expect(draws.count == 4)
                #expect(draws.imputations[0].imputedCells != draws.imputations[1].imputedCells)
                #expect(draws.imputations.allSatisfy { $0.imputedCells.count == Self.data.missingCount && $0.imputedCells.allSatisfy(\.value.isFinite) })
                results.append(draws.imputations.flatMap { $0.imputedCells.map(\.value.bitPattern) })
            }
            #expect(results[0] == results[1] && results[0] == results[2], "\(kind)")
        }
    }
}
