// Issue 16: the mixture and multivariate-t engines against the Gaussian engine they
// generalise (K = 1, ν = ∞), and their invariants (determinism, monotonicity, guards).

import EMImputeCore
import Foundation
import Testing

/// A clustered sample: three well-separated normal clusters in p = 3, MCAR-masked.
func threeClusterSample(n: Int, seed: UInt64, missingRate: Double = 0.15) -> [[Double]] {
    var g = TestRandom(seed: seed)
    let centres: [[Double]] = [[0, 0, 0], [6, 1, -4], [-5, 7, 3]]
    let covariances = (0..<3).map { _ in randomCovariance(p: 3, using: &g, scales: [1, 1.5, 0.8]) }
    var rows: [[Double]] = []
    for i in 0..<n {
        let k = i % 3
        rows.append(sampleMultivariateNormal(n: 1, mean: centres[k], covariance: covariances[k], using: &g)[0])
    }
    return maskCompletelyAtRandom(rows, rate: missingRate, using: &g)
}

@Suite("Mixture and t engines")
struct MixtureAndTEngineTests {
    /// Several missingness patterns, p = 4, n = 300.
    private func gaussianData() throws -> IncompleteMatrix {
        var g = TestRandom(seed: 1601)
        let rows = maskCompletelyAtRandom(gaussianSample(n: 300, p: 4, seed: 1601), rate: 0.2, using: &g)
        return try incomplete(rows)
    }

    @Test("K = 1 reproduces the Gaussian engine to 1e-10")
    func singleComponentIsGaussian() throws {
        let data = try gaussianData()
        let gaussian = try GaussianEM().fit(data)
        var options = GaussianMixtureOptions()
        options.components = 1
        let mixture = try GaussianMixtureEM(options: options).fit(data)
        let component = mixture.model.components[0]
        #expect(relativeDifference(mixture.logLikelihood, gaussian.logLikelihood) < 1e-10)
        #expect(maxRelativeDifference(component.mean, gaussian.mean) < 1e-10)
        #expect(maxScaledCovarianceDifference(nested(component.covariance), nested(gaussian.covariance)) < 1e-10)
        #expect(mixture.imputedCells.map { [$0.row, $0.column] } == gaussian.imputedCells.map { [$0.row, $0.column] })
        #expect(maxRelativeDifference(mixture.imputedCells.map(\.value), gaussian.imputedCells.map(\.value)) < 1e-10)
        #expect(mixture.iterations == gaussian.iterations)
        // The mixture's SD of one component is the normal conditional SD.
        let row = Array(data.values[0..<4])
        if row.contains(where: \.isNaN) {
            let sd = try gaussian.model.conditionalStandardDeviations(row: row)
            let moments = try mixture.model.conditionalMoments(row: row)
            #expect(maxRelativeDifference(moments.standardDeviation, sd, floor: [1, 1, 1, 1]) < 1e-10)
        }
    }

    @Test("t with ν = ∞ reproduces the Gaussian engine to 1e-10, ν = 1e12 to 1e-8")
    func infiniteDegreesOfFreedomIsGaussian() throws {
        let data = try gaussianData()
        let gaussian = try GaussianEM().fit(data)
        for (nu, tolerance) in [(Double.infinity, 1e-10), (1e12, 1e-8)] {
            var options = MultivariateTOptions()
            options.degreesOfFreedom = nu
            let t = try MultivariateTEM(options: options).fit(data)
            #expect(relativeDifference(t.logLikelihood, gaussian.logLikelihood) < tolerance)
            #expect(maxRelativeDifference(t.model.location.mean, gaussian.mean) < tolerance)
            #expect(maxScaledCovarianceDifference(nested(t.model.location.covariance), nested(gaussian.covariance)) < tolerance)
            #expect(maxRelativeDifference(t.imputedCells.map(\.value), gaussian.imputedCells.map(\.value)) < tolerance)
        }
    }

