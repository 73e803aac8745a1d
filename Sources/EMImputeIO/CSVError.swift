/// A problem with the input CSV, located as precisely as the parser can: file, line
/// (1-based, physical), and column (1-based field index, with its name when known).
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public enum Kind: Sendable, Equatable {
        /// The input could not be opened or read.
        case cannotOpen(reason: String)
        /// The input has no bytes (or only blank lines).
        case empty
        /// A header but no data rows.
        case noDataRows
        /// A quote in the middle of an unquoted field, or text after a closing quote.
        case malformedQuote
        /// A quoted field still open at the end of the input.
        case unterminatedQuote
        /// A record with a different number of fields than the header.
        case raggedRow(expected: Int, found: Int)
        /// Two columns share a name.
        case duplicateColumnName(name: String, firstColumn: Int)
        /// A column named in --columns or --exclude that the header lacks.
        case unknownColumn(name: String)
        /// A column that is numeric except for some cells that are neither numbers nor
        /// missing-value codes.
        case mixedColumn(name: String, offending: [OffendingCell], total: Int)
        /// A column asked for with --columns that is not numeric.
        case notNumeric(name: String, offending: [OffendingCell])
        /// The parser ran out of memory or a field exceeded its limits.
        case tooLarge
    }

    /// A cell that is neither a finite number nor a missing-value code.
    public struct OffendingCell: Sendable, Equatable {
        /// 1-based physical line.
        public let line: Int
        /// The cell's text (at most 40 characters).
        public let text: String
        /// Why it is not a number ("not a number", "out of range").
        public let reason: String
        /// Whether `text` is the whole cell, printable as is (so usable as an --na code).
        public let isExact: Bool

        /// A cell from its parts.
        public init(line: Int, text: String, reason: String, isExact: Bool = true) {
            self.line = line
            self.text = text
            self.reason = reason
            self.isExact = isExact
        }
    }

    /// The file as the user named it ("<stdin>" for standard input).
    public let file: String
    /// 1-based physical line, when a place is involved.
    public let line: Int?
    /// 1-based column (field) index, when a column is involved.
    public let column: Int?
    /// What is wrong.
    public let kind: Kind

    /// An error at a place.
    public init(file: String, line: Int? = nil, column: Int? = nil, kind: Kind) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
    }

    /// `file:line:column` as far as known.
    public var location: String {
        var s = file
        if let line { s += ":\(line)" }
        if let column { s += (line == nil ? ":column " : ":") + "\(column)" }
        return s
    }

    /// One line saying where and what, then what to do.
    public var description: String {
        switch kind {
        case .cannotOpen(let reason):
            return "\(file): cannot open: \(reason). Check the path and permissions."
        case .empty:
            return "\(file): the file is empty. Nothing to impute."
        case .noDataRows:
            return "\(file): there is a header but no data rows. Nothing to impute."
        case .malformedQuote:
            return "\(location): malformed quoting (a quote inside an unquoted field, or text after a closing quote). Quote the whole field and double any quote inside it (\"a \"\"b\"\" c\")."
        case .unterminatedQuote:
            return "\(location): a quoted field is never closed. Add the closing quote."
        case .raggedRow(let expected, let found):
            return "\(location): this row has \(found) field(s) but the header has \(expected). Fix the row, or quote fields that contain the delimiter (or choose the right one with --delimiter)."
        case .duplicateColumnName(let name, let first):
            return "\(location): column name '\(name)' is used again (first at column \(first)). Rename one of them in the header."
        case .unknownColumn(let name):
            return "\(file): no column is named '\(name)'. Column names are case-sensitive; run 'emimpute describe \(file)' to list them."
        case .mixedColumn(let name, let cells, let total):
            let list = cells.map { "line \($0.line) '\($0.text)' (\($0.reason))" }.joined(separator: ", ")
            let exclude = "leave the column out with --exclude '\(name)'"
            if let code = cells.first, code.isExact, code.text.count <= 20 {
                return "\(location): column '\(name)' is numeric except for \(total) cell(s): \(list). If these are missing-value codes add --na '\(code.text)'; otherwise \(exclude)."
            }
            return "\(location): column '\(name)' is numeric except for \(total) cell(s): \(list). Fix those cells, or \(exclude)."
        case .notNumeric(let name, let cells):
            let list = cells.map { "line \($0.line) '\($0.text)'" }.joined(separator: ", ")
            return "\(location): column '\(name)' was chosen with --columns but is not numeric (\(list)). Choose numeric columns only, or add missing-value codes with --na."
        case .tooLarge:
            return "\(location): a field is too large to parse (out of memory). Check that the quoting is balanced."
        }
    }
}
