import EMImputeCore

/// The `row,column,imputed,conditional_sd` CSV (`impute --sd-output`, `apply --sd-output`):
/// one line per imputed cell, in row order, with the value as written and the cell's
/// conditional standard deviation given the row's observed cells.
public enum ConditionalDeviationsFile {
    /// The header line.
    public static let header = "row,column,imputed,conditional_sd\n"

    /// Writes the file for the missing cells of `matrix` under `model`.
    ///
    /// - Parameters:
    ///   - matrix: the modelled columns (the model's, in order).
    ///   - writtenValues: the imputed values as written, row-major over the missing cells.
    /// - Throws: `GaussianModelError.illConditioned`, or the output's errors.
    /// - Complexity: O(n·p) plus one factorisation per row with a missing cell.
    public static func write(_ matrix: IncompleteMatrix, model: GaussianModel, writtenValues: [Double], to output: OutputTarget) throws {
        try write(matrix, model: .gaussian(model), writtenValues: writtenValues, to: output)
    }

    /// Writes the file for the missing cells of `matrix` under a model of any kind: the
    /// normal's conditional SD, the mixture's within- plus between-component SD, or the t's
    /// √((ν + δ²)/(ν + o − 2) · C_jj).
    ///
    /// - Throws: `GaussianModelError.illConditioned`, or the output's errors.
    public static func write(_ matrix: IncompleteMatrix, model: FittedModel, writtenValues: [Double], to output: OutputTarget) throws {
        try output.write(header)
        let imputer = model.rowImputer()
        let p = matrix.columnCount
        var k = 0
        for i in 0..<matrix.rowCount {
            let row = Array(matrix.values[(i * p)..<((i + 1) * p)])
            guard row.contains(where: \.isNaN) else { continue }
            let deviations = try imputer.conditionalStandardDeviations(row)
            for j in 0..<p where row[j].isNaN {
                try output.write("\(i + 1),\(CSVField.quoted(model.columnNames[j])),\(ShortestDecimal.format(writtenValues[k])),\(ShortestDecimal.format(deviations[j]))\n")
                k += 1
            }
        }
    }
}
