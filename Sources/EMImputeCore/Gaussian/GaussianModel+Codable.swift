/// A model is encoded as its four parts. Decoding validates them as the initialisers do, so
/// a model read from a file is as trustworthy as a fitted one.
extension GaussianModel: Codable {
    enum CodingKeys: String, CodingKey {
        case columnNames, mean, scale, standardizedCovariance
    }

    /// Decodes a model and checks it.
    /// - Throws: `DecodingError.dataCorrupted` whose description says what is wrong (its
    ///   underlying error is the `GaussianModelError`) when the parts do not make a valid model.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let columnNames = try container.decode([String].self, forKey: .columnNames)
        let mean = try container.decode([Double].self, forKey: .mean)
        let scale = try container.decode([Double].self, forKey: .scale)
        let standardizedCovariance = try container.decode(Matrix.self, forKey: .standardizedCovariance)
        do {
            try self.init(columnNames: columnNames, mean: mean, scale: scale, standardizedCovariance: standardizedCovariance)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "not a valid GaussianModel: \(error.description)", underlyingError: error))
        }
    }

    /// Encodes the four parts.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(columnNames, forKey: .columnNames)
        try container.encode(mean, forKey: .mean)
        try container.encode(scale, forKey: .scale)
        try container.encode(standardizedCovariance, forKey: .standardizedCovariance)
    }
}
