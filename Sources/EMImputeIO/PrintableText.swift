/// Cell text made safe to show in a message: at most `limit` characters, with control bytes
/// and invalid UTF-8 written as `\xNN`, so a NUL or binary garbage cannot garble a terminal.
enum PrintableText {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 40) -> (text: String, isExact: Bool) {
        var out = ""
        var exact = bytes.count <= limit
        var i = 0
        var shown = 0
        while i < bytes.count, shown < limit {
            let b = bytes[i]
            let length = b < 0x80 ? 1 : b >> 5 == 0b110 ? 2 : b >> 4 == 0b1110 ? 3 : b >> 3 == 0b11110 ? 4 : 0
            if length == 1, b >= 0x20, b != 0x7F {
                out.unicodeScalars.append(UnicodeScalar(b))
                i += 1
            } else if length > 1, i + length <= bytes.count,
                      let s = String(validating: UnsafeBufferPointer(rebasing: bytes[i..<(i + length)]), as: UTF8.self) {
                out += s
                i += length
            } else {
                out += "\\x" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
                exact = false
                i += 1
            }
            shown += 1
        }
        if i < bytes.count { exact = false; out += "…" }
        return (out, exact)
    }
}

private extension String {
    func leftPadded(to n: Int) -> String { String(repeating: "0", count: max(0, n - count)) + self }
}
