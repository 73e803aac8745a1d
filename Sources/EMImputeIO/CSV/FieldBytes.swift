/// The byte rules of the CSV dialect, as libcsv applies them in strict mode the way
/// `CSVReader` configures it — the one definition that every raw-byte scanner
/// (`RecordScanner` for the writers, `QuoteFreeScanner` for pass 1) and `CSVReader`'s own
/// libcsv set-up use, so that they cannot disagree:
/// - a record ends at CR or LF (CRLF is a record end followed by a skipped blank line);
/// - a line that is empty or holds only spaces is no record;
/// - an unquoted field loses its leading and trailing spaces, where a space is a space or a
///   tab byte that is not the delimiter;
/// - a quote (`"`) opens a quoted field only at a field's start, after optional spaces;
/// - a UTF-8 byte-order mark at the start of the file is no part of the first field (the
///   writers copy it as is).
///
/// Tests check the scanners against libcsv record by record.
struct FieldBytes {
    /// The quote byte.
    static let quote = UInt8(ascii: "\"")
    /// The field delimiter.
    let delimiter: UInt8

    /// Whether `b` ends a record (outside quotes).
    @inline(__always) static func isRecordEnd(_ b: UInt8) -> Bool { b == 0x0A || b == 0x0D }

    /// Whether `b` is a space that libcsv trims around an unquoted field and skips on a
    /// blank line: a space or a tab, unless it is the delimiter.
    @inline(__always) func isSpace(_ b: UInt8) -> Bool { (b == 0x20 || b == 0x09) && b != delimiter }

    /// The UTF-8 byte-order mark.
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// The length of the byte-order mark that `start` (the first bytes of a file) begins
    /// with: 3, or 0 when it has none.
    static func byteOrderMarkLength(_ start: some Collection<UInt8>) -> Int {
        start.starts(with: byteOrderMark) ? byteOrderMark.count : 0
    }
}
