import EMImputeCore

/// One data row of a completed table as the writer produced it: the modelled values (observed
/// cells as read, imputed cells as written) and the imputed cells themselves.
public struct CompletedRow: Sendable {
    /// The data row, from 0 (the header is not counted).
    public var index: Int
    /// The modelled values of the row, in the model's column order, after imputation.
    public var values: [Double]
    /// The row's imputed cells, in column order (empty for a complete row).
    public var imputed: [ImputedCell]

    /// Whether modelled column `column` was observed in this row.
    public func isObserved(_ column: Int) -> Bool { !imputed.contains { $0.column == column } }
}

/// Reads the completed rows of a table as they are written, in order.
public protocol CompletedRowConsumer: AnyObject {
    /// Takes the next row; a thrown error stops the writing.
    func consume(_ row: CompletedRow) throws
}
