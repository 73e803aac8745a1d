import Foundation

extension GaussianEM {
    /// Fits the model to the rows summarised by `statistics`: the same estimates as a fit on
    /// those rows (to rounding), at a cost per iteration that grows with the number of
    /// patterns, not rows.
    ///
    /// Patterns kept as moments enter the E-step through their count, mean and comoment
    /// (see `PatternStatistics`); patterns that kept their rows, row by row. The checks, the
    /// starts, the stopping rule and the warnings are those of `fit(_:progress:)`.
    ///
    /// The result holds no imputations (`imputedCells` is empty and `completed(_:)` throws
    /// `DataError.notTheFittedData`): impute any rows with `model`.
    ///
    /// - Throws: as `fit(_:progress:)`.
    /// - Complexity: per iteration O(Σ_kept rows p² + Σ_moment patterns (|m|·|o|·p + |m|³)).
    public func fit(_ statistics: PatternStatistics, progress: ((IterationRecord) -> Void)? = nil) throws -> EMResult {
        try fit(statistics, keptRows: nil, monitor: progress.map { progress in { if $0.start == 0 { progress($0.record) }; return true } })
    }

    /// Fits the model to `statistics` as `fit(_:progress:)` does, reading the kept rows of its
    /// rare patterns from `keptRows` every iteration (a file, when they exceed a memory
    /// budget) rather than from the statistics' groups: the same estimates, bit for bit, when
    /// `keptRows` holds the same cells.
    ///
    /// - Throws: as `fit(_:progress:)`, and what reading `keptRows` throws.
    public func fit(_ statistics: PatternStatistics, keptRows: any KeptRowStorage,
                    progress: ((IterationRecord) -> Void)? = nil) throws -> EMResult {
        try fit(statistics, keptRows: keptRows, monitor: progress.map { progress in { if $0.start == 0 { progress($0.record) }; return true } })
    }

    /// Fits the model to `statistics` as `fit(_:progress:)` does, telling `shouldContinue` where
    /// it stands after every iteration of every start; when it answers false the fit stops there
    /// and throws `EMError.cancelled`.
    ///
    /// - Throws: as `fit(_:progress:)`, and `EMError.cancelled(start:iteration:)`.
    public func fit(_ statistics: PatternStatistics, shouldContinue: (FitProgress) -> Bool) throws -> EMResult {
        try withoutActuallyEscaping(shouldContinue) { try fit(statistics, keptRows: nil, monitor: $0) }
    }

    private func fit(_ statistics: PatternStatistics, keptRows: (any KeptRowStorage)?,
                     monitor: ((FitProgress) -> Bool)?) throws -> EMResult {
        try options.validate()
        let clock = ContinuousClock()
        let began = clock.now
        let p = statistics.columnCount
        let names = statistics.columnNames
        guard p > 0 else { throw EMError.noData }
        guard p <= Self.maximumColumnCount else { throw EMError.tooManyColumns(count: p, limit: Self.maximumColumnCount) }

        if statistics.keptRowsAreElsewhere, keptRows == nil {
            throw DataError.keptRowsDiffer(cells: 0, expected: statistics.keptCellCount)
        }
        if let keptRows, keptRows.cellCount != statistics.keptCellCount {
            throw DataError.keptRowsDiffer(cells: keptRows.cellCount, expected: statistics.keptCellCount)
        }
        let scaling = try keptRows.map { try ColumnScaling(statistics, keptRows: $0) } ?? ColumnScaling(statistics)
        for j in 0..<p where scaling.observedCounts[j] == 0 { throw EMError.columnEntirelyMissing(column: names[j]) }
        let nothingObserved = statistics.groups[MissingnessPattern(missingColumns: 0..<p, columnCount: p)]?.count ?? 0
        let n = statistics.rowCount - nothingObserved
        guard n > 0 else { throw EMError.noData }
        if n < 2 || (options.ridge == 0 && n <= p) { throw EMError.tooFewRows(rows: n, columns: p) }
        for j in 0..<p where !(scaling.scale[j] > 0) || !scaling.scale[j].isFinite {
            throw EMError.constantColumn(column: names[j])
        }
        let standardized = StandardizedData(statistics, scaling: scaling, keptRows: keptRows)
        let original = scaling.inOriginalUnits(statistics.units)

        let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let problem = Problem(step: ExpectationStep(data: standardized, threads: threads), options: options,
                              names: names, scaling: original, began: began, clock: clock)
        let (best, starts, startsAgree) = try Self.runStarts(problem, options: options, monitor: monitor)

        let model = try Self.model(of: best, names: names, scaling: original)
        let warnings = Self.warnings(best: best, problem: problem, options: options, starts: starts, startsAgree: startsAgree,
                                     rowsWithNothingObserved: nothingObserved)
        let groups = statistics.groups
            .map { PatternGroup(pattern: $0.key, rowCount: $0.value.count) }
            .sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.pattern < $1.pattern }
        return Self.result(of: best, problem: problem, model: model, starts: starts, startsAgree: startsAgree,
                           imputedCells: ImputedCells(rowCount: statistics.rowCount, columnCount: p), rowsUsed: n, rowsWithNothingObserved: nothingObserved,
                           patternGroups: groups, warnings: warnings,
                           fitted: FittedData(rowCount: statistics.rowCount, columnCount: p))
    }

    /// The model of a run on statistics, on the original scale. A mean beyond the largest
    /// Double would make every missing cell of its column so: `EMError.imputationOutOfRange`
    /// (row 0: the rows are not at hand).
    static func model(of best: Run, names: [String], scaling original: ColumnScaling) throws -> GaussianModel {
        let p = names.count
        do {
            return try GaussianModel(
                columnNames: names,
                mean: (0..<p).map { original.center[$0] + original.scale[$0] * best.theta.mean[$0] },
                scale: original.scale,
                standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: best.theta.covariance))
        } catch {
            if case .nonFiniteMean(let column) = error { throw EMError.imputationOutOfRange(column: column, row: 0) }
            throw error
        }
    }
}