    @Test("the t log-likelihood matches a naive row-by-row t density, and the ν step is a stationary point")
    func tLikelihoodFromFirstPrinciples() throws {
        var g = TestRandom(seed: 1602)
        // Heavy tails: normal rows divided by √(χ²₃/3).
        var rows = gaussianSample(n: 250, p: 3, seed: 1602)
        for i in rows.indices {
            let chi = (0..<3).reduce(0.0) { s, _ in let z = g.normal(); return s + z * z } / 3
            rows[i] = rows[i].map { $0 / chi.squareRoot() }
        }
        let data = try incomplete(maskCompletelyAtRandom(rows, rate: 0.2, using: &g))
        let fit = try MultivariateTEM().fit(data)
        #expect(fit.hasConverged)
        #expect(fit.isMonotone)
        #expect(fit.degreesOfFreedom > 1 && fit.degreesOfFreedom < 20)
        let mu = fit.model.location.mean, sigma = nested(fit.model.location.covariance)
        func naive(_ nu: Double) -> Double {
            var total = 0.0
            for row in rowsOf(data) {
                let o = row.indices.filter { !row[$0].isNaN }
                guard !o.isEmpty else { continue }
                let s = submatrix(sigma, o, o)
                let d = o.map { row[$0] - mu[$0] }
                let q = zip(d, naiveSolve(s, d)).reduce(0) { $0 + $1.0 * $1.1 }
                let k = Double(o.count)
                total += lgamma((nu + k) / 2) - lgamma(nu / 2) - k / 2 * log(nu * Double.pi)
                    - 0.5 * log(naiveDeterminant(s)) - (nu + k) / 2 * log(1 + q / nu)
            }
            return total
        }
        let nu = fit.degreesOfFreedom
        #expect(relativeDifference(fit.logLikelihood, naive(nu)) < 1e-10)
        // ν maximises ℓ at the final μ, Σ: both neighbours are lower.
        #expect(naive(nu * 1.01) < naive(nu) && naive(nu / 1.01) < naive(nu))
        // The most down-weighted row is the one farthest out.
        let first = try #require(fit.mostDownweightedRows.first)
        #expect(fit.mostDownweightedRows.allSatisfy { $0.weight >= first.weight })
        #expect(fit.rowWeights[first.row] == first.weight)
    }

    @Test("mixture log-likelihood matches a naive row-by-row mixture density and never decreases")
    func mixtureLikelihoodFromFirstPrinciples() throws {
        let data = try incomplete(threeClusterSample(n: 240, seed: 1603))
        var options = GaussianMixtureOptions()
        options.components = 3
        let fit = try GaussianMixtureEM(options: options).fit(data)
        #expect(fit.hasConverged)
        #expect(fit.isMonotone)
        #expect(fit.emptyComponents.isEmpty)
        var total = 0.0
        for row in rowsOf(data) {
            var density = 0.0
            for (w, c) in zip(fit.model.weights, fit.model.components) {
                density += w * exp(naiveLogLikelihood([row], mean: c.mean, covariance: nested(c.covariance)))
            }
            total += log(density)
        }
        #expect(relativeDifference(fit.logLikelihood, total) < 1e-10)
        // Three clusters of 80: the sizes are recovered.
        #expect(fit.componentSizes.sorted().allSatisfy { abs($0 - 80) < 3 })
        // BIC picks 3 from 1…5.
        let selection = try GaussianMixtureEM(options: options).fitSelectingComponents(data, maxComponents: 5)
        #expect(selection.best.model.componentCount == 3)
        #expect(selection.table.map(\.components) == [1, 2, 3, 4, 5])
    }

    @Test("results are bit-identical for 1, 2 and 7 threads")
    func threadCountDoesNotMatter() throws {
        let data = try incomplete(threeClusterSample(n: 6_000, seed: 1604))
        var mixtureResults: [[Double]] = [], tResults: [[Double]] = []
        for threads in [1, 2, 7] {
            var options = GaussianMixtureOptions()
            options.components = 3
            options.starts = 2
            options.threads = threads
            options.maxIterations = 30
            let mixture = try GaussianMixtureEM(options: options).fit(data)
            mixtureResults.append([mixture.logLikelihood] + mixture.imputedCells.map(\.value) + mixture.model.components.flatMap(\.mean))
            var tOptions = MultivariateTOptions()
            tOptions.threads = threads
            tOptions.maxIterations = 30
            let t = try MultivariateTEM(options: tOptions).fit(data)
            tResults.append([t.logLikelihood, t.degreesOfFreedom] + t.imputedCells.map(\.value))
        }
        #expect(mixtureResults[0] == mixtureResults[1] && mixtureResults[0] == mixtureResults[2])
        #expect(tResults[0] == tResults[1] && tResults[0] == tResults[2])
    }

    @Test("too many components on few rows: empty or floored components reported, no NaN, no crash")
    func degenerateComponentsAreGuarded() throws {
        let rows = Array(threeClusterSample(n: 30, seed: 1605, missingRate: 0.1))
        let data = try incomplete(rows)
        var options = GaussianMixtureOptions()
        options.components = 8
        options.starts = 3
        let fit = try GaussianMixtureEM(options: options).fit(data)
        #expect(fit.imputedCells.allSatisfy { $0.value.isFinite })
        #expect(fit.imputedCells.allSatisfy { $0.conditionalStandardDeviation?.isFinite == true })
        #expect(fit.logLikelihood.isFinite)
        #expect(!fit.regularizedComponents.isEmpty || !fit.emptyComponents.isEmpty)
        #expect(fit.warnings.contains { $0.code == .componentCovarianceFloored || $0.code == .emptyComponents })
    }

