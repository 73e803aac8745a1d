import EMImputeCore
import Foundation
import Testing

/// A fit whose E-steps are answered by the parts of the data (`GaussianEM.fit(_:expectation:)`,
/// the iterate-in-Spark strategy): the same estimates as the fit on the merged statistics.
@Suite("distributed EM")
struct DistributedFitTests {
    private static func parts(_ data: IncompleteMatrix, into k: Int) throws -> [PatternStatistics] {
        let p = data.columnCount, n = data.rowCount
        return try (0..<k).map { part in
            var s = PatternStatistics(columnNames: data.columnNames)
            for i in stride(from: part, to: n, by: k) { try s.add(row: Array(data.values[(i * p)..<((i + 1) * p)])) }
            return s
        }
    }

    private static func difference(_ a: EMResult, _ b: EMResult) -> Double {
        max(maxRelativeDifference(a.mean, b.mean, floor: b.model.standardDeviations),
            maxScaledCovarianceDifference(nested(a.covariance), nested(b.covariance)),
            relativeDifference(a.logLikelihood, b.logLikelihood))
    }

    @Test("E-steps summed over parts give the merged-statistics fit to 1e-10", arguments: [1, 3, 7])
    func equalsTheStatisticsFit(partCount: Int) throws {
        let data = try incomplete(mcarDataset(n: 600, p: 5, rate: 0.25, seed: 21))
        let parts = try Self.parts(data, into: partCount)
        var merged = parts[0]
        for part in parts.dropFirst() { try merged.merge(part) }
        var summary = DistributedSummary(parts[0])
        for part in parts.dropFirst() { try summary.merge(DistributedSummary(part)) }
        #expect(summary.rowCount == 600)

        let local = try GaussianEM().fit(merged)
        var requests = 0
        let remote = try GaussianEM().fit(summary) { request in
            requests += 1
            var total = ExpectationSums(columns: request.columns)
            for part in parts { try total.add(try part.expectationSums(at: request)) }
            return total
        }
        #expect(Self.difference(remote, local) < 1e-10)
        #expect(remote.iterations == local.iterations)
        #expect(remote.expectationSteps == requests)
        #expect(remote.patternGroups == local.patternGroups)
        #expect(remote.rowsWithNothingObserved == local.rowsWithNothingObserved)
    }

    /// The control: sums at other parameters (a wrong answer) move the estimates.
    @Test func wrongAnswersAreSeen() throws {
        let data = try incomplete(mcarDataset(n: 300, p: 4, rate: 0.2, seed: 5))
        let whole = PatternStatistics(data)
        let local = try GaussianEM().fit(whole)
        let skewed = try GaussianEM().fit(DistributedSummary(whole)) { request in
            var shifted = request
            shifted.mean[0] += 0.1
            return try whole.expectationSums(at: shifted)
        }
        #expect(Self.difference(skewed, local) > 1e-3)
    }

    @Test func summariesRoundTripThroughJSONAndEmptyPartsMergeAsNothing() throws {
        let data = try incomplete(mcarDataset(n: 200, p: 3, rate: 0.3, seed: 8))
        let summary = DistributedSummary(PatternStatistics(data))
        let decoded = try JSONDecoder().decode(DistributedSummary.self, from: try JSONEncoder().encode(summary))
        #expect(decoded == summary)
        var withEmpty = DistributedSummary(columns: data.columnNames)
        try withEmpty.merge(summary)
        try withEmpty.merge(DistributedSummary(columns: data.columnNames))
        #expect(withEmpty == summary)
        #expect(throws: DataError.self) { try withEmpty.merge(DistributedSummary(columns: ["a", "b", "c"])) }
    }
}
