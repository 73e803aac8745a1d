/// One imputed cell: where it is (row, column) and the value put there — the unit every
/// consumer of imputations reads (a completed matrix, the CSV writer, the reports), so that
/// nothing matches values to cells by counting missing cells.
public struct ImputedCell: Sendable, Equatable {
    /// The data row, from 0 (a CSV's header is not counted).
    public var row: Int
    /// The column, from 0: the matrix's column, or for a table the modelled column in the
    /// model's order.
    public var column: Int
    /// The imputed value (in a written table, after any rounding or clamping).
    public var value: Double
    /// The conditional standard deviation of the cell given the observed cells of its row,
    /// when it was computed.
    public var conditionalStandardDeviation: Double?

    /// A cell from its parts.
    public init(row: Int, column: Int, value: Double, conditionalStandardDeviation: Double? = nil) {
        self.row = row
        self.column = column
        self.value = value
        self.conditionalStandardDeviation = conditionalStandardDeviation
    }
}
