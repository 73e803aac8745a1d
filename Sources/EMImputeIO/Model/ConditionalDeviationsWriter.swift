/// Writes the `row,column,imputed,conditional_sd` file (`ConditionalDeviationsFile`) from the
/// completed rows as they are written: one line per imputed cell, the value as written.
final class ConditionalDeviationsWriter: CompletedRowBatchConsumer {
    private let output: OutputTarget
    /// The model's column names, quoted as CSV fields where needed.
    private let names: [String]
    /// `names` as bytes, each followed by a comma.
    private let nameFields: [[UInt8]]
    /// A batch's lines, written at once.
    private var text: [UInt8] = []

    /// A writer to `output` for a model with `columnNames`; writes the header.
    init(_ output: OutputTarget, columnNames: [String]) throws {
        self.output = output
        names = columnNames.map(CSVField.quoted)
        nameFields = names.map { Array(($0 + ",").utf8) }
        try output.write(ConditionalDeviationsFile.header)
    }

    func consume(_ row: CompletedRow) throws {
        for cell in row.imputed {
            let sd = cell.conditionalStandardDeviation.map(ShortestDecimal.format) ?? ""
            try output.write("\(row.index + 1),\(names[cell.column]),\(ShortestDecimal.format(cell.value)),\(sd)\n")
        }
    }

    func consume(_ batch: CompletedRowBatch) throws {
        text.removeAll(keepingCapacity: true)
        for cell in batch.imputed {
            // "\(row + 1),\(name),\(value),\(sd)\n", as `consume(_:)` spells it.
            text.append(contentsOf: String(cell.row + 1).utf8)
            text.append(UInt8(ascii: ","))
            text.append(contentsOf: nameFields[cell.column])
            ShortestDecimal.append(cell.value, to: &text)
            text.append(UInt8(ascii: ","))
            if let sd = cell.conditionalStandardDeviation { ShortestDecimal.append(sd, to: &text) }
            text.append(UInt8(ascii: "\n"))
        }
        try text.withUnsafeBytes { try output.write($0) }
    }
}
