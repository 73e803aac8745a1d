/// One imputed cell of a completed table, produced once by the writer and read by everything
/// downstream (the conditional-deviations file, the report's column summaries and histograms,
/// the library's completed matrix): nothing matches values to cells by counting missing cells.
public struct ImputedCell: Sendable, Equatable {
    /// The data row, from 0 (the header is not counted).
    public var row: Int
    /// The modelled column, from 0, in the model's column order.
    public var column: Int
    /// The value as written: the model's imputation after any rounding or clamping.
    public var value: Double
    /// The conditional standard deviation of the cell given the observed cells of its row,
    /// when it was asked for.
    public var conditionalStandardDeviation: Double?

    /// A cell from its parts.
    public init(row: Int, column: Int, value: Double, conditionalStandardDeviation: Double? = nil) {
        self.row = row
        self.column = column
        self.value = value
        self.conditionalStandardDeviation = conditionalStandardDeviation
    }
}
