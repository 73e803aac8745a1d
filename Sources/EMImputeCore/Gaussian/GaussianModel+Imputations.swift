extension GaussianModel {
    /// The conditional mean of every missing cell of `data` (the model's columns, in the
    /// model's order), each with its row and column — what `completed(_:)` writes into those
    /// cells, computed the same way (one factorisation per missingness pattern).
    ///
    /// - Throws: `DataError.columnsDiffer` when `data`'s columns are not the model's, in
    ///   order; `GaussianModelError.illConditioned` as `impute(row:)`.
    /// - Complexity: O(n·p) plus one small factorisation per distinct missingness pattern.
    public func imputedCells(for data: IncompleteMatrix) throws -> ImputedCells {
        guard data.columnNames == columnNames else {
            let known = Set(columnNames), present = Set(data.columnNames)
            throw DataError.columnsDiffer(missing: columnNames.filter { !present.contains($0) },
                                          unexpected: data.columnNames.filter { !known.contains($0) })
        }
        return try imputedCells(for: data, layout: PatternLayout(data))
    }
}
