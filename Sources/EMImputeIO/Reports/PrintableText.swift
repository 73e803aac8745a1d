/// Text made safe and visible in a message or a table: cell text, column names and paths come
/// from the data, and a NUL, an escape sequence, a line break, a byte-order mark, a no-break or
/// zero-width space or a bidirectional control would garble a terminal or hide what is wrong.
///
/// The rule, one for every message:
/// - printable ASCII is shown as it is;
/// - an ASCII control byte (U+0000–U+001F, U+007F) and a byte that is not valid UTF-8 are
///   shown as `\xNN`;
/// - a non-ASCII character that is invisible or moves text — a control (C1), a format
///   character (byte-order mark U+FEFF, zero-width space U+200B, bidirectional controls
///   U+202A–U+202E and U+2066–U+2069, soft hyphen, …), a space other than U+0020 (no-break
///   space U+00A0, …), a line or paragraph separator, a default-ignorable, private-use or
///   unassigned code point — is shown as `<U+XXXX>`;
/// - everything else (letters of any script, `é`, `λ`, `—`) is shown as it is.
public enum PrintableText {
    /// A string with every character the rule escapes escaped; no length limit.
    ///
    /// - Complexity: O(length).
    public static func escaping(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { append(scalar, to: &out) }
        return out
    }

    /// Whether `escaping(text)` would change `text`.
    static func needsEscaping(_ text: String) -> Bool {
        text.unicodeScalars.contains { isEscaped($0) }
    }

    /// A cell's bytes as text, at most `limit` characters (an escape counts as one);
    /// `isExact` is false when the text is cut short or escapes anything, so that it cannot
    /// be offered back to the user as a value to type (an `--na` code).
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 40) -> (text: String, isExact: Bool) {
        var out = ""
        var exact = bytes.count <= limit
        var i = 0
        var shown = 0
        while i < bytes.count, shown < limit {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 1 {
                let scalar = UnicodeScalar(b)
                if isEscaped(scalar) { exact = false }
                append(scalar, to: &out)
                i += 1
            } else if length > 1, i + length <= bytes.count,
                      let s = String(validating: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self),
                      let scalar = s.unicodeScalars.first {
                if isEscaped(scalar) { exact = false }
                append(scalar, to: &out)
                i += length
            } else {
                out += byteEscape(b)
                exact = false
                i += 1
            }
            shown += 1
        }
        if i < bytes.count { exact = false; out += "…" }
        return (out, exact)
    }

    /// A string as `of(_:limit:)` shows cell bytes.
    package static func of(_ text: String, limit: Int = 40) -> (text: String, isExact: Bool) {
        var copy = text
        return copy.withUTF8 { of($0, limit: limit) }
    }

    private static func append(_ scalar: UnicodeScalar, to out: inout String) {
        guard isEscaped(scalar) else { out.unicodeScalars.append(scalar); return }
        if scalar.value < 0x80 {
            out += byteEscape(UInt8(scalar.value))
        } else {
            out += "<U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + ">"
        }
    }

    private static func isEscaped(_ scalar: UnicodeScalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v < 0x20 || v == 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            return true
        default:
            // Hangul fillers, the combining grapheme joiner, variation selectors: draw nothing.
            return scalar.properties.isDefaultIgnorableCodePoint
        }
    }

    private static func byteEscape(_ b: UInt8) -> String {
        "\\x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
