/// Formats an imputed value as the shortest decimal text that reads back as the same Double.
public enum ShortestDecimal {
    /// The shortest decimal text that parses back to `v` ("12", "0.1", "1e-05").
    public static func format(_ v: Double) -> String {
        // Swift's description is the shortest round-tripping digit string; drop a bare ".0".
        var s = v.description
        if s.hasSuffix(".0") { s.removeLast(2) }
        if s == "-0" { s = "0" }
        return s
    }
}
