import Foundation

/// A problem with the input CSV, located as precisely as the parser can: file, line
/// (1-based, physical), and column (1-based field index, with its name when known).
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
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
        /// A column chosen (to model or to leave out) that the header lacks.
        case unknownColumn(name: String)
        /// A column that is numeric except for some cells that are neither numbers nor
        /// missing-value codes.
        case mixedColumn(name: String, offending: [OffendingCell], total: Int)
        /// A column chosen to be modelled that is not numeric.
        case notNumeric(name: String, offending: [OffendingCell])
        /// The parser ran out of memory or a field exceeded its limits.
        case tooLarge
        /// Standard input (or another input that is not a regular file, such as a pipe) could
        /// not be copied to a temporary file in `folder` (TMPDIR, or the system's default),
        /// as it must be for the output to be written.
        case cannotSpool(folder: String, reason: String)
        /// The input read to write the output is not the input that was fitted: it changed
        /// between the two reads.
        case inputChanged(InputChange)
    }

    /// How the input differs, when read again, from what was read the first time.
    public enum InputChange: Sendable, Equatable {
        /// It was deleted.
        case removed
        /// Another file now stands at its path (renamed over it).
        case replaced
        /// Its size went from `from` to `to` bytes (for example, it was truncated).
        case resized(from: Int, to: Int)
        /// Its modification time changed.
        case modified
        /// Its bytes differ (same size and modification time).
        case rewritten
    }

    /// A cell that is neither a finite number nor a missing-value code.
    public struct OffendingCell: Sendable, Equatable {
        /// 1-based physical line.
        public let line: Int
        /// The cell's text (at most 40 characters).
        public let text: String
        /// Why it is not a number.
        public let reason: Reason
        /// Whether `text` is the whole cell, printable as is (so usable as a missing-value code).
        public let isExact: Bool

        /// Why a cell is not a number.
        public enum Reason: String, Sendable, Equatable, CustomStringConvertible {
            /// Text (nothing a number parser reads).
            case notANumber = "not a number"
            /// A number beyond the range of a double.
            case outOfRange = "out of range"
            /// A number written with a decimal comma (`1,5`).
            case decimalComma = "a decimal comma"
            /// A number written with thousands separators (`1,234`).
            case thousandsSeparators = "thousands separators"

            /// The reason in words, as messages quote it.
            public var description: String { rawValue }

            /// The reason for a cell that `DecimalParser` refused with `failure`.
            static func of(_ failure: DecimalParser.Failure, _ cell: UnsafeBufferPointer<UInt8>) -> Reason {
                if failure == .outOfRange { return .outOfRange }
                switch NumberNotation.of(cell) {
                case .decimalComma: return .decimalComma
                case .thousandsSeparators, .ambiguousComma: return .thousandsSeparators
                case .other: return .notANumber
                }
            }
        }

        /// Whether the cell is a number in a notation the loader does not read (a decimal
        /// comma, thousands separators) rather than text.
        public var isNumberInOtherNotation: Bool { reason == .decimalComma || reason == .thousandsSeparators }

        /// A cell from its parts.
        public init(line: Int, text: String, reason: Reason, isExact: Bool = true) {
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

    /// Whether the reader could leave the column out (`impute` can; `apply` cannot drop a
    /// column its model needs), which decides the remedy offered for a bad cell.
    public let canLeaveColumnOut: Bool

    /// An error at a place.
    public init(file: String, line: Int? = nil, column: Int? = nil, kind: Kind, canLeaveColumnOut: Bool = true) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
        self.canLeaveColumnOut = canLeaveColumnOut
    }

    /// `file:line:column` as far as known.
    public var location: String {
        var s = PrintableText.escaping(file)
        if let line { s += ":\(line)" }
        if let column { s += (line == nil ? ":column " : ":") + "\(column)" }
        return s
    }

    /// One line saying where and what is wrong, in the library's terms (what to do depends on
    /// the caller: the command line adds a remedy in its own flags). Names and cell texts from
    /// the data are shown with `PrintableText`, so no invisible character reaches the terminal raw.
    public var description: String {
        let file = PrintableText.escaping(self.file)
        func shown(_ name: String) -> String { PrintableText.escaping(name) }
        switch kind {
        case .cannotOpen(let reason):
            return "\(file): cannot open: \(reason)"
        case .empty:
            return "\(file): the file is empty"
        case .noDataRows:
            return "\(file): there is a header but no data rows"
        case .malformedQuote:
            return "\(location): malformed quoting (a quote inside an unquoted field, or text after a closing quote)"
        case .unterminatedQuote:
            return "\(location): a quoted field is never closed"
        case .raggedRow(let expected, let found):
            return "\(location): this row has \(found) field(s) but the header has \(expected)"
        case .duplicateColumnName(let name, let first):
            return "\(location): column name '\(shown(name))' is used again (first at column \(first))"
        case .unknownColumn(let name):
            return "\(file): no column is named '\(shown(name))'"
        case .mixedColumn(let name, let cells, let total):
            let list = cells.map { "line \($0.line) '\($0.text)' (\($0.reason))" }.joined(separator: ", ")
            return "\(location): column '\(shown(name))' is numeric except for \(total) cell(s): \(list)"
        case .notNumeric(let name, let cells):
            let list = cells.map { "line \($0.line) '\($0.text)'" + ($0.reason == .notANumber ? "" : " (\($0.reason))") }.joined(separator: ", ")
            return "\(location): column '\(shown(name))' was chosen to be modelled but is not numeric (\(list))"
        case .tooLarge:
            return "\(location): a field is too large to parse (out of memory)"
        case .cannotSpool(let folder, let reason):
            return "\(file): cannot copy the input to a temporary file in the folder '\(shown(folder))': \(reason)"
        case .inputChanged(let change):
            let what: String
            switch change {
            case .removed: what = "it was deleted"
            case .replaced: what = "another file was put in its place"
            case .resized(let from, let to): what = "its size went from \(from) to \(to) bytes"
            case .modified: what = "it was modified"
            case .rewritten: what = "its bytes are not the same"
            }
            return "\(file): the input changed while emimpute was working on it (\(what)). It is read twice, to fit and then to copy its cells to the output, and the two reads must see the same bytes; the output was not completed"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
