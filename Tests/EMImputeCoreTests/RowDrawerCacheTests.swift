// The drawers of one imputation share its cache of pattern conditionals (across ranges and
// threads): what a row draws must not depend on which drawer draws it, in which order, or
// what the cache held before.

import EMImputeCore
import Foundation
import Testing

@Suite struct RowDrawerCacheTests {
    /// Every row's drawn cells, drawn by `drawer` in the order `rows`, keyed by row.
    static func draws(_ drawer: RowDrawer, data: IncompleteMatrix, rows: [Int]) throws -> [Int: [UInt64]] {
        let p = data.columnCount
        var out: [Int: [UInt64]] = [:]
        for i in rows {
            var row = Array(data.values[(i * p)..<((i + 1) * p)])
            _ = try drawer.draw(row: i, values: &row)
            out[i] = row.map(\.bitPattern)
        }
        return out
    }

    @Test("Two drawers of one draw, rows forward on one thread and backward on another at once, draw the same bits")
    func drawsDoNotDependOnTheSharedCache() throws {
        let data = MultipleImputationTests.data
        var options = EMOptions()
        options.seed = 11
        let draw = try MultipleImputation(count: 2, options: options).parameterDraws(data).draws[1]
        let rows = Array(0..<data.rowCount)
        let first = draw.rowDrawer()
        let other = Unchecked(drawer: draw.rowDrawer())
        let results = Results()
        let thread = Thread {
            do { results.backward = try Self.draws(other.drawer, data: data, rows: rows.reversed()) } catch { results.failure = error }
            results.done.signal()
        }
        thread.start()
        let forward = try Self.draws(first, data: data, rows: rows)
        results.done.wait()
        let backward = results.backward, failure = results.failure
        #expect(failure == nil)
        #expect(forward == backward)
        // And a fresh drawer, whose cache is already full of these patterns, once more.
        #expect(try Self.draws(draw.rowDrawer(), data: data, rows: rows) == forward)
        #expect(forward.values.contains { $0.contains { Double(bitPattern: $0).isNaN } } == false)
    }
}

/// A drawer handed to one other thread, used there only.
private struct Unchecked: @unchecked Sendable { let drawer: RowDrawer }

/// What the other thread drew; read after `done`.
private final class Results: @unchecked Sendable {
    var backward: [Int: [UInt64]] = [:]
    var failure: (any Error)?
    let done = DispatchSemaphore(value: 0)
}
