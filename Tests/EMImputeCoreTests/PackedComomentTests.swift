@testable import EMImputeCore
import Foundation
import Testing

/// `PatternGroupStatistics` stores a comoment as its upper triangle while it is exactly
/// symmetric: every reader must see the bits the full matrix of Welford's and Chan's formulas
/// would hold (the estimates of a fit must not move by one bit).
@Suite("Packed comoments")
struct PackedComomentTests {
    /// Welford on the full matrix, each new upper entry written to its mirror (the storage
    /// before packing), from first principles.
    private static func fullWelford(_ rows: [[Double]]) -> (count: Int, mean: [Double], comoment: [Double]) {
        let o = rows[0].count
        var mean = [Double](repeating: 0, count: o), c = [Double](repeating: 0, count: o * o)
        var delta = [Double](repeating: 0, count: o)
        for (i, x) in rows.enumerated() {
            let n = Double(i + 1)
            for a in 0..<o { delta[a] = x[a] - mean[a]; mean[a] += delta[a] / n }
            let w = (n - 1) / n
            for a in 0..<o {
                let wa = w * delta[a]
                c[a * o + a] += wa * delta[a]
                for b in (a + 1)..<o {
                    let v = c[a * o + b] + wa * delta[b]
                    c[a * o + b] = v
                    c[b * o + a] = v
                }
            }
        }
        return (rows.count, mean, c)
    }

    /// Chan et al.'s merge of two full matrices, entry by entry as `merge` computes it.
    private static func fullChan(_ x: (count: Int, mean: [Double], comoment: [Double]),
                                 _ y: (count: Int, mean: [Double], comoment: [Double])) -> (count: Int, mean: [Double], comoment: [Double]) {
        let o = x.mean.count
        let na = Double(x.count), nb = Double(y.count), n = na + nb, w = na * nb / n
        var mean = x.mean, c = x.comoment, delta = [Double](repeating: 0, count: o)
        for a in 0..<o { delta[a] = y.mean[a] - mean[a]; mean[a] += delta[a] * nb / n }
        for a in 0..<o {
            let wa = w * delta[a]
            for b in 0..<o { c[a * o + b] += y.comoment[a * o + b] + wa * delta[b] }
        }
        return (x.count + y.count, mean, c)
    }

