// Properties of the multiple-imputation engine and the pooler that hold by construction:
// determinism across thread counts, observed cells untouched, M ≥ 2, draws that vary, and
// pooling arithmetic on a hand-computed case.

import EMImputeCore
import Foundation
import Testing

@Suite struct MultipleImputationTests {
    static let data = MultipleImputationCoverageTests.replicate(7)

    @Test("Imputations are bit-identical for 1, 2 and 5 threads")
    func threadCountDoesNotMatter() throws {
        var results: [[[Double]]] = []
        for threads in [1, 2, 5] {
            var options = EMOptions()
            options.threads = threads
            options.seed = 42
            results.append(try MultipleImputation(count: 5, options: options).impute(Self.data).imputations.map { $0.imputedCells.map(\.value) })
        }
        #expect(results[0].flatMap { $0.map(\.bitPattern) } == results[1].flatMap { $0.map(\.bitPattern) })
        #expect(results[0].flatMap { $0.map(\.bitPattern) } == results[2].flatMap { $0.map(\.bitPattern) })
    }

    @Test("Observed cells are kept, imputations differ from each other and from the conditional means, the seed matters")
    func drawsVary() throws {
        var options = EMOptions()
        options.seed = 3
        let result = try MultipleImputation(count: 3, options: options).impute(Self.data)
        let completed = try result.completed(Self.data)
        for matrix in completed {
            for k in Self.data.values.indices where !Self.data.values[k].isNaN { #expect(matrix.storage[k] == Self.data.values[k]) }
        }
        #expect(result.imputations[0].imputedCells != result.imputations[1].imputedCells)
        #expect(result.imputations[0].imputedCells != result.fit.imputedCells)
        #expect(result.meanSpread[2] > 0)
        options.seed = 4
        let other = try MultipleImputation(count: 3, options: options).impute(Self.data)
        #expect(other.imputations[0].imputedCells != result.imputations[0].imputedCells)
    }

    @Test("One imputation is refused: it is not multiple imputation")
    func singleImputationRefused() {
        #expect(throws: MultipleImputationError.invalidCount(1)) { try MultipleImputation(count: 1).impute(Self.data) }
        #expect(throws: PoolingError.tooFewImputations(1)) { try RubinPooling.pool(estimates: [1], variances: [1]) }
    }

    @Test("A fit of other data, or options out of range, are errors, not traps")
    func misuseThrows() throws {
        let other = MultipleImputationCoverageTests.replicate(8)
        let fit = try GaussianEM().fit(other)
        #expect(throws: DataError.notTheFittedData) { try MultipleImputation(count: 2).impute(Self.data, fit: fit) }
        var options = EMOptions()
        options.maxIterations = 0
        #expect(throws: EMOptionsError.self) {
            try MultipleImputation(count: 2, options: options).impute(Self.data, fit: try GaussianEM().fit(Self.data))
        }
        #expect(throws: MultipleImputationError.boundsCountMismatch(bounds: 1, columns: 3)) {
            try MultipleImputation(count: 2, bounds: [nil]).impute(Self.data)
        }
    }

    @Test("Bounded draws stay inside their bounds")
    func boundedDraws() throws {
        let bounds: [ClosedRange<Double>?] = [nil, 0.5...2.0, 1.5...2.5]
        let result = try MultipleImputation(count: 2, bounds: bounds).impute(Self.data)
        for matrix in try result.completed(Self.data) {
            for i in 0..<matrix.rowCount {
                if Self.data.isMissing(row: i, column: 1) { #expect(bounds[1]!.contains(matrix[i, 1])) }
                if Self.data.isMissing(row: i, column: 2) { #expect(bounds[2]!.contains(matrix[i, 2])) }
            }
        }
        #expect(result.imputations.allSatisfy { $0.redrawnCells > 0 })
    }

    @Test("Rubin's rules on a hand-computed case")
    func handComputed() throws {
        // Q = 1, 2, 3; U = 0.5 each: Q̄ = 2, Ū = 0.5, B = 1, T = 0.5 + 4/3; r = (4/3)/0.5.
        let p = try RubinPooling.pool(estimates: [1, 2, 3], variances: [0.5, 0.5, 0.5])
        #expect(p.estimate == 2)
        #expect(abs(p.totalVariance - (0.5 + 4.0 / 3)) < 1e-15)
        #expect(abs(p.relativeIncreaseInVariance - 8.0 / 3) < 1e-14)
        let lambda = (4.0 / 3) / (0.5 + 4.0 / 3)
        #expect(abs(p.degreesOfFreedom - 2 / (lambda * lambda)) < 1e-12)  // ν_com = ∞: ν = (M − 1)/λ²
        // Fisher's z: identical correlations pool to themselves, with B = 0.
        let r = try RubinPooling.poolCorrelation([0.3, 0.3], rowCount: 103)
        #expect(abs(r.estimate - 0.3) < 1e-15)
        #expect(r.betweenVariance == 0)
        #expect(abs(r.totalVariance - 0.01) < 1e-15)
    }
}
