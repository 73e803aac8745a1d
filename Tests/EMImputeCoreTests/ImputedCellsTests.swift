import Foundation
import Testing
@testable import EMImputeCore

/// Imputations are typed cells: each value stored with its (row, column), put back by position.
@Suite("Imputed cells")
struct ImputedCellsTests {
    /// μ = (1, 2, 3); x₀ and x₁ correlate (cov 0.5), x₂ is independent of both.
    static func model() throws -> GaussianModel {
        try GaussianModel(columnNames: ["a", "b", "c"], mean: [1, 2, 3],
                          covariance: Matrix(rows: [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]]))
    }

    /// An irregular pattern: one cell in the middle, two at the start of a row, none, the last.
    static let data = try! IncompleteMatrix(
        rows: [[3, nil, 5], [nil, nil, 6], [7, 8, 9], [10, 11, nil]], columnNames: ["a", "b", "c"])

    @Test("each cell's position is the missing cell it imputes, and its value the hand-computed conditional mean")
    func positionsAndValuesByHand() throws {
        let cells = try Self.model().imputedCells(for: Self.data)
        // Row 0: E[b | a = 3] = 2 + 0.5·(3 − 1) = 3 (c is independent). Row 1: a, b given c only:
        // their means 1 and 2. Row 3: c independent of a and b: its mean 3.
        let expected = [ImputedCell(row: 0, column: 1, value: 3), ImputedCell(row: 1, column: 0, value: 1),
                        ImputedCell(row: 1, column: 1, value: 2), ImputedCell(row: 3, column: 2, value: 3)]
        #expect(cells.count == 4)
        for (cell, want) in zip(cells, expected) {
            #expect(cell.row == want.row && cell.column == want.column)
            #expect(abs(cell.value - want.value) < 1e-12)
            #expect(cell.conditionalStandardDeviation == nil)
        }
        #expect(cells[row: 0, column: 1].map { abs($0 - 3) < 1e-12 } == true)
        #expect(cells[row: 0, column: 0] == nil)   // observed
        #expect(cells[row: 2, column: 1] == nil)   // a complete row
        #expect(cells[row: 4, column: 0] == nil && cells[row: 0, column: -1] == nil)  // outside
        let completed = try cells.completing(Self.data)
        #expect(abs(completed[0, 1] - 3) < 1e-12 && completed[1, 0] == cells[row: 1, column: 0])
        #expect(completed[2, 2] == 9 && completed[3, 1] == 11)
    }

    @Test("completing refuses a matrix whose missing cells differ, with a typed error naming the cell")
    func completingRefusesOtherMissingCells() throws {
        let cells = try Self.model().imputedCells(for: Self.data)
        // Row 0's middle cell observed, its last missing: the first disagreement is (0, 1).
        let moved = try IncompleteMatrix(rows: [[3, 4, nil], [nil, nil, 6], [7, 8, 9], [10, 11, nil]], columnNames: ["a", "b", "c"])
        #expect(throws: DataError.imputedCellObserved(row: 0, column: 1)) { try cells.completing(moved) }
        // One more missing cell (row 2), the others as fitted.
        let extra = try IncompleteMatrix(rows: [[3, nil, 5], [nil, nil, 6], [7, 8, nil], [10, 11, nil]], columnNames: ["a", "b", "c"])
        #expect(throws: DataError.missingCellNotImputed(row: 2, column: 2)) { try cells.completing(extra) }
        let wider = try IncompleteMatrix(rows: [[3, nil, 5, 1], [nil, nil, 6, 1], [7, 8, 9, 1], [10, 11, nil, 1]])
        #expect(throws: DataError.shapeMismatch(rowCount: 4, columnCount: 4, expectedRowCount: 4, expectedColumnCount: 3)) {
            try cells.completing(wider)
        }
        // The same check guards a summary built from the cells.
        #expect(throws: DataError.imputedCellObserved(row: 0, column: 1)) { try CompletedDataSummary(moved, imputedCells: cells) }
    }

    @Test("a fit refuses data with the same missing cells but other observed values (the fingerprint)")
    func fitRefusesOtherObservedValues() throws {
        let rows = mcarDataset(n: 60, p: 3, rate: 0.2, seed: 1207)
        let data = try incomplete(rows)
        let fit = try GaussianEM().fit(data)
        var other = data
        let observed = try #require(data.values.firstIndex { !$0.isNaN })
        try other.setCell(row: observed / 3, column: observed % 3, to: data.values[observed] + 1)
        #expect(throws: DataError.notTheFittedData) { try fit.completed(other) }
        _ = try fit.imputedCells.completing(other)  // positions alone cannot tell
    }

    @Test("cells from parts: sorted by (row, column); out of range, repeated and non-finite cells are typed errors")
    func cellsFromParts() throws {
        let cells = try ImputedCells(rowCount: 3, columnCount: 2, cells: [
            ImputedCell(row: 2, column: 0, value: 5), ImputedCell(row: 0, column: 1, value: 7, conditionalStandardDeviation: 1),
        ])
        #expect(cells.map { [$0.row, $0.column] } == [[0, 1], [2, 0]])
        #expect(!cells.hasConditionalStandardDeviations)
        #expect(cells[row: 2, column: 0] == 5 && cells[row: 0, column: 1] == 7)
        #expect(throws: DataError.cellOutOfRange(row: 3, column: 0, rowCount: 3, columnCount: 2)) {
            try ImputedCells(rowCount: 3, columnCount: 2, cells: [ImputedCell(row: 3, column: 0, value: 1)])
        }
        #expect(throws: DataError.repeatedCell(row: 1, column: 1)) {
            try ImputedCells(rowCount: 3, columnCount: 2, cells: [ImputedCell(row: 1, column: 1, value: 1), ImputedCell(row: 1, column: 1, value: 2)])
        }
        #expect(throws: DataError.nonFiniteImputedValue(row: 0, column: 0)) {
            try ImputedCells(rowCount: 3, columnCount: 2, cells: [ImputedCell(row: 0, column: 0, value: .nan)])
        }
        let doubled = cells.mapValues { $0.value * 2 }
        #expect(doubled.map(\.value) == [14, 10] && doubled.map(\.row) == cells.map(\.row))
    }

    @Test("every engine's cells are exactly the missing cells of an irregular pattern; the mixture's carry SDs")
    func everyEngineCoversTheMissingCells() throws {
        let rows = mcarDataset(n: 80, p: 4, rate: 0.25, seed: 1208)
        let data = try incomplete(rows)
        let missing = Set(data.values.indices.filter { data.values[$0].isNaN })
        func positions(_ cells: ImputedCells) -> Set<Int> { Set(cells.map { $0.row * 4 + $0.column }) }
        let gaussian = try GaussianEM().fit(data)
        let mixture = try GaussianMixtureEM().fit(data)
        let t = try MultivariateTEM().fit(data)
        for cells in [gaussian.imputedCells, mixture.imputedCells, t.imputedCells] {
            #expect(cells.count == missing.count && positions(cells) == missing)
            #expect(zip(cells, cells.dropFirst()).allSatisfy { ($0.row, $0.column) < ($1.row, $1.column) })
        }
        #expect(mixture.imputedCells.hasConditionalStandardDeviations)
        #expect(mixture.imputedCells.allSatisfy { ($0.conditionalStandardDeviation ?? -1) > 0 })
        // The mixture's SD of each cell is conditionalMoments' for its row.
        for cell in mixture.imputedCells.prefix(5) {
            let moments = try mixture.model.conditionalMoments(row: Array(data.values[(cell.row * 4)..<(cell.row * 4 + 4)]))
            #expect(abs(moments.mean[cell.column] - cell.value) <= 1e-12 * max(1, abs(cell.value)))
            #expect(abs(moments.standardDeviation[cell.column] - cell.conditionalStandardDeviation!) <= 1e-12 * max(1, moments.standardDeviation[cell.column]))
        }
    }

    @Test("multiple imputation: each imputation's cells land on the missing cells, and completed() puts them there")
    func multipleImputationCellsLandOnTheMissingCells() throws {
        let rows = mcarDataset(n: 70, p: 3, rate: 0.2, seed: 1209)
        let data = try incomplete(rows)
        var options = EMOptions()
        options.seed = 12
        let result = try MultipleImputation(count: 3, options: options).impute(data)
        let missing = data.values.indices.filter { data.values[$0].isNaN }
        let completed = try result.completed(data)
        for (imputation, matrix) in zip(result.imputations, completed) {
            #expect(imputation.imputedCells.map { $0.row * 3 + $0.column } == missing)
            for cell in imputation.imputedCells { #expect(matrix[cell.row, cell.column] == cell.value) }
            // The summary from the cells is the summary of the completed matrix.
            let summary = try CompletedDataSummary(data, imputedCells: imputation.imputedCells)
            let direct = CompletedDataSummary(matrix)
            #expect(maxRelativeDifference(summary.means, direct.means) < 1e-12)
            #expect(maxRelativeDifference(summary.standardDeviations, direct.standardDeviations) < 1e-12)
        }
        #expect(throws: DataError.self) { try result.imputations[0].imputedCells.completing(try incomplete(mcarDataset(n: 70, p: 3, rate: 0.2, seed: 1210))) }
    }
}
