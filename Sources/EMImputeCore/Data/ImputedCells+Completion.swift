/// Putting imputed cells back into the matrix they belong to, by position.
extension ImputedCells {
    /// `data` with every missing cell set to the value imputed at its position.
    ///
    /// The cells must be exactly the missing cells of `data`: a completed matrix has no
    /// missing cell left, and a value is never written over an observed cell.
    ///
    /// - Throws: `DataError.shapeMismatch` when `data` has other dimensions,
    ///   `DataError.imputedCellObserved` when a cell is observed in `data`,
    ///   `DataError.missingCellNotImputed` when a missing cell of `data` has no imputed cell.
    /// - Complexity: O(n·p).
    public func completing(_ data: IncompleteMatrix) throws(DataError) -> Matrix {
        try checkFills(data)
        var out = data.values
        for k in offsets.indices { out[offsets[k]] = values[k] }
        return Matrix(checkedRowCount: data.rowCount, columnCount: data.columnCount, storage: out)
    }

    /// Checks that the cells are exactly the missing cells of `data` (one pass, no copy).
    ///
    /// - Throws: as `completing(_:)`.
    func checkFills(_ data: IncompleteMatrix) throws(DataError) {
        guard data.rowCount == rowCount, data.columnCount == columnCount else {
            throw .shapeMismatch(rowCount: data.rowCount, columnCount: data.columnCount,
                                 expectedRowCount: rowCount, expectedColumnCount: columnCount)
        }
        let p = columnCount
        var k = 0
        for (e, value) in data.values.enumerated() {
            let isImputed = k < offsets.count && offsets[k] == e
            if isImputed { k += 1 }
            if value.isNaN && !isImputed { throw .missingCellNotImputed(row: e / p, column: e % p) }
            if !value.isNaN && isImputed { throw .imputedCellObserved(row: e / p, column: e % p) }
        }
    }

    /// Writes the cells whose offsets fall in `start ..< start + count` into `block` (which
    /// holds those cells, row-major, from `block[0]`), starting the search at cell `k` and
    /// returning where the next block's search starts.
    func write(offsets start: Int, count: Int, into block: UnsafeMutablePointer<Double>, from k: Int) -> Int {
        var k = k
        while k < offsets.count && offsets[k] < start + count {
            block[offsets[k] - start] = values[k]
            k += 1
        }
        return k
    }
}