    private static func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }

    private static func rows(_ n: Int, _ p: Int, seed: UInt64, offset: Double) -> [[Double]] {
        gaussianSample(n: n, p: p, seed: seed).map { $0.map { 1000 + offset + 37 * $0 } }
    }

    @Test("Welford's packed triangle holds the bits of the full matrix, mirror included")
    func welfordIsPacked() throws {
        let rows = Self.rows(500, 7, seed: 3, offset: 0)
        var statistics = PatternStatistics(columnNames: (0..<7).map { "x\($0)" }, rowLimit: .never)
        for row in rows { try statistics.add(row: row) }
        let group = try #require(statistics.groups.values.first)
        let reference = Self.fullWelford(rows)
        #expect(group.comomentIsPacked)
        #expect(group.storedComoment?.count == 7 * 8 / 2)
        #expect(Self.bits(group.mean!) == Self.bits(reference.mean))
        #expect(Self.bits(group.comoment!) == Self.bits(reference.comoment))
        #expect(Self.bits(group.moments.comoment) == Self.bits(reference.comoment))
        for a in 0..<7 { for b in 0..<7 { #expect(group.comomentEntry(a, b).bitPattern == reference.comoment[a * 7 + b].bitPattern) } }
    }

    @Test("after Chan's merge the full matrix is kept, with the merge's bits in both triangles")
    func chanKeepsTheFullMatrix() throws {
        let first = Self.rows(300, 6, seed: 4, offset: 0), second = Self.rows(200, 6, seed: 5, offset: 250)
        let names = (0..<6).map { "x\($0)" }
        var a = PatternStatistics(columnNames: names, rowLimit: .never), b = a
        for row in first { try a.add(row: row) }
        for row in second { try b.add(row: row) }
        try a.merge(b)
        let group = try #require(a.groups.values.first)
        let reference = Self.fullChan(Self.fullWelford(first), Self.fullWelford(second))
        #expect(Self.bits(group.comoment!) == Self.bits(reference.comoment))
        #expect(Self.bits(group.mean!) == Self.bits(reference.mean))
        // The control: the two triangles of this merge differ somewhere, so packing would lose bits.
        var asymmetric = false
        for x in 0..<6 {
            for y in (x + 1)..<6 where reference.comoment[x * 6 + y] != reference.comoment[y * 6 + x] { asymmetric = true }
        }
        #expect(asymmetric)
        #expect(!group.comomentIsPacked)
        // Rows added after the merge write each upper entry to its mirror again, as in full.
        let third = Self.rows(50, 6, seed: 6, offset: -90)
        for row in third { try a.add(row: row) }
        var full = reference
        for x in third {
            let n = Double(full.count + 1), w = (n - 1) / n
            var delta = [Double](repeating: 0, count: 6)
            for j in 0..<6 { delta[j] = x[j] - full.mean[j]; full.mean[j] += delta[j] / n }
            for i in 0..<6 {
                let wa = w * delta[i]
                full.comoment[i * 6 + i] += wa * delta[i]
                for j in (i + 1)..<6 { let v = full.comoment[i * 6 + j] + wa * delta[j]; full.comoment[i * 6 + j] = v; full.comoment[j * 6 + i] = v }
            }
            full.count += 1
        }
        #expect(Self.bits(a.groups.values.first!.comoment!) == Self.bits(full.comoment))
    }

    @Test("the JSON format is unchanged: full matrices out, the same statistics back")
    func jsonRoundTrip() throws {
        let data = try incomplete(mcarDataset(n: 2_000, p: 6, rate: 0.2, seed: 21))
        var total = PatternStatistics(columnNames: data.columnNames)
        // Two batches, so that frequent patterns are merged (full) and others are not (packed).
        let half = data.rowCount / 2, p = data.columnCount
        var second = PatternStatistics(columnNames: data.columnNames)
        for i in 0..<data.rowCount {
            let row = Array(data.values[(i * p)..<((i + 1) * p)])
            if i < half { try total.add(row: row) } else { try second.add(row: row) }
        }
        try total.merge(second)
        #expect(total.groups.values.contains { $0.mean != nil && $0.comomentIsPacked })
        #expect(total.groups.values.contains { $0.mean != nil && !$0.comomentIsPacked && $0.observedCount > 1 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(total)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        for group in try #require(object["groups"] as? [[String: Any]]) {
            guard let comoment = group["comoment"] as? [[Double]] else { continue }
            #expect(comoment.allSatisfy { $0.count == comoment.count })
        }
        let back = try JSONDecoder().decode(PatternStatistics.self, from: json)
        #expect(back == total)
        for (pattern, group) in total.groups where group.mean != nil {
            #expect(Self.bits(back.groups[pattern]!.comoment!) == Self.bits(group.comoment!))
        }
        #expect(try encoder.encode(back) == json)
    }

    @Test("marginalising and rescaling keep the bits of the full matrix")
    func keepingColumnsAndRescaling() throws {
        let rows = Self.rows(400, 5, seed: 8, offset: 3)
        var statistics = PatternStatistics(columnNames: (0..<5).map { "x\($0)" }, rowLimit: .never)
        for row in rows { try statistics.add(row: row) }
        let kept = statistics.keepingColumns([0, 2, 3])
        let reference = Self.fullWelford(rows).comoment
        let expected = [0, 2, 3].flatMap { a in [0, 2, 3].map { b in reference[a * 5 + b] } }
        let group = try #require(kept.groups.values.first)
        #expect(group.comomentIsPacked)
        #expect(Self.bits(group.comoment!) == Self.bits(expected))
        var scaled = try #require(statistics.groups.values.first)
        let factor = [1, 0x1p10, 0.25, 1, 0x1p-7]
        scaled.rescale(by: factor)
        let expectedScaled = (0..<25).map { reference[$0] * (factor[$0 / 5] * factor[$0 % 5]) }
        #expect(Self.bits(scaled.comoment!) == Self.bits(expectedScaled))
    }
}
