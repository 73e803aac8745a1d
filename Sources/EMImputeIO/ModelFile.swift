import EMImputeCore
import Foundation

/// A fitted model saved by `impute --save-model` and read by `apply`: the normal model, the
/// reading options that shaped it, and a fingerprint of the training data.
public struct ModelFile: Codable, Sendable {
    /// The format this code writes and reads.
    public static let currentFormatVersion = 1

    /// What the training data looked like.
    public struct Fingerprint: Codable, Sendable, Equatable {
        /// Data rows of the training file.
        public var rows: Int
        /// Observed cells of each modelled column, aligned with `columns`.
        public var observedCounts: [Int]
        /// Observed-data log-likelihood at the fit.
        public var logLikelihood: Double
    }

    public var formatVersion: Int
    public var emimputeVersion: String
    /// Modelled column names, in order.
    public var columns: [String]
    /// μ.
    public var mean: [Double]
    /// Σ (ML divisor n), for people; the exact representation is `scale` and `standardizedCovariance`.
    public var covariance: [[Double]]
    /// Σ = diag(scale) · standardizedCovariance · diag(scale).
    public var scale: [Double]
    public var standardizedCovariance: [[Double]]
    /// Missing-value codes used in training (apply uses them too).
    public var missingTokens: [String]
    /// Columns excluded in training.
    public var excludedColumns: [String]
    /// The ridge prior strength of the fit (0: MLE).
    public var ridge: Double
    public var fingerprint: Fingerprint

    /// The file for a fit on `table`.
    public init(table: LoadedTable, result: EMResult) {
        let model = result.model
        formatVersion = Self.currentFormatVersion
        emimputeVersion = EMImputeVersion.current
        columns = model.columnNames
        mean = model.mean
        covariance = model.covariance.rows
        scale = model.scale
        standardizedCovariance = model.standardizedCovariance.rows
        missingTokens = table.options.missingTokens
        excludedColumns = table.columns.filter { $0.kind == .excluded }.map(\.name)
        ridge = result.options.ridge
        fingerprint = Fingerprint(rows: table.rowCount, observedCounts: table.modelledColumns.map { table.columns[$0].observed },
                                  logLikelihood: result.logLikelihood)
    }

    /// The model, after checking that the file is consistent (dimensions, finite values,
    /// positive scales, a symmetric positive-definite covariance).
    public func model(file: String) throws -> GaussianModel {
        let p = columns.count
        func invalid(_ why: String) -> ModelFileError { .invalid(path: file, reason: why) }
        guard formatVersion == Self.currentFormatVersion else {
            throw invalid("format version \(formatVersion) is not supported (this emimpute reads version \(Self.currentFormatVersion))")
        }
        guard p > 0, mean.count == p, scale.count == p, standardizedCovariance.count == p,
              standardizedCovariance.allSatisfy({ $0.count == p }) else { throw invalid("the dimensions of mean, scale and covariance do not match the \(p) columns") }
        guard Set(columns).count == p else { throw invalid("column names repeat") }
        guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 && $0.isFinite }),
              standardizedCovariance.joined().allSatisfy(\.isFinite) else { throw invalid("a value is not finite, or a scale is not positive") }
        for i in 0..<p { for j in 0..<i where standardizedCovariance[i][j] != standardizedCovariance[j][i] {
            throw invalid("the covariance matrix is not symmetric")
        } }
        let s = try Matrix(rows: standardizedCovariance)
        guard GaussianModel.isPositiveDefinite(s) else { throw invalid("the covariance matrix is not positive definite") }
        do {
            return try GaussianModel(columnNames: columns, mean: mean, scale: scale, standardizedCovariance: s)
        } catch {
            throw invalid(error.description)
        }
    }

    /// Reads and decodes a model file.
    public static func read(_ path: String) throws -> ModelFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelFileError.cannotOpen(path: path, reason: (error as NSError).localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do { return try decoder.decode(ModelFile.self, from: data) } catch {
            throw ModelFileError.invalid(path: path, reason: "not an emimpute model file (\(error))")
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        try JSONOutput.encode(self)
    }
}

/// A model file that cannot be used.
public enum ModelFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read.
    case cannotOpen(path: String, reason: String)
    /// The file is not a valid model.
    case invalid(path: String, reason: String)
    /// A modelled column is absent from the input.
    case missingColumn(file: String, column: String)

    /// What is wrong and what to do.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open the model: \(reason)"
        case .invalid(let path, let reason): return "\(path): \(reason). Save the model again with 'emimpute impute … --save-model'."
        case .missingColumn(let file, let column):
            return "\(file): the model needs column '\(column)', which the input lacks. Columns are matched by name; rename the column or refit the model."
        }
    }
}
