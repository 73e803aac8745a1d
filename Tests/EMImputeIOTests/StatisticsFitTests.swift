import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Fits on statistics read by pass 1 against fits on the rows: merged batches, the
/// concatenated file, and the row-wise engine on the loaded matrix.
@Suite("Fit on read statistics")
struct StatisticsFitTests {
    /// Two seeded batches with ~15% of cells missing at random and correlated columns.
    static func batch(rows: Int, seed: UInt64, header: Bool) -> String {
        var g = SplitMix64(seed: seed)
        var csv = header ? "a,b,c,d\n" : ""
        for _ in 0..<rows {
            let z = (0..<4).map { _ in Double(Int.random(in: -100_000...100_000, using: &g)) / 50_000 }
            let x = [z[0] + 10, 0.8 * z[0] + 0.6 * z[1] - 3, z[2] * 4 + z[1], 0.5 * z[3] - z[0] + 100]
            csv += x.map { v in Int.random(in: 0..<100, using: &g) < 15 ? "NA" : "\(v)" }.joined(separator: ",") + "\n"
        }
        return csv
    }

    static func expectRelativelyClose(_ x: [Double], _ y: [Double], _ tolerance: Double, _ what: String,
                                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(x.count == y.count, sourceLocation: sourceLocation)
        let scale = max(1e-300, (x + y).map(abs).max() ?? 0)
        let gap = zip(x, y).map { abs($0 - $1) }.max() ?? 0
        #expect(gap <= tolerance * scale, "\(what): \(gap / scale) relative", sourceLocation: sourceLocation)
    }

    /// Merged statistics of two batches fit like the concatenated data (statistics of the
    /// concatenated file, and the row-wise engine on its loaded matrix): μ, Σ and ℓ to 1e-10.
    @Test func mergedBatchesFitAsTheConcatenatedData() throws {
        let monday = Self.batch(rows: 700, seed: 21, header: true)
        let tuesday = Self.batch(rows: 450, seed: 22, header: false)
        var merged = try CSVStatisticsReader.read(temporaryFile(monday), options: CSVReadOptions(), threads: 2, chunkSize: 4096)
        try merged.merge(try CSVStatisticsReader.read(temporaryFile("a,b,c,d\n" + tuesday), options: CSVReadOptions(), threads: 1, chunkSize: 1000))
        let both = temporaryFile(monday + tuesday)
        let whole = try CSVStatisticsReader.read(both)
        var options = EMOptions()
        options.tolerance = 1e-12
        let em = GaussianEM(options: options)
        let fits = [try em.fit(merged.statistics), try em.fit(whole.statistics), try em.fit(try CSVLoader.load(both).matrix)]
        #expect(merged.rowCount == 1150)
        for other in fits.dropFirst() {
            Self.expectRelativelyClose(fits[0].mean, other.mean, 1e-10, "μ")
            Self.expectRelativelyClose(fits[0].covariance.rows.flatMap { $0 }, other.covariance.rows.flatMap { $0 }, 1e-10, "Σ")
            Self.expectRelativelyClose([fits[0].logLikelihood], [other.logLikelihood], 1e-10, "ℓ")
        }
    }

    /// A text column, marginalised out at the end of pass 1, leaves the fit of the numeric
    /// columns as the loader's matrix gives it.
    @Test func textColumnsDoNotChangeTheFit() throws {
        let path = StatisticsReaderTests.dataset("penguins.csv")
        let statistics = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: 1024)
        #expect(statistics.columns.contains { $0.kind == .text })
        var options = EMOptions()
        options.tolerance = 1e-12
        let a = try GaussianEM(options: options).fit(statistics.statistics)
        let b = try GaussianEM(options: options).fit(try CSVLoader.load(path).matrix)
        Self.expectRelativelyClose(a.mean, b.mean, 1e-10, "μ")
        Self.expectRelativelyClose(a.covariance.rows.flatMap { $0 }, b.covariance.rows.flatMap { $0 }, 1e-10, "Σ")
        Self.expectRelativelyClose([a.logLikelihood], [b.logLikelihood], 1e-10, "ℓ")
    }

    /// The report's observed moments, pooled over patterns, are those of the observed cells.
    @Test func reportedObservedMomentsAreTheCells() throws {
        let path = temporaryFile(Self.batch(rows: 300, seed: 5, header: true))
        let statistics = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: 512)
        let table = try CSVLoader.load(path)
        let p = table.matrix.columnCount
        for (j, x) in statistics.observedMoments.enumerated() {
            // Two-pass mean and standard deviation of the column's observed cells.
            let cells = (0..<table.matrix.rowCount).map { table.matrix.values[$0 * p + j] }.filter { !$0.isNaN }
            let mean = cells.reduce(0, +) / Double(cells.count)
            let sd = (cells.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(cells.count - 1)).squareRoot()
            Self.expectRelativelyClose([x.mean!, x.standardDeviation!], [mean, sd], 1e-12, "moments")
        }
    }
}

/// The loader's statistics are pass 1's, bit for bit, on a file of many ranges.
@Suite("Loaded table statistics")
struct LoadedTableStatisticsTests {
    /// Fails if the loader's range rows were not pass 1's ranges (the merge order and the
    /// groups merged would differ in the last bits), or if a text column's marginalisation
    /// rounded the moments (merging into an empty group).
    @Test func tableStatisticsArePassOnesBitForBit() throws {
        var csv = "x,note,y,z\n"
        var g = SplitMix64(seed: 31)
        for i in 0..<120_000 {
            let x = Double(Int.random(in: -99_999...99_999, using: &g)) / 1000
            let y = Int.random(in: 0..<6, using: &g) == 0 ? "" : "\(x * 0.3 + Double(Int.random(in: 0...999, using: &g)) / 7)"
            let z = Int.random(in: 0..<9, using: &g) == 0 ? "NA" : "\(Double(i % 97) / 3)"
            csv += "\(x),\"t\(i)\",\(y),\(z)\n"
        }
        let path = temporaryFile(csv)
        let table = try CSVLoader.load(path)
        #expect(table.rangeStarts.count >= 1)
        let read = try CSVStatisticsReader.read(path, threads: 2)
        #expect(table.statistics == read.statistics)
    }
}
