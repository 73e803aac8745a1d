import EMImputeCore
import Foundation
import Testing

/// The E-step reads the kept rows of rare patterns through a `KeptRowStorage` (issue #13,
/// memory): moved out of the statistics to another storage, they give the same fit, bit for
/// bit, and they come back unchanged.
@Suite("Kept rows read from a storage")
struct KeptRowStorageTests {
    /// A storage outside the statistics: the cells handed over by `moveKeptRows(to:)`.
    final class CopiedRows: KeptRowStorage, @unchecked Sendable {
        var cells: [Double] = []
        var cellCount: Int { cells.count }
        func readCells(_ range: Range<Int>, into buffer: UnsafeMutablePointer<Double>) {
            cells.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress! + range.lowerBound, count: range.count) }
        }
    }

    static func statistics(rowLimit: PatternStatistics.RowLimit) throws -> PatternStatistics {
        // 30% MCAR over 7 columns: many patterns of one to a few rows (kept), some large ones.
        PatternStatistics(try incomplete(mcarDataset(n: 600, p: 7, rate: 0.3, seed: 21)), rowLimit: rowLimit)
    }

    static func options(threads: Int) -> EMOptions {
        var o = EMOptions()
        o.tolerance = 1e-10
        o.threads = threads
        return o
    }

    @Test("a fit reading the kept rows from another storage is bit-identical", arguments: [
        (PatternStatistics.RowLimit.automatic, 1), (.automatic, 2), (.always, 1), (.always, 2),
    ])
    func sameFit(limit: PatternStatistics.RowLimit, threads: Int) throws {
        let original = try Self.statistics(rowLimit: limit)
        #expect(original.keptCellCount > 0)
        var moved = original
        let storage = CopiedRows()
        moved.moveKeptRows { storage.cells.append(contentsOf: $0) }
        #expect(moved.keptRowsAreElsewhere)
        #expect(storage.cellCount == original.keptCellCount)
        // The groups no longer hold the cells.
        #expect(moved.groups.values.allSatisfy { !$0.keepsRows || $0.rows!.isEmpty })

        let a = try GaussianEM(options: Self.options(threads: threads)).fit(original)
        let b = try GaussianEM(options: Self.options(threads: threads)).fit(moved, keptRows: storage)
        #expect(a.mean == b.mean)
        #expect(a.covariance.storage == b.covariance.storage)
        #expect(a.logLikelihood == b.logLikelihood)
        #expect(a.iterations == b.iterations)
    }

    @Test("the E-step reads the storage: other cells there give another fit (control)")
    func storageIsRead() throws {
        var moved = try Self.statistics(rowLimit: .always)
        let storage = CopiedRows()
        moved.moveKeptRows { storage.cells.append(contentsOf: $0) }
        let a = try GaussianEM(options: Self.options(threads: 1)).fit(moved, keptRows: storage)
        for k in stride(from: 0, to: storage.cells.count, by: 5) { storage.cells[k] += 1 }
        let b = try GaussianEM(options: Self.options(threads: 1)).fit(moved, keptRows: storage)
        #expect(a.mean != b.mean)
    }

    @Test("moving the kept rows out and back restores the statistics")
    func roundTrip() throws {
        let original = try Self.statistics(rowLimit: .automatic)
        var moved = original
        let storage = CopiedRows()
        moved.moveKeptRows { storage.cells.append(contentsOf: $0) }
        #expect(moved != original)
        try moved.restoreKeptRows(from: storage)
        #expect(!moved.keptRowsAreElsewhere)
        #expect(moved == original)
    }

    @Test("a storage of other statistics, or none, is refused with a typed error")
    func wrongStorage() throws {
        var moved = try Self.statistics(rowLimit: .automatic)
        let storage = CopiedRows()
        moved.moveKeptRows { storage.cells.append(contentsOf: $0) }
        let short = CopiedRows()
        short.cells = Array(storage.cells.dropLast())
        #expect(throws: DataError.keptRowsDiffer(cells: short.cellCount, expected: storage.cellCount)) {
            try GaussianEM().fit(moved, keptRows: short)
        }
        #expect(throws: DataError.keptRowsDiffer(cells: 0, expected: storage.cellCount)) {
            try GaussianEM().fit(moved)
        }
        #expect(throws: DataError.keptRowsDiffer(cells: short.cellCount, expected: storage.cellCount)) {
            try moved.restoreKeptRows(from: short)
        }
    }

    @Test("KeptRowsInMemory reads any range across groups")
    func inMemoryRanges() throws {
        let statistics = try Self.statistics(rowLimit: .automatic)
        let all = statistics.keptRowPatterns.flatMap { statistics.groups[$0]!.rows! }
        let storage = KeptRowsInMemory(statistics)
        #expect(storage.cellCount == all.count)
        var buffer = [Double](repeating: 0, count: all.count)
        for (lo, hi) in [(0, all.count), (3, 40), (all.count - 7, all.count), (11, 11)] {
            buffer.withUnsafeMutableBufferPointer { storage.readCells(lo..<hi, into: $0.baseAddress!) }
            #expect(Array(buffer[0..<(hi - lo)]) == Array(all[lo..<hi]))
        }
    }
}
