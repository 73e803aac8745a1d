import Foundation

/// Escaping and shortening of user text (column names, paths) for HTML and inline SVG.
enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by character references, safe both
    /// as element content and inside a double- or single-quoted attribute.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// `text` cut to at most `limit` characters, ending in "…" when it was cut (not escaped).
    static func truncated(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// An SVG `<text>` element holding `text` (escaped, truncated to `limit` characters),
    /// with the full text as a `<title>` tooltip when it was cut.
    static func svgText(_ text: String, limit: Int = .max, attributes: String) -> String {
        let short = truncated(text, to: limit)
        let tip = short == text ? "" : "<title>\(escape(text))</title>"
        return "<text \(attributes)>\(tip)\(escape(short))</text>"
    }
}
