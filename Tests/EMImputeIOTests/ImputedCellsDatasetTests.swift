import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// On the bundled data sets, the typed cells of each engine hold the values the row-by-row
/// imputers give for the same cells, computed independently (one row at a time, no pattern
/// grouping), and the adjustment of cells is the writer's rule.
@Suite("Imputed cells on the bundled data sets")
struct ImputedCellsDatasetTests {
    static func table(_ name: String) throws -> LoadedTable {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Datasets/\(name)").path
        return try CSVLoader.load(path, options: CSVReadOptions())
    }

    /// Row `i` of `data`, NaN where missing.
    static func row(_ data: IncompleteMatrix, _ i: Int) -> [Double] {
        Array(data.values[(i * data.columnCount)..<((i + 1) * data.columnCount)])
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-10 * max(1, abs(b)) }

    @Test(arguments: ["airquality.csv", "penguins.csv"])
    func cellsAreTheRowByRowConditionalMeans(name: String) throws {
        let data = try Self.table(name).matrix
        try #require(data.missingCount > 0)
        let gaussian = try GaussianEM().fit(data)
        let t = try MultivariateTEM().fit(data)
        var mixtureOptions = GaussianMixtureOptions()
        mixtureOptions.components = 2
        let mixture = try GaussianMixtureEM(options: mixtureOptions).fit(data)
        let normal = ConditionalImputer(gaussian.model), location = ConditionalImputer(t.model.location)
        let mixtureImputer = GaussianMixtureImputer(mixture.model)
        var cellsSeen = 0
        for i in 0..<data.rowCount {
            let original = Self.row(data, i)
            guard original.contains(where: \.isNaN) else { continue }
            var byNormal = original, byT = original
            try normal.impute(row: &byNormal)
            try location.impute(row: &byT)
            let byMixture = try mixtureImputer.conditionalMoments(row: original)
            for j in original.indices where original[j].isNaN {
                cellsSeen += 1
                #expect(gaussian.imputedCells[row: i, column: j].map { Self.close($0, byNormal[j]) } == true, "normal, row \(i), column \(j)")
                #expect(t.imputedCells[row: i, column: j].map { Self.close($0, byT[j]) } == true, "t, row \(i), column \(j)")
                #expect(mixture.imputedCells[row: i, column: j].map { Self.close($0, byMixture.mean[j]) } == true, "mixture, row \(i), column \(j)")
            }
        }
        #expect(cellsSeen == data.missingCount)
        for cells in [gaussian.imputedCells, t.imputedCells, mixture.imputedCells] { #expect(cells.count == data.missingCount) }
    }

    @Test func adjustingCellsIsTheWritersRule() throws {
        let data = try Self.table("airquality.csv").matrix
        let fit = try GaussianEM().fit(data)
        let adjustment = ImputedValueAdjustment(data, roundIntegers: true, clampToObservedRange: true)
        let adjusted = try adjustment.adjusted(fit.imputedCells)
        #expect(adjusted.map { [$0.row, $0.column] } == fit.imputedCells.map { [$0.row, $0.column] })
        for (before, after) in zip(fit.imputedCells, adjusted) {
            #expect(after.value == adjustment.adjusted(before.value, column: before.column))
            let range = adjustment.observed[before.column]
            #expect(after.value >= range.minimum && after.value <= range.maximum)
        }
        #expect(adjusted != fit.imputedCells)  // airquality's Ozone and Solar.R are all integers
        let narrower = ImputedValueAdjustment(observed: Array(adjustment.observed.dropLast()), roundIntegers: true, clampToObservedRange: false)
        #expect(throws: ImputedValueAdjustment.ShapeError.columnCount(expected: data.columnCount - 1, found: data.columnCount)) {
            try narrower.adjusted(fit.imputedCells)
        }
    }
}
