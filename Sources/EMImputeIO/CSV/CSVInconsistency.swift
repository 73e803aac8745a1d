/// A disagreement between the parser that reads the values (libcsv) and the scanner that finds
/// the bytes to copy (`RecordScanner`): a bug, reported as such, never silently wrong output.
public struct CSVInconsistency: Error, CustomStringConvertible {
    /// What did not match.
    public let description: String

    /// An inconsistency described in words.
    public init(description: String) { self.description = description }
}
