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

    /// A row's missing columns, deviations and values as read, without an allocation per row.
    final class Scratch {
        private var capacity = 0
        private var buffer: UnsafeMutableRawPointer?

        deinit { buffer?.deallocate() }

        /// Room for rows of `p` values; returns the start of the buffer.
        private func reserve(_ p: Int) -> UnsafeMutableRawPointer {
            if let buffer, p <= capacity { return buffer }
            buffer?.deallocate()
            // Columns as Int, then deviations and values as Double: three rows of words.
            capacity = max(1, p)
            let words = 3 * capacity
            buffer = .allocate(byteCount: words * 8, alignment: 8)
            buffer!.initializeMemory(as: UInt64.self, repeating: 0, count: words)
            return buffer!
        }

        func missing(_ p: Int) -> UnsafeMutablePointer<Int> { reserve(p).assumingMemoryBound(to: Int.self) }
        func deviations(_ p: Int) -> UnsafeMutablePointer<Double> { (reserve(p) + 8 * capacity).assumingMemoryBound(to: Double.self) }
        func original(_ p: Int) -> UnsafeMutablePointer<Double> { (reserve(p) + 16 * capacity).assumingMemoryBound(to: Double.self) }
    }

    /// What the draws of a drawing completer did (cells redrawn for their bounds, or set to one).
    final class DrawTally {
        var counts = RowDrawer.Counts()
    }

    private let source: Source
    /// Per-row buffers, reused (a completer belongs to one thread).
    private let scratch = Scratch()
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
        var cells: [ImputedCell] = []
        try row.withUnsafeMutableBufferPointer { row in
            _ = try complete(row: row.baseAddress!, count: row.count, index: index, into: &cells)
        }
        return CompletedRow(index: index, values: row, imputed: cells)
    }

    /// Completes data row `index` (from 0) in place: the `count` modelled values at `row`
    /// (model order, NaN = missing) get their imputed cells as written, and those cells are
    /// appended to `cells` in column order. Nothing is allocated per row (pass 2's path).
    ///
    /// - Returns: the number of imputed cells.
    /// - Throws: as `complete(_:index:)`; `row` and `cells` are then unspecified.
    func complete(row: UnsafeMutablePointer<Double>, count p: Int, index: Int, into cells: inout [ImputedCell]) throws -> Int {
        let missing = scratch.missing(p), deviations = scratch.deviations(p)
        var nm = 0
        for k in 0..<p where row[k].isNaN { missing[nm] = k; nm += 1 }
        guard nm > 0 else { return 0 }
        switch source {
        case .model(let imputer):
            try imputer.impute(row: row, count: p, deviations: computesDeviations ? deviations : nil)
        case .draws(let drawer, let tally):
            guard p == drawer.dimension else {
                throw DataError.columnCountMismatch(count: p, expected: drawer.dimension)
            }
            // The drawer reads the row as read while the drawn cells are written.
            let original = scratch.original(p)
            original.update(from: row, count: p)
            let counts = try drawer.draw(row: index, original, isStandardized: false) { j, v in row[j] = v }
            tally.counts.redrawn += counts.redrawn
            tally.counts.setToBound += counts.setToBound
        case .values(let value):
            for a in 0..<nm { row[missing[a]] = try value(index, missing[a]) }
        }
        for a in 0..<nm {
            let k = missing[a]
            guard row[k].isFinite else { throw EMError.imputationOutOfRange(column: columnNames[k], row: index + 1) }
            let value = adjustment?.adjusted(row[k], column: k) ?? row[k]
            row[k] = value
            cells.append(ImputedCell(row: index, column: k, value: value,
                                     conditionalStandardDeviation: computesDeviations ? deviations[k] : nil))
        }
        return nm
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
