/// Encoded as the list of its missing columns and its width: readable, and independent of
/// the word layout.
extension MissingnessPattern: Codable {
    private enum CodingKeys: String, CodingKey { case missing, columnCount }

    /// Decodes a pattern, checking that every missing column lies within the width.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let p = try c.decode(Int.self, forKey: .columnCount)
        let missing = try c.decode([Int].self, forKey: .missing)
        guard p >= 0, missing.allSatisfy({ $0 >= 0 && $0 < p }) else {
            throw DecodingError.dataCorruptedError(forKey: .missing, in: c, debugDescription: "a missing column lies outside 0..<\(p)")
        }
        self.init(missingColumns: missing, columnCount: p)
    }

    /// Encodes the missing columns and the width.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columnCount, forKey: .columnCount)
        try c.encode(missingColumns, forKey: .missing)
    }
}
