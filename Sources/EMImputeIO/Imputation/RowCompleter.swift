import EMImputeCore

/// Completes one row at a time under a fitted model: the model's imputations of the row's
/// missing cells, then rounding or clamping (`ImputedValueAdjustment`), as typed cells. The one
/// place where an imputed value becomes the value written: the CSV writer, the reports and
/// the library's completed matrix all read what it returns.
struct RowCompleter {
    private let imputer: any RowImputing
    private let adjustment: ImputedValueAdjustment?
    private let columnNames: [String]
    /// Whether the cells carry their conditional standard deviations.
    let computesDeviations: Bool

    /// A completer for `model`; `adjustment` (aligned with the model's columns) is applied to
    /// every imputed value.
    init(model: FittedModel, adjustment: ImputedValueAdjustment?, computesDeviations: Bool) {
        imputer = model.rowImputer()
        self.adjustment = adjustment?.isActive == true ? adjustment : nil
        columnNames = model.columnNames
        self.computesDeviations = computesDeviations
    }

    /// Data row `index` (from 0) with modelled `values` (model order, NaN = missing), completed.
    ///
    /// - Throws: `EMError.imputationOutOfRange` when an imputation is not finite, and the
    ///   model's errors (`GaussianModelError.illConditioned`).
    func complete(_ values: [Double], index: Int) throws -> CompletedRow {
        guard values.contains(where: \.isNaN) else { return CompletedRow(index: index, values: values, imputed: []) }
        var row = values
        let deviations = computesDeviations ? try imputer.conditionalStandardDeviations(row: row) : []
        try imputer.impute(row: &row)
        var cells: [ImputedCell] = []
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
