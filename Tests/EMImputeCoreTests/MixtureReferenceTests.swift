// Issue 16, validation: the mixture engine against scikit-learn's GaussianMixture on complete
// data, and both engines against independent row-by-row NumPy references with missing data.
// The references are committed JSON (Tests/Reference/README.md says how to regenerate them).

import EMImputeCore
import Foundation
import Testing

private struct MixtureParametersFixture: Decodable {
    let weights: [Double]
    let means: [[Double]]
    let covariances: [[[Double]]]
}

private struct SklearnFixture: Decodable {
    struct Run: Decodable {
        let maxIterations: Int
        let tol: Double
        let iterations: Int
        let converged: Bool
        let weights: [Double]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let logLikelihood: Double
    }
    let columns: [String]
    let rows: [[Double]]
    let start: MixtureParametersFixture
    let runs: [Run]
}

private struct NumPyFixture: Decodable {
    struct MixtureCase: Decodable {
        let iterations: Int
        let weights: [Double]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let logLikelihood: Double
        let imputed: [Double]
    }
    struct TCase: Decodable {
        let iterations: Int
        let fixedDegreesOfFreedom: Double?
        let mean: [Double]
        let covariance: [[Double]]
        let degreesOfFreedom: Double
        let logLikelihood: Double
        let imputed: [Double]
    }
    struct MixtureSet: Decodable {
        let columns: [String]
        let rows: [[Double?]]
        let start: MixtureParametersFixture
        let cases: [MixtureCase]
    }
    struct TSet: Decodable {
        let columns: [String]
        let rows: [[Double?]]
        let initialDegreesOfFreedom: Double
        let cases: [TCase]
    }
    let mixture: MixtureSet
    let t: TSet
}

private func loadFixture<T: Decodable>(_ name: String) throws -> T {
    let url = repositoryRoot().appendingPathComponent("Tests/Reference/\(name)")
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

private func startModel(_ start: MixtureParametersFixture, columns: [String]) throws -> GaussianMixtureModel {
    let components = try zip(start.means, start.covariances).map {
        try GaussianModel(columnNames: columns, mean: $0.0, covariance: Matrix(rows: $0.1))
    }
    return try GaussianMixtureModel(weights: start.weights, components: components)
}

/// Largest relative difference of weights, means and covariances (covariances on the
/// correlation scale), the components taken in the same order.
private func parameterDifference(_ model: GaussianMixtureModel, weights: [Double], means: [[Double]], covariances: [[[Double]]]) -> Double {
    var worst = maxRelativeDifference(model.weights, weights)
    for (k, component) in model.components.enumerated() {
        worst = max(worst, maxRelativeDifference(component.mean, means[k]))
        worst = max(worst, maxScaledCovarianceDifference(nested(component.covariance), covariances[k]))
    }
    return worst
}

@Suite("Mixture and t references")
struct MixtureReferenceTests {
    @Test("complete penguins: the mixture retraces scikit-learn's GaussianMixture from the same start")
    func agreesWithScikitLearn() throws {
        let fixture: SklearnFixture = try loadFixture("sklearn_mixture.reference.json")
        let data = try incomplete(fixture.rows, names: fixture.columns)
        let start = try startModel(fixture.start, columns: fixture.columns)
        // Fixed iterations: the same map applied the same number of times.
        let fixed = fixture.runs[0]
        var options = GaussianMixtureOptions()
        options.tolerance = 0
        options.maxIterations = fixed.iterations
        options.covarianceFloor = 0
        let retraced = try GaussianMixtureEM(options: options).fit(data, from: start)
        #expect(retraced.iterations == fixed.iterations)
        #expect(relativeDifference(retraced.logLikelihood, fixed.logLikelihood) < 1e-10)
        #expect(parameterDifference(retraced.model, weights: fixed.weights, means: fixed.means, covariances: fixed.covariances) < 1e-9)
        // Converged: sklearn's own stopping rule against ours; both at the same maximum.
        let converged = fixture.runs[1]
        options.tolerance = 1e-10
        options.maxIterations = 10_000
        let fit = try GaussianMixtureEM(options: options).fit(data, from: start)
        #expect(fit.hasConverged && converged.converged)
        #expect(relativeDifference(fit.logLikelihood, converged.logLikelihood) < 1e-6)
        #expect(parameterDifference(fit.model, weights: converged.weights, means: converged.means, covariances: converged.covariances) < 1e-6)
    }

    @Test("missing data: the mixture agrees with the row-by-row NumPy reference to 1e-8")
    func mixtureAgreesWithNumPy() throws {
        let fixture: NumPyFixture = try loadFixture("mixture_t.reference.json")
        let set = fixture.mixture
        let data = try IncompleteMatrix(rows: set.rows, columnNames: set.columns)
        #expect(Set(rowsOf(data).map { $0.map(\.isNaN) }).count >= 5)
        let start = try startModel(set.start, columns: set.columns)
        for reference in set.cases {
            var options = GaussianMixtureOptions()
            options.tolerance = 0
            options.maxIterations = reference.iterations
            options.covarianceFloor = 0
            let fit = try GaussianMixtureEM(options: options).fit(data, from: start)
            #expect(relativeDifference(fit.logLikelihood, reference.logLikelihood) < 1e-8)
            #expect(parameterDifference(fit.model, weights: reference.weights, means: reference.means,
                                        covariances: reference.covariances) < 1e-8)
            #expect(maxRelativeDifference(fit.imputedCells.map(\.value), reference.imputed, floor: [Double](repeating: 1, count: reference.imputed.count)) < 1e-8)
        }
    }

    @Test("missing data: the t ECME agrees with the row-by-row NumPy reference to 1e-8")
    func tAgreesWithNumPy() throws {
        let fixture: NumPyFixture = try loadFixture("mixture_t.reference.json")
        let set = fixture.t
        let data = try IncompleteMatrix(rows: set.rows, columnNames: set.columns)
        #expect(Set(rowsOf(data).map { $0.map(\.isNaN) }).count >= 5)
        for reference in set.cases {
            var options = MultivariateTOptions()
            options.tolerance = 0
            options.maxIterations = reference.iterations
            options.degreesOfFreedom = reference.fixedDegreesOfFreedom
            options.initialDegreesOfFreedom = set.initialDegreesOfFreedom
            let fit = try MultivariateTEM(options: options).fit(data)
            #expect(fit.iterations == reference.iterations)
            #expect(relativeDifference(fit.logLikelihood, reference.logLikelihood) < 1e-8)
            #expect(relativeDifference(fit.degreesOfFreedom, reference.degreesOfFreedom) < 1e-8)
            #expect(maxRelativeDifference(fit.model.location.mean, reference.mean) < 1e-8)
            #expect(maxScaledCovarianceDifference(nested(fit.model.location.covariance), reference.covariance) < 1e-8)
            #expect(maxRelativeDifference(fit.imputedCells.map(\.value), reference.imputed, floor: [Double](repeating: 1, count: reference.imputed.count)) < 1e-8)
        }
    }
}
