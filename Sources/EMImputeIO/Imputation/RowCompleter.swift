import EMImputeCore

/// Completes one row at a time under a fitted model: the model's imputations of the row's
/// missing cells, then rounding or clamping (`ImputedValueAdjustment`), as typed cells. The one
/// place where an imputed value becomes the value written: the CSV writer, the reports and
/// the library's completed matrix all read what it returns.
struct RowCompleter {
    /// What fills a row's missing cells.
    private enum Source {
        /// The model's conditional means.
        case model(any RowImputing)
        /// Random draws of one imputation of multiple imputation.
        case draws(RowDrawer, DrawTally)
        /// Values given per cell (row, modelled column).
        case values(@Sendable (_ row: Int, _ column: Int) throws -> Double)
    }

    /// What the draws of a drawing completer did (cells redrawn for their bounds, or set to one).
    final class DrawTally {
        var counts = RowDrawer.Counts()
    }

    private let source: Source
    private let adjustment: ImputedValueAdjustment?
    private let columnNames: [String]
    /// Whether the cells carry their conditional standard deviations.
    let computesDeviations: Bool

    /// A completer for `model`; `adjustment` (aligned with the model's columns) is applied to
    /// every imputed value.
    init(model: FittedModel, adjustment: ImputedValueAdjustment?, computesDeviations: Bool) {
        source = .model(model.rowImputer())
        self.adjustment = adjustment?.isActive == true ? adjustment : nil
        columnNames = model.columnNames
        self.computesDeviations = computesDeviations
    }

    /// A completer that draws each missing cell under one imputation's parameter draw (multiple
    /// imputation); `adjustment` is applied to every drawn value.
    init(drawing draw: ImputationDraw, adjustment: ImputedValueAdjustment?) {
        source = .draws(draw.rowDrawer(), DrawTally())
        self.adjustment = adjustment?.isActive == true ? adjustment : nil
        columnNames = draw.model.columnNames
        computesDeviations = false
    }

    /// A completer that takes each imputed cell's value from `value(row, column)` (rows from
    /// 0, modelled columns in order) before `adjustment`: values computed elsewhere, written
    /// by the one writer.
    init(columnNames: [String], adjustment: ImputedValueAdjustment?, value: @escaping @Sendable (_ row: Int, _ column: Int) throws -> Double) {
        source = .values(value)
        self.adjustment = adjustment?.isActive == true ? adjustment : nil
        self.columnNames = columnNames
        computesDeviations = false
    }

    /// The redraws of a drawing completer so far (none for conditional means).
    var drawCounts: RowDrawer.Counts {
        if case .draws(_, let tally) = source { return tally.counts }
        return RowDrawer.Counts()
    }

    /// Data row `index` (from 0) with modelled `values` (model order, NaN = missing), completed.
    ///
    /// - Throws: `EMError.imputationOutOfRange` when an imputation is not finite, and the
    ///   model's errors (`GaussianModelError.illConditioned`).
    func complete(_ values: [Double], index: Int) throws -> CompletedRow {
        guard values.contains(where: \.isNaN) else { return CompletedRow(index: index, values: values, imputed: []) }
        var row = values
        var deviations: [Double] = []
        switch source {
        case .model(let imputer):
            if computesDeviations { deviations = try imputer.conditionalStandardDeviations(row: row) }
            try imputer.impute(row: &row)
        case .draws(let drawer, let tally):
            guard values.count == drawer.dimension else {
                throw DataError.columnCountMismatch(count: values.count, expected: drawer.dimension)
            }
            let counts = try values.withUnsafeBufferPointer { x in
                try drawer.draw(row: index, x.baseAddress!, isStandardized: false) { j, v in row[j] = v }
            }
            tally.counts.redrawn += counts.redrawn
            tally.counts.setToBound += counts.setToBound
        case .values(let value):
            for k in row.indices where row[k].isNaN { row[k] = try value(index, k) }
        }
        var cells: [ImputedCell] = []
        var missingCount = 0
        for v in values where v.isNaN { missingCount += 1 }
        cells.reserveCapacity(missingCount)
        for k in row.indices where values[k].isNaN {
            guard row[k].isFinite else { throw EMError.imputationOutOfRange(column: columnNames[k], row: index + 1) }
            let value = adjustment?.adjusted(row[k], column: k) ?? row[k]
            row[k] = value
            cells.append(ImputedCell(row: index, column: k, value: value,
                                     conditionalStandardDeviation: computesDeviations ? deviations[k] : nil))
        }
        return CompletedRow(index: index, values: row, imputed: cells)
    }

    /// Completes every row of `matrix` (the model's columns, in order) and hands each to
    /// `consumers`, in row order: the stream a written CSV would produce, for a table in memory.
    func completeRows(of matrix: IncompleteMatrix, into consumers: [any CompletedRowConsumer]) throws {
        let p = matrix.columnCount
        try matrix.values.withUnsafeBufferPointer { x in
            for i in 0..<matrix.rowCount {
                let row = try complete(Array(x[(i * p)..<((i + 1) * p)]), index: i)
                for consumer in consumers { try consumer.consume(row) }
            }
        }
    }
}
