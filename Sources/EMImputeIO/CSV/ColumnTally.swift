/// What one column's cells were, tallied as a reader meets them, and the one rule that
/// classifies the column from the tally: numeric, text (with a warning when it looks
/// numeric) or an error naming the offending cells.
///
/// Shared by every reader that classifies columns (`CSVLoader`, `CSVStatisticsReader`), so
/// they cannot disagree. Tallies of consecutive parts of a file merge exactly (`merge`): the
/// merged tally is the tally of the whole, whatever the split.
struct ColumnTally: Sendable {
    /// How a reader saw one cell.
    enum Cell {
        /// A missing-value code.
        case missing
        /// A finite number.
        case number(Double)
        /// Anything else (text, or a number in a notation the reader does not read).
        case other
    }

    /// The most offending cells an error shows.
    static let shownOffenders = 3

    /// Cells that are not missing-value codes.
    private(set) var observed = 0
    /// Cells that are missing-value codes.
    private(set) var missing = 0
    /// Observed cells that are finite numbers (counted for candidate columns only).
    private(set) var numeric = 0
    /// Observed cells that are not (counted for candidate columns only).
    private(set) var nonNumeric = 0
    /// The first offending cells, in input order.
    private(set) var offenders: [CSVError.OffendingCell] = []
    private var looks = NumericLookTally()

    /// Reads one cell (as the parser delivered it) of a column that may be modelled
    /// (`isCandidate`) or is only counted; `line` locates an offending cell.
    @inline(__always)
    mutating func read(_ raw: UnsafeBufferPointer<UInt8>, tokens: MissingTokens, isCandidate: Bool, line: Int) -> Cell {
        let bytes = raw.trimmingSpaces()
        // The common case first: when no missing-value code reads as a number, a cell that
        // does is no code, and the codes need not be compared.
        if isCandidate, !tokens.includesNumber {
            switch DecimalParser.parse(bytes) {
            case .success(let v):
                observed += 1
                numeric += 1
                return .number(v)
            case .failure(let why):
                if tokens.matches(bytes) {
                    missing += 1
                    return .missing
                }
                observed += 1
                return offending(bytes, why, line: line)
            }
        }
        if tokens.matches(bytes) {
            missing += 1
            return .missing
        }
        observed += 1
        guard isCandidate else { return .other }
        switch DecimalParser.parse(bytes) {
        case .success(let v):
            numeric += 1
            return .number(v)
        case .failure(let why):
            return offending(bytes, why, line: line)
        }
    }

    /// Counts an observed cell of a candidate column that is not a number.
    private mutating func offending(_ bytes: UnsafeBufferPointer<UInt8>, _ why: DecimalParser.Failure, line: Int) -> Cell {
        nonNumeric += 1
        looks.add(bytes)
        if offenders.count < Self.shownOffenders {
            let shown = PrintableText.of(bytes)
            offenders.append(.init(line: line, text: shown.text, reason: CSVError.OffendingCell.Reason.of(why, bytes), isExact: shown.isExact))
        }
        return .other
    }

    /// Adds the tally of the cells that follow this tally's (in a later part of the input).
    mutating func merge(_ later: ColumnTally) {
        observed += later.observed
        missing += later.missing
        numeric += later.numeric
        nonNumeric += later.nonNumeric
        offenders += later.offenders.prefix(Self.shownOffenders - offenders.count)
        looks.merge(later.looks)
    }

    /// How the column is treated, and the warning to give about it.
    ///
    /// A candidate column is numeric when every observed cell is a number. Otherwise it is an
    /// error when the columns were chosen (`columnsWereRequested`, `--columns`) or when the
    /// numbers are at least as many as the other cells (a mixed column); else it is text,
    /// with `CSVWarning.textLooksNumeric` when `NumericLookTally` says it looks numeric.
    /// - Parameters:
    ///   - position: the column's 0-based index; `name` its name.
    /// - Throws: `CSVError` `.notNumeric` or `.mixedColumn`, at the first offending cell.
    func classification(position: Int, name: String, isCandidate: Bool, columnsWereRequested: Bool,
                        file: String) throws(CSVError) -> (kind: ColumnProfile.Kind, warning: CSVWarning?) {
        if !isCandidate { return (.excluded, nil) }
        if nonNumeric == 0 { return (.numeric, nil) }
        if columnsWereRequested {
            throw CSVError(file: file, line: offenders.first?.line, column: position + 1,
                           kind: .notNumeric(name: name, offending: offenders))
        }
        if numeric >= nonNumeric {
            throw CSVError(file: file, line: offenders.first?.line, column: position + 1,
                           kind: .mixedColumn(name: name, offending: offenders, total: nonNumeric))
        }
        guard let evidence = looks.evidence(plainNumbers: numeric) else { return (.text, nil) }
        return (.text, .textLooksNumeric(column: name, position: position + 1, numbers: numeric + looks.numbers,
                                         observed: observed, evidence: evidence))
    }

    /// The column's profile, of the given kind.
    func profile(name: String, position: Int, kind: ColumnProfile.Kind) -> ColumnProfile {
        ColumnProfile(name: name, position: position + 1, kind: kind, observed: observed, missing: missing)
    }
}