    @Test("restarts: every start's outcome reported, the best kept, agreement counted and warned about")
    func restartsAreReported() throws {
        let data = try incomplete(threeClusterSample(n: 240, seed: 1608))
        var options = GaussianMixtureOptions()
        options.components = 4
        options.starts = 6
        let fit = try GaussianMixtureEM(options: options).fit(data)
        #expect(fit.starts.count == 6)
        // The best start, ties within rounding to the first (`StartSelection`).
        let best = fit.starts[StartSelection.keptStart(objectives: fit.starts.map(\.logLikelihood))].logLikelihood
        #expect(fit.logLikelihood == best)
        #expect(fit.starts.allSatisfy { $0.logLikelihood <= best + StartSelection.relativeTieTolerance * max(1, abs(best)) })
        let reaching = fit.starts.filter { abs($0.logLikelihood - best) <= GaussianMixtureEM.agreementThreshold * max(1, abs(best)) }.count
        #expect(fit.startsReachingBest == reaching && reaching >= 1)
        #expect(fit.warnings.contains { $0.code == .startsDisagree } == (reaching < 6))
        // Start 0 is the run a single start makes (same seed): the outcomes are real runs.
        options.starts = 1
        let single = try GaussianMixtureEM(options: options).fit(data)
        #expect(single.starts.count == 1 && single.starts[0].logLikelihood == fit.starts[0].logLikelihood)
        #expect(single.startsReachingBest == 1 && !single.warnings.contains { $0.code == .startsDisagree })
    }

    @Test("options out of range throw typed errors")
    func optionErrors() throws {
        let data = try gaussianData()
        var options = GaussianMixtureOptions()
        options.components = 0
        #expect(throws: ModelOptionsError.invalidComponents(0)) { try GaussianMixtureEM(options: options).fit(data) }
        options.components = 2
        options.covarianceFloor = -1
        #expect(throws: ModelOptionsError.invalidCovarianceFloor(-1)) { try GaussianMixtureEM(options: options).fit(data) }
        var tOptions = MultivariateTOptions()
        tOptions.degreesOfFreedom = 0
        #expect(throws: ModelOptionsError.invalidDegreesOfFreedom(0)) { try MultivariateTEM(options: tOptions).fit(data) }
        #expect(throws: EMError.noData) { try MultivariateTEM().fit(try IncompleteMatrix(rows: [[Double?]]())) }
        #expect(throws: ModelParameterError.weightsDoNotSumToOne(sum: 0.5)) {
            try GaussianMixtureModel(weights: [0.5], components: [GaussianEM().fit(data).model])
        }
    }

    @Test("hidden cells of clustered data: the mixture (K by BIC) imputes them clearly better than the normal")
    func mixtureImputesClusteredDataBetter() throws {
        var g = TestRandom(seed: 1607)
        let truth = threeClusterSample(n: 300, seed: 1607, missingRate: 0)
        // Hide 10% of the cells, never a whole row.
        let masked = maskCompletelyAtRandom(truth, rate: 0.1, using: &g)
        let data = try incomplete(masked)
        func rmse(_ imputed: ImputedCells) -> Double {
            let total = imputed.reduce(0.0) { $0 + ($1.value - truth[$1.row][$1.column]) * ($1.value - truth[$1.row][$1.column]) }
            return (total / Double(imputed.count)).squareRoot()
        }
        let gaussian = try GaussianEM().fit(data)
        var options = GaussianMixtureOptions()
        options.starts = 3
        let mixture = try GaussianMixtureEM(options: options).fitSelectingComponents(data, maxComponents: 5).best
        #expect(mixture.model.componentCount == 3)
        #expect(rmse(mixture.imputedCells) < 0.6 * rmse(gaussian.imputedCells))
    }

    @Test("the completed data of a fit equal the model's completion (what apply uses)")
    func modelCompletesLikeTheFit() throws {
        let data = try incomplete(threeClusterSample(n: 150, seed: 1606))
        var options = GaussianMixtureOptions()
        options.components = 3
        let fit = try GaussianMixtureEM(options: options).fit(data)
        #expect(try fit.completed(data) == fit.model.completed(data))
        // The row imputer (patterns prepared once, then reused) gives the same moments.
        let imputer = GaussianMixtureImputer(fit.model)
        for row in rowsOf(data) + rowsOf(data) where row.contains(where: \.isNaN) {
            let a = try imputer.conditionalMoments(row: row), b = try fit.model.conditionalMoments(row: row)
            #expect(a.mean == b.mean && a.standardDeviation == b.standardDeviation && a.responsibilities == b.responsibilities)
        }
        let t = try MultivariateTEM().fit(data)
        #expect(try t.completed(data) == t.model.completed(data))
    }
}
