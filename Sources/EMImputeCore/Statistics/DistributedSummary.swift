/// What a distributed fit needs to know of its rows before the first E-step, without the
/// rows: the row count, each column's available-case count, mean and comoment (for the
/// standardisation and the checks), and each missingness pattern's row count (for the
/// report). Mergeable like `PatternStatistics`, and far smaller when nearly every row has a
/// pattern of its own: one count per pattern instead of the rows.
///
/// ```swift
/// var summary = DistributedSummary(partOne)      // PatternStatistics of each part
/// try summary.merge(DistributedSummary(partTwo))
/// let fit = try GaussianEM().fit(summary) { request in
///     var total = try partOne.expectationSums(at: request)
///     try total.add(try partTwo.expectationSums(at: request))
///     return total
/// }
/// ```
public struct DistributedSummary: Sendable, Equatable, Codable {
    /// The modelled columns, in order.
    public let columns: [String]
    /// Rows, including rows with nothing observed.
    public private(set) var rowCount = 0
    /// Per column, the power of two that `mean` and `comoment` are divided by (as
    /// `PatternStatistics.units`).
    public private(set) var units: [Double]
    /// Per column, its observed cells.
    public private(set) var observedCounts: [Int]
    /// Per column, the mean of its observed cells (in its unit).
    public private(set) var means: [Double]
    /// Per column, Σ (x − x̄)² over its observed cells (in its unit squared).
    public private(set) var comoments: [Double]
    /// Rows per pattern, keyed by the pattern's missing columns (0-based).
    public private(set) var patternCounts: [[Int]: Int] = [:]

    /// The summary of no rows.
    public init(columns: [String]) {
        self.columns = columns
        units = [Double](repeating: 1, count: columns.count)
        observedCounts = [Int](repeating: 0, count: columns.count)
        means = [Double](repeating: 0, count: columns.count)
        comoments = [Double](repeating: 0, count: columns.count)
    }

    /// The summary of the rows of `statistics`, the columns' moments merged over its patterns
    /// in pattern order as `GaussianEM` merges them.
    public init(_ statistics: PatternStatistics) {
        precondition(!statistics.keptRowsAreElsewhere, "restore the kept rows first")
        self.init(columns: statistics.columnNames)
        let scaling = ColumnScaling(statistics)
        rowCount = statistics.rowCount
        units = statistics.units
        observedCounts = scaling.observedCounts
        means = scaling.center
        // Recomputed by the same merge as `ColumnScaling`, not squared back from its scale.
        comoments = Self.columnComoments(statistics)
        for pattern in statistics.patterns { patternCounts[pattern.missingColumns, default: 0] += statistics.groups[pattern]!.count }
    }

    private static func columnComoments(_ statistics: PatternStatistics) -> [Double] {
        let p = statistics.columnCount
        var count = [Int](repeating: 0, count: p), mean = [Double](repeating: 0, count: p), m2 = mean
        for pattern in statistics.patterns {
            let group = statistics.groups[pattern]!
            let observed = pattern.observedColumns
            guard !observed.isEmpty, group.count > 0 else { continue }
            let (gm, gc) = group.moments
            let o = observed.count, nb = Double(group.count)
            for (a, j) in observed.enumerated() {
                let na = Double(count[j]), n = na + nb
                let delta = gm[a] - mean[j]
                mean[j] += delta * nb / n
                m2[j] += gc[a * o + a] + delta * delta * na * nb / n
                count[j] += group.count
            }
        }
        return m2
    }

    /// Folds in the summary of other rows over the same columns (Chan et al.'s update).
    /// - Throws: `DataError.columnsDiffer` when the columns differ.
    public mutating func merge(_ other: DistributedSummary) throws(DataError) {
        guard other.columns == columns else {
            throw .columnsDiffer(missing: columns.filter { !other.columns.contains($0) },
                                 unexpected: other.columns.filter { !columns.contains($0) })
        }
        rowCount += other.rowCount
        for j in columns.indices where other.observedCounts[j] > 0 {
            if observedCounts[j] == 0 {
                units[j] = other.units[j]
                observedCounts[j] = other.observedCounts[j]
                means[j] = other.means[j]
                comoments[j] = other.comoments[j]
                continue
            }
            let factor = other.units[j] / units[j]
            let na = Double(observedCounts[j]), nb = Double(other.observedCounts[j]), n = na + nb
            let delta = other.means[j] * factor - means[j]
            means[j] += delta * nb / n
            comoments[j] += other.comoments[j] * factor * factor + delta * delta * na * nb / n
            observedCounts[j] += other.observedCounts[j]
        }
        for (missing, count) in other.patternCounts { patternCounts[missing, default: 0] += count }
    }

    /// The standardisation of a fit on these rows, in original units.
    var scaling: ColumnScaling {
        var s = ColumnScaling(PatternStatistics(columnNames: columns))
        s.center = (0..<columns.count).map { means[$0] * units[$0] }
        s.scale = (0..<columns.count).map { j in
            observedCounts[j] > 1 ? (comoments[j] / Double(observedCounts[j] - 1)).squareRoot() * units[j] : 0
        }
        s.observedCounts = observedCounts
        return s
    }

