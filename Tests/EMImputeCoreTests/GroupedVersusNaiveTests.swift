// Issue item 5: the pattern-grouped E-step and ℓ must agree with a literal row-by-row
// computation, on data wide enough (p = 45) that a pattern does not fit in 32 bits, and with
// almost every row having its own pattern. Imputations must be the conditional means.

import EMImputeCore
import Foundation
import Testing

@Suite("Grouped computation versus naive row-by-row computation")
struct GroupedVersusNaiveTests {
    static let p = 45
    static let rows: [[Double]] = {
        var r = mcarDataset(n: 400, p: p, rate: 0.08, seed: 51)
        let complete = gaussianSample(n: 400, p: p, seed: 51)
        // Make sure the high bits are exercised: some rows miss exactly column 31, 32, 40 or 44.
        for (i, j) in [(0, 31), (1, 32), (2, 40), (3, 44), (4, 31), (5, 32)] {
            r[i] = complete[i]
            r[i][j] = .nan
        }
        return r
    }()

    /// Pattern counts the naive way: one [Bool] key per row.
    static func naivePatternCounts(_ rows: [[Double]]) -> [[Bool]: Int] {
        var counts: [[Bool]: Int] = [:]
        for r in rows { counts[r.map(\.isNaN), default: 0] += 1 }
        return counts
    }

    static func patternCounts(_ data: IncompleteMatrix) -> [[Bool]: Int] {
        var counts: [[Bool]: Int] = [:]
        for group in data.patternGroups() {
            let key = (0..<data.columnCount).map { group.pattern.isMissing($0) }
            #expect(counts[key] == nil, "pattern listed twice")
            counts[key] = group.rowCount
        }
        return counts
    }

    @Test("patternGroups() counts equal a naive Dictionary<[Bool], Int> count (p = 45)")
    func patternGroupsMatchNaiveCount() throws {
        let data = try incomplete(Self.rows)
        let naive = Self.naivePatternCounts(Self.rows)
        #expect(naive.count > 150, "only \(naive.count) patterns: not a stress test")
        #expect(Self.patternCounts(data) == naive)
        let groups = data.patternGroups()
        #expect(groups.reduce(0) { $0 + $1.rowCount } == Self.rows.count)
        // Most frequent first.
        #expect(zip(groups, groups.dropFirst()).allSatisfy { $0.rowCount >= $1.rowCount })
        // Rows differing only in column 31 vs 32 (bits straddling 32) are different patterns
        // (at least the two planted rows each; random rows may add to either).
        #expect(naive[(0..<Self.p).map { $0 == 31 }, default: 0] >= 2)
        #expect(naive[(0..<Self.p).map { $0 == 32 }, default: 0] >= 2)
    }

    @Test("patternGroups() counts equal a naive count beyond 64 columns (p = 130)")
    func patternGroupsBeyondOneWord() throws {
        let p = 130
        var g = TestRandom(seed: 52)
        var rows: [[Double]] = []
        // Patterns that differ only in bits ≥ 64, only in bit 63 vs 64, or at the last column,
        // each repeated a few times, plus random ones.
        let special: [[Int]] = [[], [63], [64], [127], [128], [129], [0, 64], [0, 128], [63, 64], [1, 65], [1, 129]]
        for (k, missing) in special.enumerated() {
            for _ in 0...(k % 3) {
                var r = (0..<p).map { _ in g.normal() }
                for j in missing { r[j] = .nan }
                rows.append(r)
            }
        }
        for _ in 0..<300 {
            rows.append((0..<p).map { _ in g.uniform() < 0.02 ? .nan : g.normal() })
        }
        let data = try incomplete(rows)
        let naive = Self.naivePatternCounts(rows)
        #expect(Self.patternCounts(data) == naive)
        // Pattern k of `special` was planted 1 + k % 3 times.
        #expect(naive[(0..<p).map { $0 == 63 }] == 2)
        #expect(naive[(0..<p).map { $0 == 64 }] == 3)
        #expect(naive[(0..<p).map { $0 == 129 }] == 3)
    }

    @Test("ℓ at the estimates equals the naive row-by-row ℓ; imputations are the conditional means")
    func likelihoodAndImputationsMatchNaive() throws {
        let data = try incomplete(Self.rows)
        let result = try GaussianEM().fit(data)
        #expect(result.hasConverged)
        #expect(result.patternCount == Self.naivePatternCounts(Self.rows).count)

        let mean = result.mean, cov = nested(result.covariance)
        let naive = naiveLogLikelihood(Self.rows, mean: mean, covariance: cov)
        let llError = relativeDifference(result.logLikelihood, naive)
        #expect(llError < 1e-9, "ℓ \(result.logLikelihood) vs naive \(naive): \(llError)")

        // Conditional means, naively, cell by cell: each missing cell has its imputed cell.
        let sd = result.model.standardDeviations
        var worst = 0.0, missing = 0
        for (i, row) in Self.rows.enumerated() {
            let full = naiveConditionalMean(row, mean: mean, covariance: cov)
            for j in row.indices where row[j].isNaN {
                missing += 1
                let imputed = try #require(result.imputedCells[row: i, column: j])
                worst = max(worst, abs(imputed - full[j]) / max(abs(full[j]), sd[j]))
            }
        }
        #expect(result.imputedCells.count == missing)
        #expect(worst < 1e-9, "imputations differ from the conditional means by \(worst)")

        // completed(_:) puts them in the right cells, and GaussianModel.completed agrees.
        let completed = try nested(result.completed(data))
        let fromModel = try nested(result.model.completed(data))
        var cellError = 0.0
        for (i, row) in Self.rows.enumerated() {
            let full = naiveConditionalMean(row, mean: mean, covariance: cov)
            for j in row.indices {
                if row[j].isNaN {
                    cellError = max(cellError, abs(completed[i][j] - full[j]) / sd[j], abs(fromModel[i][j] - full[j]) / sd[j])
                } else {
                    // Observed cells are copied, not recomputed: their bits must not change.
                    #expect(completed[i][j].bitPattern == row[j].bitPattern, "observed cell (\(i), \(j)) changed")
                }
            }
        }
        #expect(cellError < 1e-9)
    }
}
