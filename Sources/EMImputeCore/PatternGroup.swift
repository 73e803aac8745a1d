/// A missingness pattern together with the number of rows that have it.
public struct PatternGroup: Sendable, Equatable {
    /// The pattern (which modelled columns are missing).
    public let pattern: MissingnessPattern
    /// How many rows have exactly this pattern.
    public let rowCount: Int
}

extension IncompleteMatrix {
    /// The distinct missingness patterns with their row counts, most frequent first
    /// (ties: fewer missing columns first).
    ///
    /// - Complexity: O(n·p) expected.
    public func patternGroups() -> [PatternGroup] {
        let layout = PatternLayout(self)
        return layout.patterns.indices
            .map { PatternGroup(pattern: layout.patterns[$0], rowCount: layout.rowCount(ofPattern: $0)) }
            .sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.pattern < $1.pattern }
    }
}