    /// The patterns with their row counts, most frequent first (ties: fewer missing first).
    var patternGroups: [PatternGroup] {
        patternCounts.map { PatternGroup(pattern: MissingnessPattern(missingColumns: $0.key, columnCount: columns.count), rowCount: $0.value) }
            .sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.pattern < $1.pattern }
    }

    private enum CodingKeys: String, CodingKey { case columns, rowCount, units, observedCounts, means, comoments, patterns }
    private struct Pattern: Codable { var missing: [Int]; var count: Int }

    /// Decodes a summary written by `encode(to:)`, checking its shape.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(columns: try c.decode([String].self, forKey: .columns))
        rowCount = try c.decode(Int.self, forKey: .rowCount)
        units = try c.decode([Double].self, forKey: .units)
        observedCounts = try c.decode([Int].self, forKey: .observedCounts)
        means = try c.decode([Double].self, forKey: .means)
        comoments = try c.decode([Double].self, forKey: .comoments)
        let p = columns.count
        guard units.count == p, observedCounts.count == p, means.count == p, comoments.count == p else {
            throw DecodingError.dataCorruptedError(forKey: .means, in: c, debugDescription: "expected \(p) values per column array")
        }
        var total = 0
        for pattern in try c.decode([Pattern].self, forKey: .patterns) {
            guard pattern.missing.allSatisfy({ (0..<p).contains($0) }), pattern.count > 0 else {
                throw DecodingError.dataCorruptedError(forKey: .patterns, in: c, debugDescription: "a pattern lies outside 0..<\(p) or has no rows")
            }
            patternCounts[pattern.missing.sorted(), default: 0] += pattern.count
            total += pattern.count
        }
        guard total == rowCount else {
            throw DecodingError.dataCorruptedError(forKey: .rowCount, in: c, debugDescription: "the patterns hold \(total) rows, not \(rowCount)")
        }
    }

    /// Encodes the summary; patterns in `MissingnessPattern` order.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columns, forKey: .columns)
        try c.encode(rowCount, forKey: .rowCount)
        try c.encode(units, forKey: .units)
        try c.encode(observedCounts, forKey: .observedCounts)
        try c.encode(means, forKey: .means)
        try c.encode(comoments, forKey: .comoments)
        let p = columns.count
        let sorted = patternCounts.keys.sorted { MissingnessPattern(missingColumns: $0, columnCount: p) < MissingnessPattern(missingColumns: $1, columnCount: p) }
        try c.encode(sorted.map { Pattern(missing: $0, count: patternCounts[$0]!) }, forKey: .patterns)
    }
}

extension GaussianEM {
    /// Fits the model to rows held elsewhere, described by `summary`: the starting values,
    /// the checks, the stopping rule, the M-step and the warnings are those of
    /// `fit(_: PatternStatistics)`; each E-step is delegated to `expectation`, which must
    /// return the sums over all the rows at the request (`PatternStatistics.expectationSums(at:)`
    /// of every part, added). The estimates equal those of a fit on the rows together up to
    /// the order of the sums (about 1e-15 relative per step).
    ///
    /// - Throws: as `fit(_: PatternStatistics)`, and whatever `expectation` throws.
    public func fit(_ summary: DistributedSummary, progress: ((IterationRecord) -> Void)? = nil,
                    expectation: @escaping (ExpectationRequest) throws -> ExpectationSums) throws -> EMResult {
        try options.validate()
        let clock = ContinuousClock()
        let began = clock.now
        let p = summary.columns.count
        let names = summary.columns
        guard p > 0 else { throw EMError.noData }
        guard p <= Self.maximumColumnCount else { throw EMError.tooManyColumns(count: p, limit: Self.maximumColumnCount) }
        let original = summary.scaling
        for j in 0..<p where original.observedCounts[j] == 0 { throw EMError.columnEntirelyMissing(column: names[j]) }
        let nothingObserved = summary.patternCounts[Array(0..<p)] ?? 0
        let n = summary.rowCount - nothingObserved
        guard n > 0 else { throw EMError.noData }
        if n < 2 || (options.ridge == 0 && n <= p) { throw EMError.tooFewRows(rows: n, columns: p) }
        for j in 0..<p where !(original.scale[j] > 0) || !original.scale[j].isFinite {
            throw EMError.constantColumn(column: names[j])
        }
        let problem = Problem(step: RemoteExpectation(columnNames: names, scaling: original, expectation: expectation),
                              options: options, names: names, scaling: original, began: began, clock: clock)
        var monitor: ((FitProgress) -> Bool)?
        if let progress {
            monitor = { (step: FitProgress) -> Bool in
                if step.start == 0 { progress(step.record) }
                return true
            }
        }
        let (best, starts, startsAgree) = try Self.runStarts(problem, options: options, monitor: monitor)
        let model = try Self.model(of: best, names: names, scaling: original)
        let warnings = Self.warnings(best: best, problem: problem, options: options, starts: starts, startsAgree: startsAgree,
                                     rowsWithNothingObserved: nothingObserved)
        return Self.result(of: best, problem: problem, model: model, starts: starts, startsAgree: startsAgree,
                           imputedCells: ImputedCells(rowCount: summary.rowCount, columnCount: p), rowsUsed: n, rowsWithNothingObserved: nothingObserved,
                           patternGroups: summary.patternGroups, warnings: warnings,
                           fitted: FittedData(rowCount: summary.rowCount, columnCount: p))
    }
}
