import EMImputeCore
import Foundation
import Testing

/// EM on per-pattern sufficient statistics (issue #13): the same estimates as the row-wise
/// engine, whatever is kept as moments or as rows, however the rows are split into batches.
@Suite("EM on pattern statistics")
struct StatisticsEngineTests {
    static let limits: [PatternStatistics.RowLimit] = [.never, .automatic, .always]

    private func tight() -> EMOptions {
        var o = EMOptions()
        o.tolerance = 1e-12
        o.maxIterations = 100_000
        return o
    }

    /// Largest relative difference of μ, Σ (entrywise, relative to the diagonal scale) and ℓ.
    private func difference(_ a: EMResult, _ b: EMResult) -> Double {
        let sa = nested(a.covariance), sb = nested(b.covariance)
        return max(maxRelativeDifference(a.mean, b.mean, floor: b.model.standardDeviations),
                   maxScaledCovarianceDifference(sa, sb),
                   relativeDifference(a.logLikelihood, b.logLikelihood))
    }

    private static func datasets() throws -> [(String, IncompleteMatrix)] {
        var out: [(String, IncompleteMatrix)] = []
        for name in ["airquality", "penguins", "survey"] {
            let fixture = try ReferenceFixture.load(name)
            out.append((name, try TestCSV.load(repositoryRoot().appendingPathComponent(fixture.dataset),
                                               columns: fixture.columns, missingCodes: fixture.missingCodes)))
        }
        out.append(("mcar 400×6 30%", try incomplete(mcarDataset(n: 400, p: 6, rate: 0.3, seed: 11))))
        out.append(("mar 300×5", try incomplete(marDataset(n: 300, p: 5, intercept: -0.5, slope: 1.5, seed: 12))))
        // Rows with nothing observed and complete rows beside partial ones (the solver's
        // |m| = p and |m| = 0 ends), and many patterns of one or two rows each.
        var edges = mcarDataset(n: 250, p: 7, rate: 0.35, seed: 14)
        let complete = gaussianSample(n: 250, p: 7, seed: 14)
        for i in 0..<4 { edges[i] = [Double](repeating: .nan, count: 7) }
        for i in 4..<20 { edges[i] = complete[i] }
        out.append(("mcar 250×7 35%, empty and complete rows", try incomplete(edges)))
        return out
    }

    @Test("fit on statistics equals the row-wise fit to 1e-10")
    func equalsTheRowWiseFit() throws {
        for (name, data) in try Self.datasets() {
            let rowWise = try GaussianEM(options: tight()).fit(data)
            for limit in Self.limits {
                let summary = PatternStatistics(data, rowLimit: limit)
                let fit = try GaussianEM(options: tight()).fit(summary)
                #expect(difference(fit, rowWise) < 1e-10, "\(name) \(limit): \(difference(fit, rowWise))")
                #expect(fit.iterations == rowWise.iterations, "\(name) \(limit)")
                #expect(fit.isMonotone, "\(name) \(limit)")
                #expect(fit.rowsUsed == rowWise.rowsUsed && fit.rowsWithNothingObserved == rowWise.rowsWithNothingObserved)
                #expect(fit.patternGroups == rowWise.patternGroups)
            }
        }
    }

    @Test("the moments path is exercised: a dataset kept entirely as moments has no kept row")
    func momentsReallyReplaceRows() throws {
        let data = try incomplete(mcarDataset(n: 400, p: 6, rate: 0.3, seed: 11))
        let summary = PatternStatistics(data, rowLimit: .never)
        #expect(summary.groups.values.allSatisfy { !$0.keepsRows })
        let automatic = PatternStatistics(data, rowLimit: .automatic)
        #expect(automatic.groups.values.contains { $0.keepsRows } && automatic.groups.values.contains { !$0.keepsRows })
    }

    @Test("merged batches fit as the concatenated rows")
    func mergedBatchesFitAsOne() throws {
        let rows = mcarDataset(n: 500, p: 5, rate: 0.25, seed: 21)
        let whole = try GaussianEM(options: tight()).fit(try incomplete(rows))
        var g = TestRandom(seed: 99)
        for limit in Self.limits {
            // Three batches of random sizes, rows shuffled among them.
            var batches = [PatternStatistics](repeating: PatternStatistics(columnNames: whole.model.columnNames, rowLimit: limit), count: 3)
            for row in rows { try batches[Int(g.uniform() * 3) % 3].add(row: row) }
            var merged = PatternStatistics(columnNames: whole.model.columnNames, rowLimit: limit)
            for b in batches { try merged.merge(b) }
            #expect(merged.rowCount == rows.count)
            let fit = try GaussianEM(options: tight()).fit(merged)
            #expect(difference(fit, whole) < 1e-10, "\(limit): \(difference(fit, whole))")
        }
    }

