// How imputed numbers are spelled so that they never read back as a missing-value code.
extension MissingTokens {
    /// A number's text, respelled with more zeros (`0` → `0.0`, `1e-05` → `1.0e-05`) while it
    /// is a missing-value code (`--na 0`, `--na -99`), so that an imputed cell never reads back
    /// as missing.
    func spelledApart(_ number: String) -> String {
        var text = number
        while text.withUTF8({ matches($0) }) {
            let exponent = text.firstIndex(where: { $0 == "e" || $0 == "E" }) ?? text.endIndex
            text.insert(contentsOf: text[..<exponent].contains(".") ? "0" : ".0", at: exponent)
        }
        return text
    }
}
