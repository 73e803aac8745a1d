import EMImputeCore
import Foundation

/// What `emimpute describe --json` prints: every column's type and counts, and the
/// missingness patterns of the modelled columns, most frequent first.
public struct TableDescription: Codable, Sendable {
    /// The input path as given.
    public var input: String
    /// Data rows.
    public var rows: Int
    /// Every input column.
    public var columns: [ColumnProfile]
    /// Names of the modelled columns.
    public var modelledColumns: [String]
    /// Distinct patterns with their row counts.
    public var patterns: [ImputationReport.Pattern]
    /// The loader's warnings (`CSVWarning`), as the JSON report lists them.
    public var warnings: [EMWarning]
    /// Little's MCAR test at the maximum-likelihood estimates of the modelled columns; absent
    /// from the JSON when there is no missing cell or the model cannot be fitted.
    public var littleTest: LittleTestReport?

    /// Describes a loaded table.
    public init(_ table: LoadedTable) {
        input = table.input.name
        rows = table.rowCount
        columns = table.columns
        modelledColumns = table.modelledNames
        patterns = table.matrix.patternGroups().map { g in
            .init(missing: g.pattern.missingColumns.map { table.modelledNames[$0] }, rows: g.rowCount)
        }
        warnings = table.warnings.map(\.reportWarning)
        littleTest = Self.littleTest(table)
    }

    /// Little's test for `table`, or nil when it does not apply or cannot be computed.
    static func littleTest(_ table: LoadedTable) -> LittleTestReport? {
        guard table.matrix.missingCount > 0, let fit = try? GaussianEM().fit(table.matrix),
              let test = try? LittleMCARTest(table.matrix, model: fit.model) else { return nil }
        return LittleTestReport(test, columnNames: table.modelledNames)
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        try JSONOutput.encode(self)
    }
}
