/// What the loader learnt about one input column.
public struct ColumnProfile: Sendable, Equatable, Codable {
    /// How the column is treated.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Every non-missing cell is a finite number: the column is modelled.
        case numeric
        /// Not numeric: passed through untouched.
        case text
        /// Left out of the model by the column selection: passed through untouched.
        case excluded
    }

    /// The header's name (or V1…Vp).
    public let name: String
    /// 1-based position in the input.
    public let position: Int
    /// How the column is treated.
    public internal(set) var kind: Kind
    /// Cells that are not missing-value codes.
    public internal(set) var observed: Int
    /// Cells that are missing-value codes.
    public internal(set) var missing: Int

    /// Share of cells that are missing, in percent.
    public var percentMissing: Double {
        observed + missing == 0 ? 0 : 100 * Double(missing) / Double(observed + missing)
    }
}
