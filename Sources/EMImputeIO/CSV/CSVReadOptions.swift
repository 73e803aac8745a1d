/// How to read a CSV: dialect, missing-value codes and which columns to model.
public struct CSVReadOptions: Sendable, Equatable {
    /// The field delimiter byte (`,` by default).
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// Whether the first record names the columns; otherwise they are named V1…Vp (the
    /// naming rule is `HeaderNames`).
    public var hasHeader = true
    /// Cell texts that mean "missing". A cell matches a code when the two are equal without
    /// the spaces and tabs around them (`MissingTokens.trimmed`): `" 41 "` matches `41`.
    public var missingTokens: [String] = CSVReadOptions.defaultMissingTokens
    /// If non-empty, exactly these numeric columns are modelled (names are trimmed as header
    /// names are).
    public var columns: [String] = []
    /// Columns never modelled; they pass through untouched.
    public var excluded: [String] = []
    /// The header of an input that has none, as one CSV record (a part of a larger file,
    /// such as a Spark partition): it is read as if it were the input's first line, so the
    /// columns are named by the header rule and the input's first line is line 2; `apply`
    /// then writes no header. Needs `hasHeader`. An input with no rows is then valid.
    public var headerRecord: String?

    /// The empty field, `NA`, `N/A`, `NaN`, `nan`, `.`, `?`, `null` and `NULL`.
    public static let defaultMissingTokens = ["", "NA", "N/A", "NaN", "nan", ".", "?", "null", "NULL"]

    /// The defaults.
    public init() {}

    /// `headerRecord` as the bytes of a first line (empty without one).
    var headerPrefix: [UInt8] { headerRecord.map { Array($0.utf8) + [10] } ?? [] }

    /// Parses a delimiter name: a single character, `tab` or `\t`.
    public static func delimiter(named name: String) -> UInt8? {
        switch name {
        case "tab", "\\t", "\t": return UInt8(ascii: "\t")
        default:
            let bytes = Array(name.utf8)
            guard bytes.count == 1, bytes[0] != UInt8(ascii: "\""), bytes[0] != 10, bytes[0] != 13 else { return nil }
            return bytes[0]
        }
    }
}
