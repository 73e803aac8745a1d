import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 18: invisible characters reached messages raw (a mid-line byte-order mark
/// showed as `'\u{FEFF}2'`, which reads as `'2'`), and `describe` printed escape codes and line
/// breaks from column names. Each expected text is written out by hand from the rule.
@Suite("Printable text")
struct PrintableTextTests {
    @Test(arguments: [
        ("\u{FEFF}2", "<U+FEFF>2"),          // byte-order mark
        ("1\u{00A0}000", "1<U+00A0>000"),     // no-break space
        ("4\u{200B}2", "4<U+200B>2"),         // zero-width space
        ("\u{202E}321", "<U+202E>321"),       // right-to-left override
        ("a\u{2066}b\u{2069}", "a<U+2066>b<U+2069>"),  // bidi isolates
        ("x\u{0085}y", "x<U+0085>y"),         // a C1 control (next line)
        ("\u{00AD}", "<U+00AD>"),             // soft hyphen
        ("a\u{2028}b", "a<U+2028>b"),         // line separator
        ("\u{3164}", "<U+3164>"),             // Hangul filler (default-ignorable)
        ("\u{1B}[31mred", "\\x1B[31mred"),    // an escape sequence
        ("two\nlines\r", "two\\x0Alines\\x0D"),
        ("tab\there", "tab\\x09here"),
        ("Ünïcödé λ — ok", "Ünïcödé λ — ok"), // visible text stays as it is
    ])
    func invisibleCharactersAreEscaped(text: String, shown: String) {
        #expect(PrintableText.escaping(text) == shown)
        let cell = PrintableText.of(text, limit: 100)
        #expect(cell.text == shown)
        #expect(cell.isExact == (text == shown))
    }

    @Test func invalidUTF8IsShownByteByByte() {
        let bytes: [UInt8] = [0x61, 0xFF, 0xC3]
        let shown = bytes.withUnsafeBufferPointer { PrintableText.of($0) }
        #expect(shown.text == "a\\xFF\\xC3")
        #expect(!shown.isExact)
    }

    /// Old: `line 2 '\u{FEFF}2' (not a number). If these are missing-value codes add --na '\u{FEFF}2'`.
    @Test func aMidLineByteOrderMarkIsVisibleInTheError() throws {
        let error = csvError { _ = try CSVLoader.load(temporaryFile(bytes: Array("x,y\n1,".utf8) + [0xEF, 0xBB, 0xBF] + Array("2\n2,3\n3,4\n".utf8))) }
        guard case .mixedColumn(_, let cells, _)? = error?.kind else { Issue.record("got \(String(describing: error))"); return }
        #expect(cells.first?.text == "<U+FEFF>2")
        #expect(cells.first?.isExact == false)
        let message = error!.description
        #expect(message.contains("line 2 '<U+FEFF>2'"))
        #expect(!message.unicodeScalars.contains("\u{FEFF}"))
        #expect(!message.contains("--na"))  // not a code one can type
    }

    /// Names in other errors are shown by the same rule.
    @Test func namesInErrorsAreEscaped() {
        let e = CSVError(file: "in\u{202E}.csv", line: 1, column: 2, kind: .duplicateColumnName(name: "a\u{00A0}", firstColumn: 1))
        #expect(e.description.hasPrefix("in<U+202E>.csv:1:2: column name 'a<U+00A0>' is used again"))
    }
}
