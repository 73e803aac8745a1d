/// Writes the `row,column,imputed,conditional_sd` file (`ConditionalDeviationsFile`) from the
/// completed rows as they are written: one line per imputed cell, the value as written.
final class ConditionalDeviationsWriter: CompletedRowConsumer {
    private let output: OutputTarget
    /// The model's column names, quoted as CSV fields where needed.
    private let names: [String]

    /// A writer to `output` for a model with `columnNames`; writes the header.
    init(_ output: OutputTarget, columnNames: [String]) throws {
        self.output = output
        names = columnNames.map(CSVField.quoted)
        try output.write(ConditionalDeviationsFile.header)
    }

    func consume(_ row: CompletedRow) throws {
        for cell in row.imputed {
            let sd = cell.conditionalStandardDeviation.map(ShortestDecimal.format) ?? ""
            try output.write("\(row.index + 1),\(names[cell.column]),\(ShortestDecimal.format(cell.value)),\(sd)\n")
        }
    }
}
