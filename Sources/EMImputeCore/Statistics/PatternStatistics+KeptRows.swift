extension PatternStatistics {
    /// The patterns whose groups keep rows (with at least one observed column), in the order
    /// the E-step reads them and a `KeptRowStorage` stores them: lexicographic in their
    /// missing columns.
    public var keptRowPatterns: [MissingnessPattern] {
        groups.compactMap { pattern, group in
            group.keepsRows && group.observedCount > 0 && group.count > 0 ? pattern : nil
        }.sorted { $0.missingColumnsPrecede($1) }
    }

    /// Observed cells of the kept rows (what a `KeptRowStorage` of these statistics holds).
    public var keptCellCount: Int {
        groups.values.reduce(0) { $0 + ($1.keepsRows ? $1.count * $1.observedCount : 0) }
    }

    /// Where each kept group's cells begin in a `KeptRowStorage` of these statistics.
    var keptCellStarts: [MissingnessPattern: Int] {
        var starts: [MissingnessPattern: Int] = [:], next = 0
        for pattern in keptRowPatterns {
            starts[pattern] = next
            next += groups[pattern]!.count * groups[pattern]!.observedCount
        }
        return starts
    }

    /// The patterns in lexicographic order of their missing columns (a depth-first walk of the
    /// trie of missing sets: the solver then borders each distinct prefix once).
    var expectationOrder: [MissingnessPattern] {
        groups.keys.sorted { $0.missingColumnsPrecede($1) }
    }
}
