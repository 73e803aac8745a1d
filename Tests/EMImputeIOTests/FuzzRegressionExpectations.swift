// What each fuzz-regression fixture must give under each of the 88 read-option sets the
// fuzzers use: the loader's error kind, or the table's shape and what the fit (at most 50
// iterations, without and with --ridge 1) does with it. Written from the files' bytes and
// the documented rules, not from the program's output:
//
// - libcsv in strict mode: a quote inside an unquoted field, or text after a closing quote,
//   is `malformedQuote`; CR and LF end records; blank lines, and lines of spaces and tabs
//   (spaces only when the tab is the delimiter), are skipped; spaces and tabs around an
//   unquoted field are trimmed (not the delimiter itself).
// - A leading UTF-8 byte-order mark is dropped. A record with another number of fields than
//   the first is `raggedRow`, at once. An empty header cell is named V<position>; the header
//   text is decoded as UTF-8 (an invalid byte becomes U+FFFD) and a repeated name is
//   `duplicateColumnName`. Without a header the columns are V1…Vp.
// - A cell (trimmed) equal to a missing-value code is missing. A column is numeric when every
//   other cell is a finite decimal number; with some other cells it is `mixedColumn` when the
//   numbers are at least as many, text otherwise. Columns are checked in order.
// - The fit: no numeric column is `noData`; then per column, nothing observed is
//   `columnEntirelyMissing`, fewer than two distinct values `constantColumn`; then n ≤ p
//   without a ridge `tooFewRows`.
//
// The read options: the delimiter `,` `;` tab or one of space `.` `|` `-` `e` `0` `:` `#`;
// a header or not; the codes: the defaults ("", NA, N/A, NaN, nan, ., ?, null, NULL), the
// defaults and -99, only -99, or the defaults and "0", "a,b", "q\"q".

import EMImputeCore
import Foundation
@testable import EMImputeIO

/// The read options of one fuzz option byte, in the terms the expectations use.
struct FuzzReadOptions: CustomStringConvertible, Sendable {
    let byte: UInt8
    let delimiter: Character
    let hasHeader: Bool
    let missingTokens: [String]

    init(byte: UInt8) {
        let options = FuzzHarness.options(byte)
        self.byte = byte
        delimiter = Character(UnicodeScalar(options.delimiter))
        hasHeader = options.hasHeader
        missingTokens = options.missingTokens
    }

    /// Whether a (trimmed) cell with this text is missing.
    func isMissing(_ text: String) -> Bool { missingTokens.contains(text) }

    var description: String {
        "option byte \(byte): delimiter \(String(delimiter).debugDescription), \(hasHeader ? "header" : "no header"), codes \(missingTokens)"
    }

    /// Every option set the fuzzers use.
    static let all = FuzzHarness.allOptionBytes.map(FuzzReadOptions.init(byte:))
}

/// A `CSVError.Kind`, without its details.
enum LoadFailure: Equatable, CustomStringConvertible, Sendable {
    case malformedQuote, unterminatedQuote, raggedRow, duplicateColumnName, mixedColumn, noDataRows, empty
    case other(String)

    init(_ kind: CSVError.Kind) {
        switch kind {
        case .malformedQuote: self = .malformedQuote
        case .unterminatedQuote: self = .unterminatedQuote
        case .raggedRow: self = .raggedRow
        case .duplicateColumnName: self = .duplicateColumnName
        case .mixedColumn: self = .mixedColumn
        case .noDataRows: self = .noDataRows
        case .empty: self = .empty
        default: self = .other("\(kind)")
        }
    }

    var description: String {
        switch self {
        case .malformedQuote: return "malformedQuote"
        case .unterminatedQuote: return "unterminatedQuote"
        case .raggedRow: return "raggedRow"
        case .duplicateColumnName: return "duplicateColumnName"
        case .mixedColumn: return "mixedColumn"
        case .noDataRows: return "noDataRows"
        case .empty: return "empty"
        case .other(let kind): return kind
        }
    }
}

/// What a fit must do.
enum FitOutcome: Equatable, CustomStringConvertible, Sendable {
    /// Return estimates (converged or stopped at the 50-iteration cap).
    case fits
    /// Throw exactly this error.
    case fails(EMError)
    /// Throw `singularCovariance` for these columns, at whichever iteration the pivot falls
    /// below the threshold (rounding decides that).
    case singular([String])

