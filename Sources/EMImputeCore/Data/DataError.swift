import Foundation

/// Why data handed to the library cannot be used as given: their shape, their values or
/// their column names. Row and column indices are 0-based, as in `IncompleteMatrix`'s
/// subscript.
///
/// ```swift
/// do {
///     _ = try IncompleteMatrix(rows: [[1, 2], [3]])
/// } catch let error as DataError {
///     print(error)  // row 1 has 1 value(s) where the matrix has 2 columns
/// }
/// ```
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    /// A row or column count below zero.
    case negativeDimension(rowCount: Int, columnCount: Int)
    /// `count` values where `rowCount × columnCount` are needed (or that product overflows `Int`).
    case valueCountMismatch(count: Int, rowCount: Int, columnCount: Int)
    /// Row `row` has `count` values where the matrix has `expected` columns.
    case rowLengthMismatch(row: Int, count: Int, expected: Int)
    /// `names` column names for `columns` columns.
    case columnNameCountMismatch(names: Int, columns: Int)
    /// Two columns share `name`, so a column cannot be found by its name.
    case duplicateColumnName(String)
    /// The cell in row `row`, column `column` is ±∞; a missing cell is NaN (or nil), and an
    /// infinite value is not a measurement.
    case infiniteValue(row: Int, column: Int)
    /// Data with `count` columns (or a row with `count` values) where `expected` are needed;
    /// reported when columns are matched by position.
    case columnCountMismatch(count: Int, expected: Int)
    /// Columns are matched by name and the names differ: `missing` are needed but absent,
    /// `unexpected` are present but unknown.
    case columnsDiffer(missing: [String], unexpected: [String])
    /// A fit's result completes only the matrix it was fitted on; this one has another shape.
    case shapeMismatch(rowCount: Int, columnCount: Int, expectedRowCount: Int, expectedColumnCount: Int)
    /// A fit's result completes only the matrix it was fitted on; this one has the same shape
    /// but other cells or other column names.
    case notTheFittedData
    /// A storage of kept rows holds `cells` cells where the statistics' kept rows have
    /// `expected`: it was written for other statistics.
    case keptRowsDiffer(cells: Int, expected: Int)
    /// An imputed cell at `row`, `column` lies outside a matrix of `rowCount` × `columnCount`.
    case cellOutOfRange(row: Int, column: Int, rowCount: Int, columnCount: Int)
    /// Two imputed cells are given for the same position.
    case repeatedCell(row: Int, column: Int)
    /// An imputed cell's value is NaN or ±∞.
    case nonFiniteImputedValue(row: Int, column: Int)
    /// Imputed cells fill the cell at `row`, `column`, which the matrix observes: they were
    /// computed for another matrix.
    case imputedCellObserved(row: Int, column: Int)
    /// The cell at `row`, `column` is missing in the matrix but has no imputed cell: the
    /// imputed cells were computed for another matrix.
    case missingCellNotImputed(row: Int, column: Int)

    /// What is wrong, in the library's terms.
    public var description: String {
        switch self {
        case .negativeDimension(let n, let p):
            return "a matrix cannot have \(n) row(s) and \(p) column(s): dimensions must be at least 0"
        case .valueCountMismatch(let count, let n, let p):
            return "\(count) value(s) do not fill a matrix of \(n) row(s) and \(p) column(s)"
        case .rowLengthMismatch(let row, let count, let expected):
            return "row \(row) has \(count) value(s) where the matrix has \(expected) columns"
        case .columnNameCountMismatch(let names, let columns):
            return "\(names) column name(s) for \(columns) column(s): give one name per column"
        case .duplicateColumnName(let name):
            return "the column name '\(name)' is used more than once; column names must be unique"
        case .infiniteValue(let row, let column):
            return "the cell in row \(row), column \(column) is infinite; mark a missing cell with NaN (or nil) instead"
        case .columnCountMismatch(let count, let expected):
            return "the data have \(count) column(s) where \(expected) are expected"
        case .columnsDiffer(let missing, let unexpected):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("lack the model's column(s) \(Self.list(missing))") }
            if !unexpected.isEmpty { parts.append("have column(s) \(Self.list(unexpected)) that the model does not know") }
            return "columns are matched by name, and the data " + parts.joined(separator: " and ")
        case .shapeMismatch(let n, let p, let expectedN, let expectedP):
            return "the matrix has \(n) row(s) and \(p) column(s), but the result was fitted on \(expectedN) row(s) and \(expectedP) column(s); complete other data with the fitted model (model.completed(_:))"
        case .notTheFittedData:
            return "the matrix is not the one the result was fitted on (its cells or column names differ); complete other data with the fitted model (model.completed(_:))"
        case .keptRowsDiffer(let cells, let expected):
            return "the storage of kept rows holds \(cells) cell(s) where the statistics' kept rows have \(expected); it belongs to other statistics"
        case .cellOutOfRange(let row, let column, let n, let p):
            return "an imputed cell at row \(row), column \(column) lies outside a matrix of \(n) row(s) and \(p) column(s)"
        case .repeatedCell(let row, let column):
            return "two imputed cells are given for row \(row), column \(column)"
        case .nonFiniteImputedValue(let row, let column):
            return "the imputed value at row \(row), column \(column) is not a finite number"
        case .imputedCellObserved(let row, let column):
            return "the cell in row \(row), column \(column) is observed, but the imputed cells fill it: they were computed for another matrix"
        case .missingCellNotImputed(let row, let column):
            return "the cell in row \(row), column \(column) is missing, but no imputed cell fills it: the imputed cells were computed for another matrix"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }

    static func list(_ names: [String]) -> String {
        names.map { "'\($0)'" }.joined(separator: ", ")
    }
}