    @Test("merging checks the columns")
    func mergeChecksColumns() throws {
        var a = PatternStatistics(columnNames: ["x", "y"])
        let b = PatternStatistics(columnNames: ["x", "z"])
        #expect(throws: DataError.columnsDiffer(missing: ["y"], unexpected: ["z"])) { try a.merge(b) }
        #expect(throws: DataError.columnCountMismatch(count: 3, expected: 2)) { try a.add(row: [1, 2, 3]) }
        #expect(throws: DataError.infiniteValue(row: 0, column: 1)) { try a.add(row: [1, .infinity]) }
    }

    @Test("marginalising a column out equals summarising without it")
    func keepingColumnsIsExact() throws {
        let rows = mcarDataset(n: 300, p: 5, rate: 0.3, seed: 31)
        let kept = [0, 2, 4]
        let sub = try incomplete(rows.map { r in kept.map { r[$0] } }, names: kept.map { "V\($0 + 1)" })
        for limit in Self.limits {
            let reduced = PatternStatistics(try incomplete(rows), rowLimit: limit).keepingColumns(kept)
            let direct = try GaussianEM(options: tight()).fit(sub)
            let fit = try GaussianEM(options: tight()).fit(reduced)
            #expect(reduced.rowCount == rows.count)
            #expect(difference(fit, direct) < 1e-10, "\(limit): \(difference(fit, direct))")
        }
    }

    @Test("columns near 1e300 and 1e-300 fit as on the rows")
    func extremeMagnitudes() throws {
        let base = mcarDataset(n: 200, p: 3, rate: 0.2, seed: 41)
        let scaled = base.map { [$0[0] * 1e300 / 10, $0[1] * 1e-300, $0[2]] }
        let data = try incomplete(scaled)
        let rowWise = try GaussianEM(options: tight()).fit(data)
        for limit in Self.limits {
            let summary = PatternStatistics(data, rowLimit: limit)
            #expect(summary.units[0] > 1e200 && summary.units[1] < 1e-200 && summary.units[2] == 1)
            let fit = try GaussianEM(options: tight()).fit(summary)
            #expect(maxRelativeDifference(fit.mean, rowWise.mean) < 1e-10, "\(limit)")
            #expect(maxRelativeDifference(fit.model.standardDeviations, rowWise.model.standardDeviations) < 1e-10, "\(limit)")
            #expect(relativeDifference(fit.logLikelihood, rowWise.logLikelihood) < 1e-10, "\(limit)")
        }
    }

    @Test("bit-identical for any thread count")
    func threadsDoNotChangeTheResult() throws {
        let data = try incomplete(mcarDataset(n: 3000, p: 8, rate: 0.3, seed: 51))
        var results: [[Double]] = []
        for threads in [1, 2, 3] {
            var o = tight()
            o.threads = threads
            let fit = try GaussianEM(options: o).fit(PatternStatistics(data, rowLimit: .automatic))
            results.append(fit.mean + fit.covariance.storage + [fit.logLikelihood])
        }
        #expect(results[0] == results[1] && results[1] == results[2])
    }

    @Test("a control: a wrong statistic is caught by the equality check")
    func equalityCheckCanFail() throws {
        let data = try incomplete(mcarDataset(n: 400, p: 6, rate: 0.3, seed: 11))
        let rowWise = try GaussianEM(options: tight()).fit(data)
        var perturbed = data.values
        let k = perturbed.firstIndex { !$0.isNaN }!
        perturbed[k] += 1e-6 * abs(perturbed[k])
        let other = try IncompleteMatrix(rowCount: data.rowCount, columnCount: data.columnCount, values: perturbed,
                                         columnNames: data.columnNames)
        let fit = try GaussianEM(options: tight()).fit(PatternStatistics(other, rowLimit: .never))
        #expect(difference(fit, rowWise) > 1e-10)
    }
}
