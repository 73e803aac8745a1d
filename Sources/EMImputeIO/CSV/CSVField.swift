import Foundation

/// Quoting for fields EMImpute writes itself.
enum CSVField {
    /// The text as a CSV field: quoted (with doubled quotes) only when it needs to be.
    static func quoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" || $0 == "\t" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `text` as one field of a file with this delimiter: quoted (with doubled quotes) when it
    /// contains the delimiter, a quote or a line break (a number does with `--delimiter .`,
    /// `-`, `e` or a digit).
    static func escaped(_ text: String, delimiter: UInt8) -> String {
        guard text.utf8.contains(where: { $0 == delimiter || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
