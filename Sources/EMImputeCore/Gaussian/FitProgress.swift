/// Where a fit stands after one iteration of one of its starts: what a progress callback that
/// may stop the fit is told (`GaussianEM.fit(_:shouldContinue:)`).
public struct FitProgress: Sendable, Equatable {
    /// The start being iterated: 0 for the default start, 1… for the random starts.
    public let start: Int
    /// How many starts the fit runs (`EMOptions.starts + 1`).
    public let startCount: Int
    /// The iteration just completed.
    public let record: IterationRecord

    /// Progress from its parts.
    public init(start: Int, startCount: Int, record: IterationRecord) {
        self.start = start
        self.startCount = startCount
        self.record = record
    }
}
