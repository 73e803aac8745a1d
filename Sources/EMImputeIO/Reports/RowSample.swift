import EMImputeCore

/// A seeded uniform sample of the rows as read (reservoir sampling, Algorithm R), taken as
/// the completed rows stream past: what the overimputation check needs of a table that is
/// never held in memory. The sample depends only on the rows and the seed.
final class RowSample: CompletedRowBatchConsumer {
    /// Rows kept at most.
    static let capacity = 4000
    private var generator: SeededGenerator
    private var rows: [[Double]] = []
    private var seen = 0
    private let columnNames: [String]

    init(columnNames: [String], seed: UInt64) {
        self.columnNames = columnNames
        generator = SeededGenerator(seed: seed ^ 0x6F76_6572_696D_7075)
    }

    func consume(_ row: CompletedRow) {
        seen += 1
        var values = row.values
        for cell in row.imputed { values[cell.column] = .nan }  // as read
        if rows.count < Self.capacity {
            rows.append(values)
        } else {
            let k = Int(generator.next() % UInt64(seen))
            if k < Self.capacity { rows[k] = values }
        }
    }

    func consume(_ batch: CompletedRowBatch) {
        let p = batch.columnCount
        // Local state for the batch (no exclusivity check per row); the same draws in the same order.
        var seen = self.seen, generator = self.generator, rows = self.rows
        self.rows = []
        defer {
            self.seen = seen
            self.generator = generator
            self.rows = rows
        }
        for r in 0..<batch.count {
            seen += 1
            // A row is copied only when it is kept.
            let slot: Int
            if rows.count < Self.capacity {
                slot = rows.count
            } else {
                let k = Int(generator.next() % UInt64(seen))
                guard k < Self.capacity else { continue }
                slot = k
            }
            var values = Array(batch.values[(r * p)..<((r + 1) * p)])
            for c in batch.imputedStarts[r]..<batch.imputedStarts[r + 1] { values[batch.imputed[c].column] = .nan }  // as read
            if slot == rows.count { rows.append(values) } else { rows[slot] = values }
        }
    }

    /// The sampled rows, missing cells as NaN.
    var matrix: IncompleteMatrix? {
        try? IncompleteMatrix(rowCount: rows.count, columnCount: columnNames.count, values: rows.flatMap { $0 }, columnNames: columnNames)
    }
}
