// Issue item 8: data that cannot identify the model fail with the right EMError; the ridge
// prior rescues n ≤ p and has the documented closed form on complete data.

import EMImputeCore
import Foundation
import Testing

@Suite("Errors and the ridge prior")
struct ErrorTests {
    static let names = ["a", "b", "c", "d"]

    static func sample(n: Int, p: Int, seed: UInt64) -> [[Double]] {
        var g = TestRandom(seed: seed)
        return (0..<n).map { _ in (0..<p).map { _ in g.normal() } }
    }

    @Test("a column with nothing observed throws columnEntirelyMissing naming it")
    func columnEntirelyMissing() {
        var rows = Self.sample(n: 30, p: 4, seed: 81)
        for i in rows.indices { rows[i][2] = .nan }
        #expect(throws: EMError.columnEntirelyMissing(column: "c")) {
            try GaussianEM().fit(incomplete(rows, names: Self.names))
        }
    }

    @Test("a constant column throws constantColumn naming it")
    func constantColumn() {
        var rows = Self.sample(n: 30, p: 4, seed: 82)
        for i in rows.indices { rows[i][1] = i % 3 == 0 ? .nan : 2.5 }
        #expect(throws: EMError.constantColumn(column: "b")) {
            try GaussianEM().fit(incomplete(rows, names: Self.names))
        }
        // One observed cell is as uninformative as a constant.
        var single = Self.sample(n: 30, p: 4, seed: 83)
        for i in single.indices where i != 7 { single[i][3] = .nan }
        #expect(throws: EMError.constantColumn(column: "d")) {
            try GaussianEM().fit(incomplete(single, names: Self.names))
        }
    }

    @Test("n ≤ p throws tooFewRows; a ridge makes it fit", arguments: [3, 4])
    func tooFewRows(n: Int) throws {
        let rows = Self.sample(n: n, p: 4, seed: 84)
        #expect(throws: EMError.tooFewRows(rows: n, columns: 4)) {
            try GaussianEM().fit(incomplete(rows, names: Self.names))
        }
        var options = EMOptions()
        options.ridge = 1
        let result = try GaussianEM(options: options).fit(incomplete(rows, names: Self.names))
        #expect(result.hasConverged)
        #expect(result.covariance.storage.allSatisfy { $0.isFinite })
        // Still the closed form (S is singular here, the prior is not).
        let expected = Self.ridgeClosedForm(rows, lambda: 1)
        #expect(maxScaledCovarianceDifference(nested(result.covariance), expected) < 1e-12)
        #expect(result.warnings.contains { $0.code == .ridgePosteriorMode })
    }

    @Test("rows with nothing observed do not count towards n")
    func tooFewUsableRows() {
        var rows = Self.sample(n: 4, p: 4, seed: 85)
        rows += [[Double](repeating: .nan, count: 4), [Double](repeating: .nan, count: 4)]
        #expect(throws: EMError.tooFewRows(rows: 4, columns: 4)) {
            try GaussianEM().fit(incomplete(rows, names: Self.names))
        }
    }

    @Test("two exactly collinear complete columns throw singularCovariance naming both")
    func collinearColumns() throws {
        var rows = Self.sample(n: 50, p: 4, seed: 86)
        for i in rows.indices { rows[i][2] = -2 * rows[i][0] }  // c = −2a exactly (power of two)
        rows[5][1] = .nan  // some missingness elsewhere does not matter
        rows[9][3] = .nan
        do {
            _ = try GaussianEM().fit(incomplete(rows, names: Self.names))
            Issue.record("collinear columns fitted without error")
        } catch let EMError.singularCovariance(columns, _) {
            #expect(Set(columns) == ["a", "c"], "named \(columns)")
        }
        // Collinear through an affine map that is not exact in binary.
        for i in rows.indices { rows[i][2] = 3 * rows[i][0] + 0.1 }
        do {
            _ = try GaussianEM().fit(incomplete(rows, names: Self.names))
            Issue.record("collinear columns fitted without error")
        } catch let EMError.singularCovariance(columns, _) {
            #expect(Set(columns) == ["a", "c"], "named \(columns)")
        }
        // A ridge resolves it.
        var options = EMOptions()
        options.ridge = 0.5
        let result = try GaussianEM(options: options).fit(incomplete(rows, names: Self.names))
        #expect(result.covariance.storage.allSatisfy { $0.isFinite })
    }

    /// Σ = (n·S + λ·diag(s²)) / (n + λ + p + 2), S the divisor-n covariance and s² the
    /// observed variance (divisor n − 1).
    static func ridgeClosedForm(_ rows: [[Double]], lambda: Double) -> [[Double]] {
        let n = Double(rows.count), p = rows[0].count
        var sigma = sampleMoments(rows).covariance
        for i in 0..<p {
            for j in 0..<p {
                let s2 = i == j ? sigma[i][i] * n / (n - 1) : 0
                sigma[i][j] = (n * sigma[i][j] + lambda * s2) / (n + lambda + Double(p) + 2)
            }
        }
        return sigma
    }

    @Test("with a ridge λ on complete data, Σ = (n·S + λ·diag(s²)) / (n + λ + p + 2)",
          arguments: [0.5, 3.0, 40.0])
    func ridgeClosedForm(lambda: Double) throws {
        let rows = gaussianSample(n: 60, p: 4, seed: 87)
        var options = EMOptions()
        options.ridge = lambda
        options.tolerance = 1e-12
        let result = try GaussianEM(options: options).fit(incomplete(rows, names: Self.names))
        #expect(result.hasConverged)
        let expected = Self.ridgeClosedForm(rows, lambda: lambda)
        let moments = sampleMoments(rows)
        let covError = maxScaledCovarianceDifference(nested(result.covariance), expected)
        let entrywise = maxRelativeDifference(result.covariance.storage, expected.flatMap { $0 })
        #expect(covError < 1e-12, "λ = \(lambda): covariance \(covError)")
        #expect(entrywise < 1e-10, "λ = \(lambda): covariance entrywise \(entrywise)")
        // The prior is on Σ only: μ is still the sample mean.
        let sd = (0..<4).map { moments.covariance[$0][$0].squareRoot() }
        #expect(maxRelativeDifference(result.mean, moments.mean, floor: sd) < 1e-12)
        // ℓ is reported at the posterior mode.
        let naive = naiveLogLikelihood(rows, mean: result.mean, covariance: nested(result.covariance))
        #expect(relativeDifference(result.logLikelihood, naive) < 1e-12)
    }
}