    func matches(_ actual: Result<Void, EMError>) -> Bool {
        switch (self, actual) {
        case (.fits, .success): return true
        case (.fails(let expected), .failure(let error)): return expected == error
        case (.singular(let columns), .failure(.singularCovariance(let named, _))): return Set(columns) == Set(named)
        default: return false
        }
    }

    var description: String {
        switch self {
        case .fits: return "fits"
        case .fails(let error): return "fails: \("\(error)".debugDescription)"  // names may hold NUL
        case .singular(let columns): return "singular covariance of \(columns)"
        }
    }
}

/// What loading (and fitting) one fixture under one option set must give.
enum FuzzOutcome: CustomStringConvertible, Sendable {
    case rejected(LoadFailure)
    /// `rows` data rows and `modelled` numeric columns; `fit` without a ridge, `fitWithRidge` with ridge 1.
    case loaded(rows: Int, modelled: Int, fit: FitOutcome, fitWithRidge: FitOutcome)

    static let malformedQuote = FuzzOutcome.rejected(.malformedQuote)
    static let raggedRow = FuzzOutcome.rejected(.raggedRow)
    static let mixedColumn = FuzzOutcome.rejected(.mixedColumn)
    static let duplicateColumnName = FuzzOutcome.rejected(.duplicateColumnName)
    static let noDataRows = FuzzOutcome.rejected(.noDataRows)

    /// Text columns only: nothing to model.
    static func textOnly(rows: Int) -> FuzzOutcome {
        .loaded(rows: rows, modelled: 0, fit: .fails(.noData), fitWithRidge: .fails(.noData))
    }

    /// Both fits fail alike.
    static func loaded(rows: Int, modelled: Int, bothFail error: EMError) -> FuzzOutcome {
        .loaded(rows: rows, modelled: modelled, fit: .fails(error), fitWithRidge: .fails(error))
    }

    var description: String {
        switch self {
        case .rejected(let failure): return "rejected: \(failure)"
        case .loaded(let rows, let modelled, let fit, let ridge):
            return "\(rows) rows, \(modelled) modelled; fit \(fit); with ridge 1 \(ridge)"
        }
    }
}

/// What loading and fitting a fixture under one option set gave.
enum FuzzObservation: CustomStringConvertible {
    case rejected(LoadFailure)
    case loaded(rows: Int, modelled: Int, fit: Result<Void, EMError>, fitWithRidge: Result<Void, EMError>)

    var description: String {
        func text(_ fit: Result<Void, EMError>) -> String {
            if case .failure(let error) = fit { return "fails: \("\(error)".debugDescription)" }  // names may hold NUL
            return "fits"
        }
        switch self {
        case .rejected(let failure): return "rejected: \(failure)"
        case .loaded(let rows, let modelled, let fit, let ridge):
            return "\(rows) rows, \(modelled) modelled; fit \(text(fit)); with ridge 1 \(text(ridge))"
        }
    }
}

extension FuzzOutcome {
    /// Whether the observation is this outcome.
    func matches(_ observed: FuzzObservation) -> Bool {
        switch (self, observed) {
        case (.rejected(let expected), .rejected(let failure)):
            return expected == failure
        case (.loaded(let rows, let modelled, let fit, let ridge), .loaded(let n, let p, let actualFit, let actualRidge)):
            return rows == n && modelled == p && fit.matches(actualFit) && ridge.matches(actualRidge)
        default:
            return false
        }
    }
}

