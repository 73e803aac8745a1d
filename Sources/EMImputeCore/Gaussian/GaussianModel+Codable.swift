/// A model is encoded as its four parts, under the keys of the model file that
/// `emimpute impute --save-model` writes (`columns`, `mean`, `scale`, `standardizedCovariance`
/// as rows), so that a model file *is* an encoded model plus metadata: `JSONDecoder` reads a
/// `GaussianModel` from either. Decoding also reads what earlier versions encoded
/// (`columnNames`, and the covariance as a `Matrix`), and validates the parts as the
/// initialisers do, so a model read from a file is as trustworthy as a fitted one.
extension GaussianModel: Codable {
    enum CodingKeys: String, CodingKey {
        case columns, mean, scale, standardizedCovariance
        /// The name of `columns` before the model file's keys were adopted.
        case columnNames
    }

    /// Decodes a model and checks it.
    /// - Throws: `DecodingError.dataCorrupted` whose description says what is wrong (its
    ///   underlying error is the `GaussianModelError`) when the parts do not make a valid model.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let columnNames = try container.decodeIfPresent([String].self, forKey: .columns)
            ?? container.decode([String].self, forKey: .columnNames)
        let mean = try container.decode([Double].self, forKey: .mean)
        let scale = try container.decode([Double].self, forKey: .scale)
        let standardizedCovariance: Matrix
        if let rows = try? container.decode([[Double]].self, forKey: .standardizedCovariance) {
            do {
                standardizedCovariance = try Matrix(rows: rows)
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .standardizedCovariance, in: container,
                                                       debugDescription: "not a valid matrix: \(error.description)")
            }
        } else {
            standardizedCovariance = try container.decode(Matrix.self, forKey: .standardizedCovariance)
        }
        do {
            try self.init(columnNames: columnNames, mean: mean, scale: scale, standardizedCovariance: standardizedCovariance)
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath, debugDescription: "not a valid GaussianModel: \(error.description)", underlyingError: error))
        }
    }

    /// Encodes the four parts, with the model file's keys.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(columnNames, forKey: .columns)
        try container.encode(mean, forKey: .mean)
        try container.encode(scale, forKey: .scale)
        try container.encode(standardizedCovariance.rows, forKey: .standardizedCovariance)
    }
}
