import EMImputeCore

/// What the reports say of a completed table besides the fit: the input read, its columns,
/// the missingness patterns of the modelled columns, and the distributions of the observed
/// and imputed values as written. Gathered from pass 1 (or the loaded table) and pass 2; it
/// holds nothing per row.
package struct TableFacts: Sendable {
    var input: ImputationReport.Input
    var options: CSVReadOptions
    /// Every input column, in input order.
    var columns: [ColumnProfile]
    /// The modelled columns' names, in order.
    var modelledNames: [String]
    /// Observed cells per modelled column.
    var observedCounts: [Int]
    /// The missingness patterns of the modelled columns, most frequent first.
    var patternGroups: [PatternGroup]
    /// What the reader noticed.
    var warnings: [CSVWarning]
    /// Per modelled column, the histograms of its observed and written imputed values.
    var histograms: [ColumnHistogram]
    /// Per modelled column, the mean and standard deviation of its observed cells.
    var observedMoments: [ColumnMoments.Moment]
    /// Per modelled column, the mean and standard deviation of its imputed cells as written.
    var imputedMoments: [ColumnMoments.Moment]
    /// Cells imputed.
    var imputedCellCount: Int
    /// Rows as read (all of them, or a seeded sample), for the overimputation check.
    var sample: IncompleteMatrix?

    var rowCount: Int { input.rows }

    /// The facts of a table read by pass 1 (`statistics`, `byteCount` bytes) and completed by pass 2.
    init(_ table: TableStatistics, name: String, byteCount: Int, distributions: ColumnDistributions, sample: RowSample?) {
        self.sample = sample?.matrix
        let read = table.dialect.readOptions(missingTokens: table.missingTokens)
        input = .init(path: name, rows: table.rowCount, bytes: byteCount)
        options = read
        columns = table.columns
        modelledNames = table.modelledNames
        observedCounts = table.modelledColumns.map { table.columns[$0].observed }
        let statistics = table.statistics
        patternGroups = statistics.patterns.map { PatternGroup(pattern: $0, rowCount: statistics.groups[$0]!.count) }
            .sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.pattern < $1.pattern }
        warnings = table.warnings
        histograms = distributions.histograms
        observedMoments = distributions.observedMoments
        imputedMoments = distributions.imputedMoments
        imputedCellCount = distributions.imputedCellCount
    }

    /// The facts of `table` completed in memory under `model` with `adjustment` (no CSV
    /// written); `deviations`, when given, receives every imputed cell's conditional standard
    /// deviation.
    package static func completing(_ table: LoadedTable, model: FittedModel, adjustment: ImputedValueAdjustment,
                                   deviations: OutputTarget? = nil) throws -> TableFacts {
        let distributions = ColumnDistributions(ranges: adjustment.observed, valueCounts: table.modelledColumns.map { _ in table.rowCount })
        var consumers: [any CompletedRowConsumer] = [distributions]
        if let deviations { consumers.append(try ConditionalDeviationsWriter(deviations, columnNames: model.columnNames)) }
        try RowCompleter(model: model, adjustment: adjustment, computesDeviations: deviations != nil)
            .completeRows(of: table.matrix, into: consumers)
        return TableFacts(table, distributions: distributions)
    }

    /// The facts of a loaded table, completed.
    init(_ table: LoadedTable, distributions: ColumnDistributions) {
        sample = table.matrix
        input = .init(path: table.input.name, rows: table.rowCount, bytes: table.byteCount)
        options = table.options
        columns = table.columns
        modelledNames = table.modelledNames
        observedCounts = table.matrix.observedCounts
        patternGroups = table.matrix.patternGroups()
        warnings = table.warnings
        histograms = distributions.histograms
        observedMoments = distributions.observedMoments
        imputedMoments = distributions.imputedMoments
        imputedCellCount = distributions.imputedCellCount
    }
}
