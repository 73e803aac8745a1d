// Issue item 4: the MLE is equivariant under permutations of rows and columns and under an
// affine change of units of one column; ℓ shifts by the Jacobian −n_obs,j·log|b|.

import EMImputeCore
import Foundation
import Testing

@Suite("Equivariance")
struct EquivarianceTests {
    static let names = ["a", "b", "c", "d"]
    static let rows = mcarDataset(n: 200, p: 4, rate: 0.25, seed: 41)

    static func fit(_ rows: [[Double]], names: [String] = Self.names) throws -> EMResult {
        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        return try GaussianEM(options: options).fit(incomplete(rows, names: names))
    }

    /// Completed matrix as nested arrays.
    static func completed(_ result: EMResult, _ rows: [[Double]], names: [String] = Self.names) throws -> [[Double]] {
        try nested(result.completed(incomplete(rows, names: names)))
    }

    @Test("permuting the rows leaves μ, Σ and ℓ unchanged and permutes the imputations")
    func rowPermutation() throws {
        var g = TestRandom(seed: 4242)
        let permutation = Array(Self.rows.indices).shuffled(using: &g)
        let permuted = permutation.map { Self.rows[$0] }
        let base = try Self.fit(Self.rows), moved = try Self.fit(permuted)

        let sd = base.model.standardDeviations
        #expect(maxRelativeDifference(moved.mean, base.mean, floor: sd) < 1e-10)
        #expect(maxScaledCovarianceDifference(nested(moved.covariance), nested(base.covariance)) < 1e-10)
        #expect(relativeDifference(moved.logLikelihood, base.logLikelihood) < 1e-12)
        #expect(moved.patternCount == base.patternCount)

        let a = try Self.completed(base, Self.rows), b = try Self.completed(moved, permuted)
        var worst = 0.0
        for (newIndex, oldIndex) in permutation.enumerated() {
            for j in 0..<4 { worst = max(worst, abs(b[newIndex][j] - a[oldIndex][j]) / sd[j]) }
        }
        #expect(worst < 1e-9, "imputations differ by \(worst) sd")
    }

    @Test("permuting the columns permutes μ, Σ and the imputations; ℓ is unchanged")
    func columnPermutation() throws {
        let permutation = [2, 0, 3, 1]  // new column k is old column permutation[k]
        let permuted = Self.rows.map { row in permutation.map { row[$0] } }
        let permutedNames = permutation.map { Self.names[$0] }
        let base = try Self.fit(Self.rows), moved = try Self.fit(permuted, names: permutedNames)

        let sd = base.model.standardDeviations
        let expectedMean = permutation.map { base.mean[$0] }
        let baseCov = nested(base.covariance)
        let expectedCov = permutation.map { i in permutation.map { j in baseCov[i][j] } }
        #expect(maxRelativeDifference(moved.mean, expectedMean, floor: permutation.map { sd[$0] }) < 1e-10)
        #expect(maxScaledCovarianceDifference(nested(moved.covariance), expectedCov) < 1e-10)
        #expect(relativeDifference(moved.logLikelihood, base.logLikelihood) < 1e-12)
        #expect(moved.model.columnNames == permutedNames)

        let a = try Self.completed(base, Self.rows), b = try Self.completed(moved, permuted, names: permutedNames)
        var worst = 0.0
        for i in a.indices { for (k, j) in permutation.enumerated() { worst = max(worst, abs(b[i][k] - a[i][j]) / sd[j]) } }
        #expect(worst < 1e-9, "imputations differ by \(worst) sd")
    }

    @Test("x_j ↦ a + b·x_j maps μ, Σ and the imputations, and shifts ℓ by −n_obs,j log|b|",
          arguments: [(1, 7.5, -3.25), (2, -1000.0, 250.0), (0, 0.125, -1e-3)])
    func affineTransform(column j: Int, shift a: Double, factor b: Double) throws {
        let transformed = Self.rows.map { row in
            var r = row
            r[j] = a + b * row[j]  // NaN stays NaN
            return r
        }
        let base = try Self.fit(Self.rows), moved = try Self.fit(transformed)
        let p = 4

        var expectedMean = base.mean
        expectedMean[j] = a + b * base.mean[j]
        var expectedCov = nested(base.covariance)
        for k in 0..<p where k != j { expectedCov[j][k] *= b; expectedCov[k][j] *= b }
        expectedCov[j][j] *= b * b
        let sd = moved.model.standardDeviations
        #expect(maxRelativeDifference(moved.mean, expectedMean, floor: sd) < 1e-10)
        #expect(maxScaledCovarianceDifference(nested(moved.covariance), expectedCov) < 1e-10)
        // The correlation with the transformed column flips sign with b.
        let r0 = base.model.correlation, r1 = moved.model.correlation
        let k = (j + 1) % p
        #expect(abs(r1[j, k] - (b < 0 ? -1 : 1) * r0[j, k]) < 1e-10)

        let observedInColumn = Self.rows.filter { !$0[j].isNaN }.count
        let expectedLL = base.logLikelihood - Double(observedInColumn) * log(abs(b))
        #expect(relativeDifference(moved.logLikelihood, expectedLL) < 1e-11,
                "ℓ \(moved.logLikelihood) vs \(expectedLL)")

        let c0 = try Self.completed(base, Self.rows), c1 = try Self.completed(moved, transformed)
        var worst = 0.0
        for i in c0.indices {
            for col in 0..<p {
                let expected = col == j ? a + b * c0[i][col] : c0[i][col]
                worst = max(worst, abs(c1[i][col] - expected) / sd[col])
            }
        }
        #expect(worst < 1e-9, "imputations differ by \(worst) sd")
    }
}