/// The expected outcome of every fixture, by file name.
enum FuzzRegressionExpectations {
    static let table: [String: @Sendable (FuzzReadOptions) -> FuzzOutcome] = [
        // BOM `"a",b` CRLF `1,NA` `2,3` `4,5`.
        "bom-quoted-first-name.csv": { o in
            // `"a"` followed by `,` where `,` is not the delimiter: text after a closing quote.
            guard o.delimiter == "," else { return .malformedQuote }
            // Without a header, `a` is a text cell among 1, 2, 4; with only -99, so is NA in b.
            guard o.hasHeader, o.isMissing("NA") else { return .mixedColumn }
            // b is observed in (2,3) and (4,5) only: a line through two points, zero residual.
            return .loaded(rows: 3, modelled: 2, fit: .singular(["a", "b"]), fitWithRidge: .fits)
        },
        // BOM LF `,` LF `,` (no final newline).
        "bom-split-by-small-buffer-min.csv": { o in
            // The blank line after the mark is skipped: two records.
            let rows = o.hasHeader ? 1 : 2
            // Another delimiter: one text cell `,` per record. Only -99: the empty cells are text.
            guard o.delimiter == ",", o.isMissing("") else { return .textOnly(rows: rows) }
            // Two empty cells per record; the header's are named V1 and V2.
            return .loaded(rows: rows, modelled: 2, bothFail: .columnEntirelyMissing(column: "V1"))
        },
        // BOM `igame,e` CR CR `\u{8}2, z` (no final newline).
        "corpus-bom-cr-control.csv": { o in
            switch o.delimiter {
            case " ": return .raggedRow  // `\u{8}2,` and `z` after one field
            case "e": return .raggedRow  // `igam`, `,`, `` then one field
            // The comma: igame/e, then the text cells `\u{8}2` and `z`; otherwise one text cell.
            default: return .textOnly(rows: o.hasHeader ? 1 : 2)
            }
        },
        // A quoted header cell full of CRs and binary bytes, then 10 rows of airquality.
        "corpus-cr-only-quoted-binary.csv": { o in
            guard o.delimiter == "," else { return .malformedQuote }  // `"Ozone"` followed by `,`
            // No header: the names are text cells; only -99: NA is one (3 in Ozone).
            guard o.hasHeader, o.isMissing("NA") else { return .mixedColumn }
            return .loaded(rows: 10, modelled: 6, fit: .fits, fitWithRidge: .fits)
        },
        // x,y with 12 rows: y mixes codes (N/A, NaN, ., ?, null, "") with 4 undeclared ones
        // (NI, nn5a, N, " NASequence ") and 2 numbers; x has 2 empty cells and a 0.
        "corpus-na-code-mix.csv": { o in
            switch o.delimiter {
            case ",":
                // No header: `x` is a text cell in x; only -99: so are its empty cells.
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                // y: 2 numbers against 4 other cells, text. x is modelled (with or without 0 missing).
                return .loaded(rows: 12, modelled: 1, fit: .fits, fitWithRidge: .fits)
            case ".": return .raggedRow  // `,.` on line 7 is two fields
            case "0": return .raggedRow  // `0,` on line 2 is two fields
            default: return .malformedQuote  // line 11: `10," NASequence "`, a quote inside a field
            }
        },
        // NUL `,` / blank / ` ,  ` / `149,00` / `,0` / `,012` / `-1.7976e308,4`.
        "corpus-near-double-max-blank-lines.csv": { o in
            switch o.delimiter {
            case ",":
                // No header: the NUL cell; only -99: the empty cells (column 1 becomes text,
                // column 2 is mixed).
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                // Column 1 (named NUL) is observed at 149 (column 2: 0) and -1.7976e308 (4) only,
                // so μ₁ = 149 − 4.5e307·μ₂. Column 2's mean is 4: μ₁ is about -1.8e308, and the
                // first value beyond a Double is at row 4 (column 2 = 12: about -5.4e308). With 0 a
                // code it is 16/3: μ₁ itself overflows, at row 1, which has nothing observed.
                let row = o.isMissing("0") ? 1 : 4
                return .loaded(rows: 5, modelled: 2, fit: .fails(.imputationOutOfRange(column: "\u{0}", row: row)), fitWithRidge: .fits)
            // ` ,  ` with a space delimiter, `-1.7976e308,4` with `.`, `-` or `e`, `149,00` with `0`.
            case " ", ".", "-", "e", "0": return .raggedRow
            default: return .textOnly(rows: o.hasHeader ? 5 : 6)
            }
        },
        // NUL×4 `150,0 ` / `158,0` / `,102` / `-1.7133863e308,4`.
        "corpus-near-double-max-extrapolation.csv": { o in
            switch o.delimiter {
            case ",":
                // No header: the NUL name is a text cell; only -99: the empty cell (1 of 3).
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                // With 0 a code, (158,0) loses its second cell: no two complete rows define a line.
                if o.isMissing("0") { return .loaded(rows: 3, modelled: 2, fit: .fits, fitWithRidge: .fits) }
                // (158,0) and (-1.71e308,4) give about -4.4e309 at row 2, where column 2 is 102.
                return .loaded(rows: 3, modelled: 2, fit: .fails(.imputationOutOfRange(column: "\u{0}\u{0}\u{0}\u{0}150", row: 2)),
                               fitWithRidge: .fits)
            // `0 ` with a space, `-1.71…e308,4` with `.`, `-` or `e`, `158,0` with `0`.
            case " ", ".", "-", "e", "0": return .raggedRow
            default: return .textOnly(rows: o.hasHeader ? 3 : 4)
            }
        },
        // x,y,z1 with 13 rows, a blank line, codes "" and NA.
        "corpus-patterns-fit.csv": { o in
            switch o.delimiter {
            case ",":
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                return .loaded(rows: 13, modelled: 3, fit: .fits, fitWithRidge: .fits)
            case ".", "0": return .raggedRow  // `5,3.0,4`
            default: return .textOnly(rows: o.hasHeader ? 13 : 14)
            }
        },
        // 18 tab-separated records of three fields, many empty, blank lines between.
        "corpus-tab-no-header-fits.csv": { o in
            switch o.delimiter {
            case "\t":
                guard !o.hasHeader else { return .duplicateColumnName }  // `2`, `2`, ``
                // Only -99: V1 has 6 numbers and 12 empty cells (text), V2 14 and 4 (mixed).
                guard o.isMissing("") else { return .mixedColumn }
                return .loaded(rows: 18, modelled: 3, fit: .fits, fitWithRidge: .fits)
            case "0": return .raggedRow  // `3\t\t50` becomes two fields
            // One field a line, trimmed of its outer tabs: 4 lines are a number (`\t2\t`), the
            // others (`2\t7`) are not: text.
            default: return .textOnly(rows: o.hasHeader ? 17 : 18)
            }
        },
        // EF `;` DA CR `4` LF: not a byte-order mark.
        "cr-duplicate-header-min.csv": { o in
            if o.delimiter == ";" {
                // Both names are one invalid byte, decoded as U+FFFD; without a header, 2 fields then 1.
                return o.hasHeader ? .duplicateColumnName : .raggedRow
            }
            // One column: without a header its first cell is text and its second 4 (1 against 1).
            guard o.hasHeader else { return .mixedColumn }
            // One data row: too few rows, whatever the column holds (checked before constancy).
            return .loaded(rows: 1, modelled: 1, bothFail: .tooFewRows(rows: 1, columns: 1))
        },
        // `a,a` CR `1,2` CR `3,4` CR.
        "cr-duplicate-header.csv": { o in
            guard o.delimiter == "," else { return .textOnly(rows: o.hasHeader ? 2 : 3) }
            return o.hasHeader ? .duplicateColumnName : .mixedColumn  // `a` among 1, 3
        },
        // `a,b` CR `1` CR `2,3,4` CR `5,6` CR.
        "cr-unknown-ragged.csv": { o in
            o.delimiter == "," ? .raggedRow : .textOnly(rows: o.hasHeader ? 3 : 4)
        },
        // `a-b-c` / `1--` / `2-3-4` / `0-5-6` / `7-1-`.
        "dash-e-zero-delimiters.csv": { o in
            switch o.delimiter {
            case "-":
                // No header: `a` among numbers; only -99: the empty cells of b (1 of 4).
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                // With 0 a code, c is observed where a is missing in one of its two rows.
                if o.isMissing("0") { return .loaded(rows: 4, modelled: 3, fit: .fits, fitWithRidge: .fits) }
                // c is observed in two complete rows only: an exact fit, zero residual variance.
                return .loaded(rows: 4, modelled: 3, fit: .singular(["a", "b", "c"]), fitWithRidge: .fits)
            case "0": return .raggedRow  // `0-5-6`
            default: return .textOnly(rows: o.hasHeader ? 4 : 5)
            }
        },
        // `a.b` / `1.NA` / `2.3` / `4.5`.
        "dot-delimiter.csv": { o in
            // Another delimiter: one column in which `1.NA` (and `a.b`) stand among 2.3 and 4.5.
            guard o.delimiter == ".", o.hasHeader, o.isMissing("NA") else { return .mixedColumn }
            return .loaded(rows: 3, modelled: 2, fit: .singular(["a", "b"]), fitWithRidge: .fits)
        },
        // `,35` / `0,0` / `1e308,4`.
        "imputation-overflow-min.csv": { o in
            switch o.delimiter {
            case ",":
                if o.hasHeader {
                    // Columns V1 and 35. With 0 a code, V1 keeps one observed value.
                    // Only row `1e308,4` keeps an observed cell: one usable row.
                    if o.isMissing("0") { return .loaded(rows: 2, modelled: 2, bothFail: .tooFewRows(rows: 1, columns: 2)) }
                    return .loaded(rows: 2, modelled: 2, fit: .fails(.tooFewRows(rows: 2, columns: 2)), fitWithRidge: .fits)
                }
                guard o.isMissing("") else { return .mixedColumn }
                // Two usable rows for two columns: too few without a prior; with one, V1 is constant.
                if o.isMissing("0") {
                    return .loaded(rows: 3, modelled: 2, fit: .fails(.tooFewRows(rows: 2, columns: 2)),
                                   fitWithRidge: .fails(.constantColumn(column: "V1")))
                }
                // The original bug: (0,0) and (1e308,4) put row 1 (V2 = 35) near 8.75e309.
                return .loaded(rows: 3, modelled: 2, fit: .fails(.imputationOutOfRange(column: "V1", row: 1)), fitWithRidge: .fits)
            case "0", "e": return .raggedRow  // `0,0` / `1e308,4` split
            default: return .textOnly(rows: o.hasHeader ? 2 : 3)
            }
        },
        // x,y / `1e308,4` / `0,0` / `-1e308,-4` / `NA,35` / `1.5e308,NA`.
        "imputation-overflow.csv": { o in
            switch o.delimiter {
            case ",":
                guard o.hasHeader, o.isMissing("NA") else { return .mixedColumn }
                // x ≈ 2.5e307·y on the complete rows: row 4 (y = 35) is beyond a Double.
                return .loaded(rows: 5, modelled: 2, fit: .fails(.imputationOutOfRange(column: "x", row: 4)), fitWithRidge: .fits)
            case ".", "-", "e", "0": return .raggedRow  // each splits a number
            default: return .textOnly(rows: o.hasHeader ? 5 : 6)
            }
        },
        // x,y / `1,0` / `2,"a,b"` / `3,"q""q"` / `4,7` / `5,8` / `6,2`.
        "na-code-with-quote.csv": { o in
            switch o.delimiter {
            case ",":
                // y is numeric only when 0, `a,b` and `q"q` are codes; otherwise 4 numbers and 2 others.
                guard o.hasHeader, o.isMissing("a,b"), o.isMissing("q\"q"), o.isMissing("0") else { return .mixedColumn }
                return .loaded(rows: 6, modelled: 2, fit: .fits, fitWithRidge: .fits)
            case "0": return .raggedRow  // `1,0` on line 2, before the quotes
            default: return .malformedQuote  // `2,"a,b"`: a quote inside a field
            }
        },
        // x,y / -1,1 / 1,2 / -2,4 / 2,3 / `,` (a row with nothing observed).
        "na-zero-mean.csv": { o in
            switch o.delimiter {
            case ",":
                guard o.hasHeader, o.isMissing("") else { return .mixedColumn }
                return .loaded(rows: 5, modelled: 2, fit: .fits, fitWithRidge: .fits)
            case "-": return .raggedRow  // `-1,1`
            default: return .textOnly(rows: o.hasHeader ? 5 : 6)
            }
        },
        // `,,` (no final newline).
        "na-zero-min.csv": { o in
            if o.hasHeader { return .noDataRows }
            guard o.delimiter == ",", o.isMissing("") else { return .textOnly(rows: 1) }
            return .loaded(rows: 1, modelled: 3, bothFail: .columnEntirelyMissing(column: "V1"))
        },
        // tab LF FF (no final newline).
        "spaces-only-line-min.csv": { o in
            // With the tab as delimiter the first line is two empty fields; otherwise it is skipped.
            if o.delimiter == "\t" { return .raggedRow }
            return o.hasHeader ? .noDataRows : .textOnly(rows: 1)
        },
        // a,b / 1,2 / `  ` / 3,NA / ` \t \r` / 4,5 / 6,1 / `   `.
        "spaces-only-lines.csv": { o in
            switch o.delimiter {
            case ",":
                guard o.hasHeader, o.isMissing("NA") else { return .mixedColumn }
                return .loaded(rows: 4, modelled: 2, fit: .fits, fitWithRidge: .fits)
            case "\t", " ": return .raggedRow  // the blank lines become fields
            default: return .textOnly(rows: o.hasHeader ? 4 : 5)
            }
        },
    ]
}
