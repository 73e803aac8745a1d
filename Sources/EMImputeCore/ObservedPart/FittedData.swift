/// The identity of the matrix a fit ran on, so that its imputations are put back only into it.
struct FittedData: Sendable {
    let rowCount: Int
    let columnCount: Int
    let fingerprint: UInt64

    init(_ data: IncompleteMatrix) {
        rowCount = data.rowCount
        columnCount = data.columnCount
        fingerprint = data.fingerprint
    }

    /// `data` with its missing cells replaced, in row-major order, by `imputed`.
    ///
    /// - Throws: `DataError.shapeMismatch` or `DataError.notTheFittedData` when `data` is
    ///   not the fitted matrix.
    func completed(_ data: IncompleteMatrix, with imputed: [Double]) throws(DataError) -> Matrix {
        guard data.rowCount == rowCount, data.columnCount == columnCount else {
            throw .shapeMismatch(rowCount: data.rowCount, columnCount: data.columnCount,
                                 expectedRowCount: rowCount, expectedColumnCount: columnCount)
        }
        guard data.fingerprint == fingerprint else { throw .notTheFittedData }
        var values = data.values
        var k = 0
        for i in values.indices where values[i].isNaN {
            values[i] = imputed[k]
            k += 1
        }
        return Matrix(checkedRowCount: rowCount, columnCount: columnCount, storage: values)
    }
}
