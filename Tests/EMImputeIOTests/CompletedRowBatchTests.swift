import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Pass 2 hands its consumers a batch of rows per range (`CompletedRowBatch`): a consumer that
/// reads batches must end in the state the same rows, handed over one at a time, leave.
@Suite("Completed rows in batches")
struct CompletedRowBatchTests {
    /// Random completed rows of 4 columns (some cells imputed, one row complete in 5), cut
    /// into batches of the given sizes.
    static func batches(sizes: [Int]) -> [CompletedRowBatch] {
        var generator = SplitMix64(seed: 21)
        var out: [CompletedRowBatch] = []
        var index = 0
        for size in sizes {
            var batch = CompletedRowBatch()
            batch.firstIndex = index
            batch.count = size
            batch.columnCount = 4
            for _ in 0..<size {
                for k in 0..<4 {
                    let v = Double(Int(generator.next() % 2000) - 1000) / 16
                    batch.values.append(v)
                    if index % 5 != 0, generator.next() % 3 == 0 {
                        batch.imputed.append(ImputedCell(row: index, column: k, value: v,
                                                         conditionalStandardDeviation: Double(generator.next() % 100) / 7))
                    }
                }
                batch.imputedStarts.append(batch.imputed.count)
                index += 1
            }
            out.append(batch)
        }
        return out
    }

    static let sizes = [3, 0, 1, 250, 17, 4000, 900]

    @Test func batchRowsAreTheRows() {
        let batch = Self.batches(sizes: [6])[0]
        for r in 0..<6 {
            let row = batch.row(r)
            #expect(row.index == r)
            #expect(row.values == Array(batch.values[(4 * r)..<(4 * r + 4)]))
            #expect(row.imputed.allSatisfy { $0.row == r })
        }
        #expect((0..<6).map { batch.row($0).imputed.count }.reduce(0, +) == batch.imputed.count)
    }

    @Test func columnDistributions() throws {
        let ranges = (0..<4).map { _ in ImputedValueAdjustment.ObservedRange(minimum: -50, maximum: 50, isAllIntegers: false) }
        let n = Self.sizes.reduce(0, +)
        let byRow = ColumnDistributions(ranges: ranges, valueCounts: [n, n, n, n])
        let byBatch = ColumnDistributions(ranges: ranges, valueCounts: [n, n, n, n])
        for batch in Self.batches(sizes: Self.sizes) {
            for r in 0..<batch.count { byRow.consume(batch.row(r)) }
            try byBatch.consumeRows(of: batch)
        }
        #expect(byBatch.histograms == byRow.histograms)
        #expect(byBatch.observedMoments == byRow.observedMoments)
        #expect(byBatch.imputedMoments == byRow.imputedMoments)
        #expect(byBatch.imputedCellCount == byRow.imputedCellCount)
        #expect(byBatch.imputedCellCount > 1000)
    }

    @Test func rowSample() throws {
        let names = ["a", "b", "c", "d"]
        let byRow = RowSample(columnNames: names, seed: 5), byBatch = RowSample(columnNames: names, seed: 5)
        for batch in Self.batches(sizes: Self.sizes) {
            for r in 0..<batch.count { byRow.consume(batch.row(r)) }
            try byBatch.consumeRows(of: batch)
        }
        let a = try #require(byRow.matrix), b = try #require(byBatch.matrix)
        #expect(a.rowCount == RowSample.capacity)
        #expect(sameValues(a.values, b.values))
        #expect(a.values.contains { $0.isNaN })
    }

    @Test func conditionalDeviationsFile() throws {
        func written(batched: Bool) throws -> String {
            let path = NSTemporaryDirectory() + "/emimpute-sd-\(UUID().uuidString).csv"
            let target = try OutputTarget.file(path)
            let writer = try ConditionalDeviationsWriter(target, columnNames: ["a", "b,c", "d", "e"])
            for batch in Self.batches(sizes: Self.sizes) {
                if batched { try writer.consumeRows(of: batch) } else { for r in 0..<batch.count { try writer.consume(batch.row(r)) } }
            }
            try target.commit()
            defer { unlink(path) }
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        let rows = try written(batched: false)
        #expect(try written(batched: true) == rows)
        #expect(rows.contains("\"b,c\""))
    }
}
