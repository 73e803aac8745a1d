import EMImputeCore
import Foundation
import Testing

/// Little's test and the standard errors from per-pattern statistics, without the rows
/// (issue #13: `impute` streams and never holds the rows): the same numbers as from the rows,
/// whatever the statistics keep as moments or as rows.
@Suite("Inference from pattern statistics")
struct StatisticsInferenceTests {
    private static func datasets() throws -> [(String, IncompleteMatrix)] {
        [("mcar 400×6 30%", try incomplete(mcarDataset(n: 400, p: 6, rate: 0.3, seed: 31))),
         ("mar 300×5", try incomplete(marDataset(n: 300, p: 5, intercept: -0.5, slope: 1.5, seed: 32))),
         ("mcar 120×3 with empty rows", try incomplete(mcarDataset(n: 120, p: 3, rate: 0.45, seed: 33)))]
    }

    @Test("Little's d², df and per-pattern contributions agree with the row-wise test to 1e-10")
    func littleTestAgrees() throws {
        for (name, data) in try Self.datasets() {
            let model = try GaussianEM().fit(data).model
            let rows = try LittleMCARTest(data, model: model)
            for limit in StatisticsEngineTests.limits {
                let summary = try LittleMCARTest(PatternStatistics(data, rowLimit: limit), model: model)
                #expect(relativeDifference(summary.statistic, rows.statistic) < 1e-10, "\(name) \(limit)")
                #expect(summary.degreesOfFreedom == rows.degreesOfFreedom, "\(name) \(limit)")
                #expect(summary.patterns.map(\.missingColumns) == rows.patterns.map(\.missingColumns))
                #expect(summary.patterns.map(\.rowCount) == rows.patterns.map(\.rowCount))
                for (a, b) in zip(summary.patterns, rows.patterns) {
                    #expect(abs(a.contribution - b.contribution) <= 1e-10 * max(1, rows.statistic), "\(name) \(limit)")
                }
            }
            // Control: the test is not trivially zero on these data.
            #expect(rows.statistic > 0 && rows.degreesOfFreedom > 0, "\(name)")
        }
    }

    @Test("standard errors and fractions of missing information agree with the row-wise ones to 1e-10")
    func standardErrorsAgree() throws {
        for (name, data) in try Self.datasets() {
            let model = try GaussianEM().fit(data).model
            let rows = try StandardErrors(data, model: model)
            for limit in StatisticsEngineTests.limits {
                let summary = try StandardErrors(PatternStatistics(data, rowLimit: limit), model: model)
                #expect(maxRelativeDifference(summary.mean, rows.mean, floor: rows.mean.map { _ in 1e-300 }) < 1e-10, "\(name) \(limit) μ")
                let a = summary.covariance.storage, b = rows.covariance.storage
                #expect(maxRelativeDifference(a, b, floor: b.map { _ in 1e-300 }) < 1e-10, "\(name) \(limit) Σ")
// A fraction of missing information is 1 − a ratio near 1 for a complete column:
                // compared absolutely.
                #expect(zip(summary.meanFractionMissing, rows.meanFractionMissing).allSatisfy { abs($0 - $1) < 1e-10 }, "\(name) \(limit) FMI")
            }
        }
    }

    @Test("statistics of other columns are refused with a typed error")
    func otherColumnsAreRefused() throws {
        let data = try incomplete(mcarDataset(n: 50, p: 3, rate: 0.2, seed: 34))
        let model = try GaussianEM().fit(data).model
        let other = PatternStatistics(try incomplete(mcarDataset(n: 50, p: 3, rate: 0.2, seed: 35), names: ["a", "b", "c"]))
        #expect(throws: DataError.self) { try LittleMCARTest(other, model: model) }
    }
}
