// Amelia's overimputation check: on data drawn from the normal the model assumes, about 90%
// of the 90% intervals cover the observed values (within Monte Carlo error); the predictions
// are the naive conditional means; a model with the variances shrunk (a control) undercovers.

import EMImputeCore
import Foundation
import Testing

@Suite struct OverimputationTests {
    static let mean = [1.0, -2.0, 0.5]
    static let covariance = [[1.0, 0.6, 0.3], [0.6, 2.0, -0.4], [0.3, -0.4, 1.5]]

    static func data(seed: UInt64) throws -> IncompleteMatrix {
        var g = TestRandom(seed: seed)
        let rows = sampleMultivariateNormal(n: 3000, mean: mean, covariance: covariance, using: &g)
        return try incomplete(maskCompletelyAtRandom(rows, rate: 0.2, using: &g), names: ["a", "b", "c"])
    }

    @Test("On normal data, the fitted model's 90% intervals cover about 90% of the overimputed cells")
    func coverageIsNominal() throws {
        let data = try Self.data(seed: 71)
        let fit = try GaussianEM().fit(data)
        let check = try Overimputation(data, model: fit.model, cellsPerColumn: 600, level: 0.9, seed: 3)
        #expect(check.cells.count == 1800)
        // 1800 cells: the Monte Carlo SD of the coverage is √(0.9·0.1/1800) ≈ 0.007.
        #expect(abs(check.coverage - 0.9) < 0.03, "coverage \(check.coverage)")
        for j in 0..<3 { #expect(abs(check.coverage(ofColumn: j)! - 0.9) < 0.05) }
        // A 50% interval covers half as often: the level is honoured, not a constant.
        let half = try Overimputation(data, model: fit.model, cellsPerColumn: 600, level: 0.5, seed: 3)
        #expect(abs(half.coverage - 0.5) < 0.05, "coverage \(half.coverage)")
    }

    @Test("Each prediction is the conditional mean of the cell given the row's other observed cells; cells are observed ones, sampled without repeats")
    func predictionsAreConditionalMeans() throws {
        let data = try Self.data(seed: 72)
        let fit = try GaussianEM().fit(data)
        let check = try Overimputation(data, model: fit.model, cellsPerColumn: 50, seed: 9)
        let sigma = nested(fit.model.covariance)
        let p = 3
        var seen = Set<[Int]>()
        for cell in check.cells {
            var row = Array(data.values[(cell.row * p)..<((cell.row + 1) * p)])
            #expect(row[cell.column] == cell.observed)
            #expect(seen.insert([cell.row, cell.column]).inserted)
            row[cell.column] = .nan
            let expected = naiveConditionalMean(row, mean: fit.model.mean, covariance: sigma)[cell.column]
            #expect(abs(expected - cell.predicted) < 1e-9 * max(1, abs(expected)))
            #expect(abs((cell.lower + cell.upper) / 2 - cell.predicted) < 1e-9 * max(1, abs(cell.predicted)))
        }
        // The same seed gives the same sample; another seed another.
        #expect(try Overimputation(data, model: fit.model, cellsPerColumn: 50, seed: 9).cells == check.cells)
        #expect(try Overimputation(data, model: fit.model, cellsPerColumn: 50, seed: 10).cells != check.cells)
    }

    @Test("A model whose variances are a quarter of the truth undercovers (the check can fail)")
    func misspecifiedModelUndercovers() throws {
        let data = try Self.data(seed: 73)
        let shrunk = try GaussianModel(columnNames: ["a", "b", "c"], mean: Self.mean,
                                       covariance: Matrix(rowCount: 3, columnCount: 3, storage: Self.covariance.flatMap { $0.map { $0 / 4 } }))
        let check = try Overimputation(data, model: shrunk, cellsPerColumn: 600, seed: 3)
        // Intervals half as wide: P(|Z| < 1.645/2) ≈ 0.59.
        #expect(abs(check.coverage - 0.59) < 0.04, "coverage \(check.coverage)")
    }
}
