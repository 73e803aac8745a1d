import EMImputeCore

extension ImputedValueAdjustment {
    /// `cells` as `impute` would write them: every value through `adjusted(_:column:)`, the
    /// positions (and any conditional standard deviations) kept — the same rule for a fit held
    /// in memory as for the rows the writer streams.
    ///
    /// ```swift
    /// let adjustment = ImputedValueAdjustment(data, roundIntegers: true, clampToObservedRange: true)
    /// let completed = try adjustment.adjusted(fit.imputedCells).completing(data)
    /// ```
    ///
    /// - Throws: `ShapeError.columnCount` when the cells are of a matrix with another number
    ///   of columns than the adjustment describes.
    public func adjusted(_ cells: ImputedCells) throws(ShapeError) -> ImputedCells {
        guard cells.columnCount == observed.count else { throw .columnCount(expected: observed.count, found: cells.columnCount) }
        return cells.mapValues { adjusted($0.value, column: $0.column) }
    }
}
