import EMImputeCore
import Testing

/// A long fit can be stopped from its progress callback (issue #12): the callback is told
/// every iteration of every start and the fit stops as soon as it answers false.
@Suite("cancelling a fit")
struct CancellationTests {
    static func data() throws -> IncompleteMatrix {
        try incomplete(mcarDataset(n: 200, p: 4, rate: 0.2, seed: 17), names: ["a", "b", "c", "d"])
    }

    @Test func theFitStopsWhenTheCallbackSaysSo() throws {
        var seen: [FitProgress] = []
        #expect(throws: EMError.cancelled(start: 0, iteration: 3)) {
            try GaussianEM().fit(Self.data()) { progress in
                seen.append(progress)
                return progress.record.iteration < 3
            }
        }
        // Told once per iteration, and nothing after it said stop.
        #expect(seen.map(\.record.iteration) == [1, 2, 3])
        #expect(seen.allSatisfy { $0.start == 0 && $0.startCount == 1 })
    }

    @Test func randomStartsAreReportedAndCanBeCancelled() throws {
        var options = EMOptions()
        options.starts = 3
        var starts: [Int] = []
        #expect(throws: EMError.cancelled(start: 2, iteration: 1)) {
            try GaussianEM(options: options).fit(Self.data()) { progress in
                if starts.last != progress.start { starts.append(progress.start) }
                #expect(progress.startCount == 4)
                return progress.start < 2
            }
        }
        #expect(starts == [0, 1, 2])
        // The fit on statistics honours it too.
        #expect(throws: EMError.cancelled(start: 0, iteration: 1)) {
            try GaussianEM(options: options).fit(PatternStatistics(Self.data())) { _ in false }
        }
    }

    @Test func aCallbackThatGoesOnChangesNothing() throws {
        var options = EMOptions()
        options.starts = 2
        var calls = 0
        let watched = try GaussianEM(options: options).fit(Self.data()) { _ in calls += 1; return true }
        let plain = try GaussianEM(options: options).fit(Self.data())
        #expect(watched.mean == plain.mean && watched.covariance == plain.covariance)
        #expect(watched.logLikelihood == plain.logLikelihood)
        // Every iteration of every start was reported.
        #expect(calls >= plain.iterations + 2)
        #expect(calls == watched.starts.map(\.iterations).reduce(0, +))
    }

    @Test func cancellationIsDescribedWithoutFlags() {
        #expect(EMError.cancelled(start: 2, iteration: 7).description == "the fit was cancelled after iteration 7 of random start 2")
    }
}
