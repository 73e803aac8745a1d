/// The identity of the matrix a fit ran on — its shape and a fingerprint of its cells — so
/// that the fit's imputed cells are put back only into it.
///
/// The imputed cells are matched to the missing cells by position (`ImputedCells`); the
/// fingerprint adds what positions cannot see: the observed cells the conditional means were
/// computed from. A matrix with the same missing cells but other observed values is not the
/// fitted data.
struct FittedData: Sendable {
    let rowCount: Int
    let columnCount: Int
    /// `IncompleteMatrix.fingerprint` of the matrix; nil for a fit on `PatternStatistics`,
    /// which holds no cells (and no imputations).
    let fingerprint: UInt64?

    /// The identity of `data`.
    init(_ data: IncompleteMatrix) {
        rowCount = data.rowCount
        columnCount = data.columnCount
        fingerprint = data.fingerprint
    }

    /// The shape of data that were summarised (statistics), with no fingerprint.
    init(rowCount: Int, columnCount: Int) {
        self.rowCount = rowCount
        self.columnCount = columnCount
        fingerprint = nil
    }

    /// Checks that `data` is the fitted matrix.
    ///
    /// - Throws: `DataError.shapeMismatch` for other dimensions, `DataError.notTheFittedData`
    ///   for other cells or column names, or when the fit ran on statistics.
    func check(_ data: IncompleteMatrix) throws(DataError) {
        guard data.rowCount == rowCount, data.columnCount == columnCount else {
            throw .shapeMismatch(rowCount: data.rowCount, columnCount: data.columnCount,
                                 expectedRowCount: rowCount, expectedColumnCount: columnCount)
        }
        guard data.fingerprint == fingerprint else { throw .notTheFittedData }
    }

    /// `data`, checked to be the fitted matrix, completed by `cells`.
    ///
    /// - Throws: as `check(_:)`.
    func completed(_ data: IncompleteMatrix, with cells: ImputedCells) throws(DataError) -> Matrix {
        try check(data)
        return try cells.completing(data)
    }
}
