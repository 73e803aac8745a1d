/// A matrix is encoded as its dimensions and row-major entries. Decoding checks that the
/// entries fill the dimensions, so a decoded matrix can be indexed safely.
extension Matrix: Codable {
    enum CodingKeys: String, CodingKey {
        case rowCount, columnCount, storage
    }

    /// Decodes a matrix.
    /// - Throws: `DecodingError.dataCorrupted` when a dimension is negative or the entries
    ///   do not fill the dimensions.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rowCount = try container.decode(Int.self, forKey: .rowCount)
        let columnCount = try container.decode(Int.self, forKey: .columnCount)
        let storage = try container.decode([Double].self, forKey: .storage)
        do {
            try self.init(rowCount: rowCount, columnCount: columnCount, storage: storage)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "not a valid matrix: \(error.description)", underlyingError: error))
        }
    }

    /// Encodes the dimensions and the entries.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rowCount, forKey: .rowCount)
        try container.encode(columnCount, forKey: .columnCount)
        try container.encode(storage, forKey: .storage)
    }
}
