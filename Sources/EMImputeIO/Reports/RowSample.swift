import EMImputeCore

/// A seeded uniform sample of the rows as read (reservoir sampling, Algorithm R), taken as
/// the completed rows stream past: what the overimputation check needs of a table that is
/// never held in memory. The sample depends only on the rows and the seed.
final class RowSample: CompletedRowConsumer {
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

    /// The sampled rows, missing cells as NaN.
    var matrix: IncompleteMatrix? {
        try? IncompleteMatrix(rowCount: rows.count, columnCount: columnNames.count, values: rows.flatMap { $0 }, columnNames: columnNames)
    }
}
