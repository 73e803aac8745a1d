import EMImputeCore

extension TableStatistics {
    /// Fits `em` to these statistics with the kept rows of rare patterns in memory up to
    /// `memoryLimit` and, beyond it, in a temporary file (`KeptRowsSpillFile`) read back every
    /// iteration — the same estimates, bit for bit. The kept rows are back in memory when it
    /// returns (or throws).
    ///
    /// - Returns: the fit, and the bytes spilled (nil when the kept rows stayed in memory).
    /// - Throws: what `GaussianEM.fit` throws, and `KeptRowsSpillError`.
    public mutating func fit(_ em: GaussianEM, memoryLimit: MemoryLimit,
                             progress: ((IterationRecord) -> Void)? = nil) throws -> (result: EMResult, spilledBytes: Int?) {
        guard memoryLimit.isExceeded(byKeptCells: statistics.keptCellCount) else {
            return (try em.fit(statistics, progress: progress), nil)
        }
        let spill = try KeptRowsSpillFile()
        try spillKeptRows(to: spill)
        let result: EMResult
        do {
            result = try em.fit(statistics, keptRows: spill, progress: progress)
        } catch {
            try restoreKeptRows(from: spill)
            throw error
        }
        try restoreKeptRows(from: spill)
        return (result, spill.byteCount)
    }

    /// The model file of `result`, a fit on these statistics, recording `adjustment` (by
    /// default the observed ranges with no adjustment chosen) for `apply`.
    public func modelFile(for result: EMResult, adjustment: ImputedValueAdjustment? = nil) throws -> ModelFile {
        try ModelFile(result: result, missingTokens: missingTokens, columns: columns, rows: rowCount,
                      adjustment: adjustment ?? self.adjustment(roundIntegers: false, clampToObservedRange: false))
    }

    /// The JSON report of `result`, a fit on these statistics read from `inputs`: the schema
    /// of `impute --report`, with no imputed cells (a fit imputes nothing) and no bytes read.
    public func report(for result: EMResult, inputs: [String], timings: ImputationReport.Timings,
                       adjustment: ImputedValueAdjustment? = nil) -> ImputationReport {
        let read = dialect.readOptions(missingTokens: missingTokens)
        return ImputationReport(input: .init(path: inputs.joined(separator: ", "), rows: rowCount, bytes: 0), read: read,
                                columns: columns, observed: observedMoments, imputed: modelledNames.map { _ in .init() },
                                imputedCells: 0, fit: FitFacts(result), inputWarnings: warnings, timings: timings,
                                adjustment: adjustment)
    }

    /// Per modelled column, the mean and standard deviation (divisor n − 1) of its observed
    /// cells, pooled over the patterns that observe it (Chan et al.).
    var observedMoments: [ColumnMoments.Moment] {
        let p = statistics.columnCount
        var count = [Double](repeating: 0, count: p), mean = count, squares = count
        for pattern in statistics.patterns {
            let group = statistics.groups[pattern]!
            guard group.observedCount > 0 else { continue }
            let (m, c) = group.moments
            let n = Double(group.count)
            for (a, j) in pattern.observedColumns.enumerated() {
                let u = statistics.units[j]
                let total = count[j] + n
                let delta = m[a] * u - mean[j]
                mean[j] += delta * n / total
                squares[j] += c[a * group.observedCount + a] * u * u + delta * delta * count[j] * n / total
                count[j] = total
            }
        }
        return (0..<p).map { j in
            count[j] == 0 ? .init() : .init(mean: mean[j], standardDeviation: count[j] > 1 ? (squares[j] / (count[j] - 1)).squareRoot() : nil)
        }
    }
}
