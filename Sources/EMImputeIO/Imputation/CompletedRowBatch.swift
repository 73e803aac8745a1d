import EMImputeCore

/// Consecutive completed rows in flat buffers, as pass 2 completes a range of its input: what
/// a `CompletedRowBatchConsumer` reads instead of one `CompletedRow` (an array of values and
/// one of cells) per row.
struct CompletedRowBatch {
    /// The index of the first row (data rows from 0).
    var firstIndex = 0
    /// Rows in the batch.
    var count = 0
    /// Modelled columns.
    var columnCount = 0
    /// The modelled values, row after row (`count` × `columnCount`), after imputation.
    var values: [Double] = []
    /// Every imputed cell of the batch, by row and then by column.
    var imputed: [ImputedCell] = []
    /// Row r's imputed cells are `imputed[imputedStarts[r]..<imputedStarts[r + 1]]` (count + 1 entries).
    var imputedStarts: [Int] = [0]

    /// Row `r` of the batch (0 ≤ r < count) as a row of its own.
    func row(_ r: Int) -> CompletedRow {
        let p = columnCount
        return CompletedRow(index: firstIndex + r, values: Array(values[(r * p)..<((r + 1) * p)]),
                            imputed: Array(imputed[imputedStarts[r]..<imputedStarts[r + 1]]))
    }

    /// Empties the batch, keeping its buffers' capacity.
    mutating func removeAll() {
        count = 0
        values.removeAll(keepingCapacity: true)
        imputed.removeAll(keepingCapacity: true)
        imputedStarts.removeAll(keepingCapacity: true)
        imputedStarts.append(0)
    }
}

/// A consumer that reads completed rows a batch at a time, in order: the same rows, in the
/// same order, as `consume(_:)` of each row would see.
protocol CompletedRowBatchConsumer: CompletedRowConsumer {
    /// Takes the next rows; a thrown error stops the writing.
    func consume(_ batch: CompletedRowBatch) throws
}

extension CompletedRowConsumer {
    /// Hands `batch` over: whole to a batch consumer, else a row at a time.
    func consumeRows(of batch: CompletedRowBatch) throws {
        if let consumer = self as? any CompletedRowBatchConsumer {
            try consumer.consume(batch)
            return
        }
        for r in 0..<batch.count { try consume(batch.row(r)) }
    }
}
