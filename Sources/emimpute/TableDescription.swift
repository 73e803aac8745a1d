import EMImpute
import Foundation

/// What `emimpute describe --json` prints: every column's type and counts, and the
/// missingness patterns of the modelled columns, most frequent first.
struct TableDescription: Encodable, Sendable {
    /// The input path as given.
    var input: String
    /// Data rows.
    var rows: Int
    /// Every input column.
    var columns: [ColumnProfile]
    /// Names of the modelled columns.
    var modelledColumns: [String]
    /// Distinct patterns with their row counts.
    var patterns: [ImputationReport.Pattern]
    /// The loader's warnings (`CSVWarning`), as the JSON report lists them.
    var warnings: [ImputationReport.Warning]
    /// Little's MCAR test at the maximum-likelihood estimates of the modelled columns; absent
    /// from the JSON when there is no missing cell or the model cannot be fitted.
    var littleTest: LittleTestReport?

    /// Describes a loaded table.
    init(_ table: LoadedTable) {
        input = table.input.name
        rows = table.rowCount
        columns = table.columns
        modelledColumns = table.modelledNames
        patterns = table.matrix.patternGroups().map { g in
            .init(missing: g.pattern.missingColumns.map { table.modelledNames[$0] }, rows: g.rowCount)
        }
        warnings = table.warnings.map { ImputationReport.Warning(.input($0), remedy: Remedy.text(for: .input($0))) }
        littleTest = Self.littleTest(table)
    }

    /// Little's test for `table`, or nil when it does not apply or cannot be computed.
    static func littleTest(_ table: LoadedTable) -> LittleTestReport? {
        guard table.matrix.missingCount > 0, let fit = try? GaussianEM().fit(table.matrix),
              let test = try? LittleMCARTest(table.matrix, model: fit.model) else { return nil }
        return LittleTestReport(test, columnNames: table.modelledNames)
    }

    /// Pretty-printed JSON with sorted keys.
    func json() throws -> String {
        try JSONOutput.encode(self)
    }
}
