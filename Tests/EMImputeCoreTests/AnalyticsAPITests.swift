import EMImputeCore
import Testing

/// The small conveniences analytics code asks for (issue #12): option defaults, cell access,
/// per-cell conditional standard deviations, the identifier warning.
@Suite("analytics API")
struct AnalyticsAPITests {
    @Test func optionsWithSomeFieldsKeepTheDefaultsForTheRest() {
        let o = EMOptions(tolerance: 1e-10)
        var expected = EMOptions()
        expected.tolerance = 1e-10
        #expect(o == expected)
        #expect(EMOptions(maxIterations: 5, ridge: 2).maxIterations == 5)
    }

    @Test func cellsCanBeReadByRowAndSet() throws {
        var data = try IncompleteMatrix(rows: [[1, nil], [3, 4]], columnNames: ["a", "b"])
        #expect(data.row(0) == [1, nil])
        try data.setCell(row: 0, column: 1, to: 2)
        try data.setCell(row: 1, column: 0, to: nil)
        #expect(data.row(0) == [1, 2] && data.row(1) == [nil, 4])
        #expect(throws: DataError.infiniteValue(row: 1, column: 1)) { try data.setCell(row: 1, column: 1, to: .infinity) }
        #expect(data[1, 1] == 4)
    }

    @Test func conditionalStandardDeviationsAsAMatrix() throws {
        let rows = mcarDataset(n: 200, p: 4, rate: 0.25, seed: 61)
        let data = try incomplete(rows, names: ["a", "b", "c", "d"])
        let model = try GaussianEM().fit(data).model
        let sd = try model.conditionalStandardDeviations(data)
        let sigma = nested(model.covariance)
        for i in 0..<data.rowCount {
            let missing = (0..<4).filter { rows[i][$0].isNaN }, observed = (0..<4).filter { !rows[i][$0].isNaN }
            // Direct: Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om.
            var conditional = submatrix(sigma, missing, missing)
            if !observed.isEmpty {
                let inverse = try #require(naiveInverse(submatrix(sigma, observed, observed)))
                let correction = matMul(matMul(submatrix(sigma, missing, observed), inverse.inverse), submatrix(sigma, observed, missing))
                for a in missing.indices { for b in missing.indices { conditional[a][b] -= correction[a][b] } }
            }
            for j in 0..<4 {
                let expected = missing.firstIndex(of: j).map { conditional[$0][$0].squareRoot() } ?? 0
                #expect(abs(sd[i, j] - expected) <= 1e-10 * max(1, expected), "row \(i) column \(j)")
            }
        }
        // Columns in another order are matched by name.
        let reordered = try incomplete(rows.map { [$0[2], $0[0], $0[3], $0[1]] }, names: ["c", "a", "d", "b"])
        let sd2 = try model.conditionalStandardDeviations(reordered)
        for i in 0..<data.rowCount { #expect(sd2[i, 0] == sd[i, 2] && sd2[i, 1] == sd[i, 0]) }
    }

    @Test func anIdentifierColumnIsFlagged() throws {
        var rows = mcarDataset(n: 60, p: 3, rate: 0.1, seed: 71).enumerated().map { [Double(10_000 + $0.offset)] + $0.element }
        let flagged = try GaussianEM().fit(try incomplete(rows, names: ["id", "x", "y", "z"]))
        #expect(flagged.warnings.filter { $0.code == .identifierLikeColumn } == [.identifierLikeColumn(column: "id", rows: 60)])
        // A repeated value, or too few rows to tell, is no identifier.
        rows[5][0] = rows[4][0]
        let repeated = try GaussianEM().fit(try incomplete(rows, names: ["id", "x", "y", "z"]))
        #expect(!repeated.warnings.contains { $0.code == .identifierLikeColumn })
        let few = try GaussianEM().fit(try incomplete(Array(rows.prefix(12)).enumerated().map { [Double($0.offset)] + $0.element.dropFirst() },
                                                      names: ["id", "x", "y", "z"]))
        #expect(!few.warnings.contains { $0.code == .identifierLikeColumn })
    }
}
