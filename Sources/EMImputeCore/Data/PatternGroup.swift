/// A missingness pattern together with the number of rows that have it.
public struct PatternGroup: Sendable, Equatable {
    /// The pattern (which modelled columns are missing).
    public let pattern: MissingnessPattern
    /// How many rows have exactly this pattern.
    public let rowCount: Int

    /// A pattern and its row count.
    public init(pattern: MissingnessPattern, rowCount: Int) {
        self.pattern = pattern
        self.rowCount = rowCount
    }
}

extension IncompleteMatrix {
    /// The distinct missingness patterns with their row counts, most frequent first
    /// (ties: fewer missing columns first).
    ///
    /// - Complexity: O(n·p) expected.
    public func patternGroups() -> [PatternGroup] {
        PatternLayout(self).groupsByFrequency
    }
}

extension PatternLayout {
    /// The patterns with their row counts, most frequent first (ties: fewer missing first).
    var groupsByFrequency: [PatternGroup] {
        patterns.indices
            .map { PatternGroup(pattern: patterns[$0], rowCount: rowCount(ofPattern: $0)) }
            .sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.pattern < $1.pattern }
    }
}
