// The library as an outside user sees it: plain `import EMImputeCore` (no @testable), public
// API only. Expected values come from the naive helpers in TestSupport.swift.

import EMImputeCore
import Foundation
import Testing

@Suite("Library usage through the public API")
struct LibraryUsageTests {
    /// Height (cm), weight (kg) and age (years) of 80 people, some cells unknown (nil).
    static let table: [[Double?]] = {
        var g = TestRandom(seed: 2024)
        let cov = [[80.0, 60.0, 5.0], [60.0, 120.0, 20.0], [5.0, 20.0, 150.0]]
        let people = sampleMultivariateNormal(n: 80, mean: [172, 74, 41], covariance: cov, using: &g)
        return people.enumerated().map { i, person in
            person.enumerated().map { j, value -> Double? in
                // A regular sprinkle of unknowns, never a whole row.
                (i + 2 * j) % 7 == 0 && !(j == 0 && i % 3 == 0) ? nil : value
            }
        }
    }()

    @Test("fit rows with nil, read the estimates, complete the matrix")
    func fitAndComplete() throws {
        let data = try IncompleteMatrix(rows: Self.table, columnNames: ["height", "weight", "age"])
        #expect(data.rowCount == 80)
        #expect(data.columnCount == 3)
        #expect(data.missingCount == Self.table.joined().filter { $0 == nil }.count)
        #expect(data[7, 0] == nil)
        #expect(data.isMissing(row: 7, column: 0))
        #expect(data[0, 0] != nil)

        var options = EMOptions()
        options.tolerance = 1e-10
        let fit = try GaussianEM(options: options).fit(data)
        #expect(fit.hasConverged)
        #expect(fit.stopReason == .tolerance)
        #expect(fit.warnings.isEmpty, "\(fit.warnings)")
        #expect(fit.rowsUsed == 80)
        #expect(fit.model.columnNames == ["height", "weight", "age"])

        let mean = fit.mean
        let covariance = fit.covariance
        #expect(mean.count == 3)
        #expect(covariance.rowCount == 3 && covariance.columnCount == 3)
        // Σ is symmetric and positive definite.
        for i in 0..<3 { for j in 0..<3 { #expect(abs(covariance[i, j] - covariance[j, i]) <= 1e-12 * abs(covariance[i, j])) } }
        #expect(naiveDeterminant(nested(covariance)) > 0)
        #expect(abs(mean[0] - 172) < 5 && abs(mean[1] - 74) < 5 && abs(mean[2] - 41) < 5, "\(mean)")

        // ℓ is the observed-data log-likelihood at (μ, Σ).
        let rows = Self.table.map { $0.map { $0 ?? .nan } }
        let naive = naiveLogLikelihood(rows, mean: mean, covariance: nested(covariance))
        #expect(relativeDifference(fit.logLikelihood, naive) < 1e-12, "ℓ \(fit.logLikelihood) vs \(naive)")

        // The completed matrix keeps the observed cells and fills the rest with conditional means.
        let completed = try fit.completed(data)
        #expect(completed.rowCount == 80 && completed.columnCount == 3)
        for (i, row) in Self.table.enumerated() {
            let expected = naiveConditionalMean(rows[i], mean: mean, covariance: nested(covariance))
            for j in 0..<3 {
                if let observed = row[j] {
                    #expect(completed[i, j].bitPattern == observed.bitPattern, "observed cell (\(i), \(j)) changed")
                } else {
                    let sd = covariance[j, j].squareRoot()
                    #expect(abs(completed[i, j] - expected[j]) < 1e-10 * sd, "cell (\(i), \(j))")
                }
            }
        }
        #expect(fit.imputedCells.count == data.missingCount)
    }

    @Test("the fitted model imputes new rows, with conditional standard deviations")
    func modelImputesNewRows() throws {
        let data = try IncompleteMatrix(rows: Self.table, columnNames: ["height", "weight", "age"])
        let model = try GaussianEM().fit(data).model
        let sigma = nested(model.covariance)

        var row: [Double] = [180, .nan, .nan]
        let original = row
        try model.impute(row: &row)
        let expected = naiveConditionalMean(original, mean: model.mean, covariance: sigma)
        #expect(abs(row[0] - 180) == 0)
        #expect(abs(row[1] - expected[1]) < 1e-10 * sigma[1][1].squareRoot())
        #expect(abs(row[2] - expected[2]) < 1e-10 * sigma[2][2].squareRoot())

        // √diag(Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om), computed naively.
        let sds = try model.conditionalStandardDeviations(row: original)
        let o = [0], m = [1, 2]
        let soo = try #require(naiveInverse(submatrix(sigma, o, o))).inverse
        let correction = matMul(matMul(submatrix(sigma, m, o), soo), submatrix(sigma, o, m))
        #expect(sds[0] == 0)
        for (a, j) in m.enumerated() {
            let expectedSD = (sigma[j][j] - correction[a][a]).squareRoot()
            #expect(relativeDifference(sds[j], expectedSD) < 1e-10, "column \(j): \(sds[j]) vs \(expectedSD)")
        }

        // The same model completes another matrix of the same shape.
        let other = try IncompleteMatrix(rows: [[170, nil, 30], [nil, 80, nil]], columnNames: ["height", "weight", "age"])
        let filled = try model.completed(other)
        let e0 = naiveConditionalMean([170, .nan, 30], mean: model.mean, covariance: sigma)
        let e1 = naiveConditionalMean([.nan, 80, .nan], mean: model.mean, covariance: sigma)
        #expect(abs(filled[0, 1] - e0[1]) < 1e-10 * sigma[1][1].squareRoot())
        #expect(abs(filled[1, 0] - e1[0]) < 1e-10 * sigma[0][0].squareRoot())
        #expect(abs(filled[1, 2] - e1[2]) < 1e-10 * sigma[2][2].squareRoot())
    }

    @Test("the documentation example (three complete rows in two dimensions)")
    func smallExample() throws {
        let data = try IncompleteMatrix(rows: [[1, 2], [2, nil], [3, 7], [nil, 4], [4, 5]])
        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        let fit = try GaussianEM(options: options).fit(data)
        #expect(fit.hasConverged)
        // Stationary point of ℓ, checked naively.
        let rows: [[Double]] = [[1, 2], [2, .nan], [3, 7], [.nan, 4], [4, 5]]
        let g = naiveGradient(rows, mean: fit.mean, covariance: nested(fit.covariance))
        let sd = fit.model.standardDeviations
        for j in 0..<2 {
            #expect(abs(g.mean[j]) * sd[j] < 1e-8)
            for k in 0..<2 { #expect(abs(g.covariance[j][k]) * sd[j] * sd[k] < 1e-8) }
        }
        #expect(relativeDifference(fit.logLikelihood, naiveLogLikelihood(rows, mean: fit.mean, covariance: nested(fit.covariance))) < 1e-12)
        let completed = try fit.completed(data)
        let e1 = naiveConditionalMean(rows[1], mean: fit.mean, covariance: nested(fit.covariance))
        let e3 = naiveConditionalMean(rows[3], mean: fit.mean, covariance: nested(fit.covariance))
        #expect(abs(completed[1, 1] - e1[1]) < 1e-10 * sd[1])
        #expect(abs(completed[3, 0] - e3[0]) < 1e-10 * sd[0])
    }

    @Test("errors are reported as EMError values with a description")
    func errorsArePublic() throws {
        let data = try IncompleteMatrix(rows: [[1, nil], [2, nil], [3, nil]], columnNames: ["x", "y"])
        do {
            _ = try GaussianEM().fit(data)
            Issue.record("fitted a column with nothing observed")
        } catch let error as EMError {
            #expect(error == .columnEntirelyMissing(column: "y"))
            #expect(error.description.contains("y"))
            #expect(error.localizedDescription == error.description)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
