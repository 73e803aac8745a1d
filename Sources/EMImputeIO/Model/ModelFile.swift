import EMImputeCore
import Foundation

/// A fitted model saved by `impute --save-model` and read by `apply`: the normal model, the
/// reading options that shaped it, what the imputed-value adjustments need to know about the
/// training data, and a fingerprint of the training data.
///
/// Reading requires only what `apply` uses (`formatVersion`, `columns`, `mean`, `scale`,
/// `standardizedCovariance`, `missingTokens`, and from format 2 on `adjustment`); the keys
/// kept for information (`covariance`, `emimputeVersion`, `excludedColumns`, `ridge`,
/// `fingerprint`) may be absent.
///
/// ```swift
/// let file = try ModelFile.read("model.json")
/// let model = try file.model(file: "model.json")
/// ```
public struct ModelFile: Codable, Sendable {
    /// The format this code writes for a normal model (`kind` absent: files that older
    /// versions of emimpute read too).
    public static let currentFormatVersion = 2
    /// The format this code writes for a mixture or t model (with `kind`).
    public static let modelKindFormatVersion = 3
    /// The formats this code reads: 1 (no adjustment data), 2 and 3 (a `kind` and its
    /// parameters). Files of format 1 and 2 hold a normal model.
    public static let readableFormatVersions = 1...3

    /// What the training data looked like.
    public struct Fingerprint: Codable, Sendable, Equatable {
        /// Data rows of the training file.
        public var rows: Int
        /// Observed cells of each modelled column, aligned with `columns`.
        public var observedCounts: [Int]
        /// Observed-data log-likelihood at the fit.
        public var logLikelihood: Double

        /// A fingerprint from its parts.
        public init(rows: Int, observedCounts: [Int], logLikelihood: Double) {
            self.rows = rows
            self.observedCounts = observedCounts
            self.logLikelihood = logLikelihood
        }

        /// Decodes a fingerprint; the counts must be whole numbers.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            rows = try c.decodeWholeNumber(forKey: .rows)
            observedCounts = try c.decodeWholeNumbers(forKey: .observedCounts)
            logLikelihood = try c.decode(Double.self, forKey: .logLikelihood)
        }

        enum CodingKeys: String, CodingKey {
            case rows, observedCounts, logLikelihood
        }
    }

    /// The format of the file (see `readableFormatVersions`).
    public var formatVersion: Int
    /// The version of emimpute that wrote the file (for information).
    public var emimputeVersion: String?
    /// Modelled column names, in order.
    public var columns: [String]
    /// μ.
    public var mean: [Double]
    /// Σ (ML divisor n), for people; the exact representation is `scale` and
    /// `standardizedCovariance`. Not read by `apply`, so it may be absent.
    public var covariance: [[Double]]?
    /// Σ = diag(scale) · standardizedCovariance · diag(scale).
    public var scale: [Double]
    /// S, symmetric positive definite.
    public var standardizedCovariance: [[Double]]
    /// Missing-value codes used in training (apply uses them too).
    public var missingTokens: [String]
    /// Columns excluded in training (for information).
    public var excludedColumns: [String]?
    /// The ridge prior strength of the fit (0: MLE) (for information).
    public var ridge: Double?
    /// The training data (for information).
    public var fingerprint: Fingerprint?
    /// Per modelled column, the observed range and whether the observed values are all
    /// integers, with the training run's choices (`--round-integers`, `--clamp`). Absent in
    /// format 1 files, which cannot round or clamp.
    public var adjustment: ImputedValueAdjustment?
    /// `gaussian` (the default when absent), `mixture` or `t` (format 3).
    public var kind: ModelKind?
    /// A mixture's components (format 3, kind `mixture`); `mean`, `scale` and
    /// `standardizedCovariance` then hold the single normal with the mixture's mean and
    /// covariance, for information.
    public var components: [Component]?
    /// A t model's degrees of freedom ν (format 3, kind `t`); `mean`, `scale` and
    /// `standardizedCovariance` then hold its location and scatter. Absent (or `null`) when
    /// `degreesOfFreedomIsInfinite`.
    public var degreesOfFreedom: Double?
    /// Whether a t model's ν is +∞ (the normal; `--df inf`), which JSON cannot write as a
    /// number (kind `t`; absent means false).
    public var degreesOfFreedomIsInfinite: Bool?

    /// One component of a saved mixture.
    public struct Component: Codable, Sendable, Equatable {
        /// Mixing weight πₖ.
        public var weight: Double
        /// μₖ.
        public var mean: [Double]
        /// Column scales of Σₖ = diag(scale) · S · diag(scale).
        public var scale: [Double]
        /// S, symmetric positive definite.
        public var standardizedCovariance: [[Double]]
        /// Σₖ, for people (not read).
        public var covariance: [[Double]]?
    }

    /// The file for a fit on `table`, recording `adjustment` — the one the run applied to the
    /// imputed cells — or, when nil, the observed ranges of `table` with no adjustment chosen.
    /// - Throws: `ImputedValueAdjustment.ShapeError` when `adjustment` describes another
    ///   number of columns than the model has.
    public init(table: LoadedTable, result: EMResult, adjustment: ImputedValueAdjustment? = nil) throws {
        try self.init(result: result, missingTokens: table.options.missingTokens, columns: table.columns, rows: table.rowCount,
                      adjustment: adjustment ?? ImputedValueAdjustment(table.matrix, roundIntegers: false, clampToObservedRange: false))
    }

    /// The file for a fit on data with the input columns `columns` (the numeric ones
    /// modelled) and `rows` rows, recording `adjustment`.
    init(result: EMResult, missingTokens: [String], columns: [ColumnProfile], rows: Int, adjustment recorded: ImputedValueAdjustment) throws {
        let model = result.model
        guard recorded.observed.count == model.dimension else {
            throw ImputedValueAdjustment.ShapeError.columnCount(expected: recorded.observed.count, found: model.dimension)
        }
        formatVersion = Self.currentFormatVersion
        emimputeVersion = EMImputeVersion.current
        self.columns = model.columnNames
        mean = model.mean
        covariance = model.covariance.rows
        scale = model.scale
        standardizedCovariance = model.standardizedCovariance.rows
        self.missingTokens = missingTokens
        excludedColumns = columns.filter { $0.kind == .excluded }.map(\.name)
        ridge = result.options.ridge
        fingerprint = Fingerprint(rows: rows, observedCounts: columns.filter { $0.kind == .numeric }.map(\.observed),
                                  logLikelihood: result.logLikelihood)
        self.adjustment = recorded
    }

    /// Decodes a model file: the keys `apply` uses are required, the informational ones
    /// optional; `adjustment` is required from format 2 on. Checking the values is
    /// `model(file:)`'s job.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        formatVersion = try c.decodeWholeNumber(forKey: .formatVersion)
        emimputeVersion = try c.decodeIfPresent(String.self, forKey: .emimputeVersion)
        columns = try c.decode([String].self, forKey: .columns)
        mean = try c.decode([Double].self, forKey: .mean)
        covariance = try c.decodeIfPresent([[Double]].self, forKey: .covariance)
        scale = try c.decode([Double].self, forKey: .scale)
        standardizedCovariance = try c.decode([[Double]].self, forKey: .standardizedCovariance)
        missingTokens = try c.decode([String].self, forKey: .missingTokens)
        excludedColumns = try c.decodeIfPresent([String].self, forKey: .excludedColumns)
        ridge = try c.decodeIfPresent(Double.self, forKey: .ridge)
        fingerprint = try c.decodeIfPresent(Fingerprint.self, forKey: .fingerprint)
        // Format 2 always records the adjustment data: a file without them has been damaged.
        adjustment = formatVersion >= 2 ? try c.decode(ImputedValueAdjustment.self, forKey: .adjustment)
                                        : try c.decodeIfPresent(ImputedValueAdjustment.self, forKey: .adjustment)
        // Format 3 always names its kind, and a kind its parameters.
        kind = formatVersion >= 3 ? try Self.decodeKind(c) : nil
        components = kind == .mixture ? try c.decode([Component].self, forKey: .components) : nil
        degreesOfFreedomIsInfinite = kind == .t ? try c.decodeIfPresent(Bool.self, forKey: .degreesOfFreedomIsInfinite) : nil
        degreesOfFreedom = kind != .t ? nil
            : degreesOfFreedomIsInfinite == true ? try c.decodeIfPresent(Double.self, forKey: .degreesOfFreedom)
            : try c.decode(Double.self, forKey: .degreesOfFreedom)
    }

    /// The `kind`, refusing a name that is no model's with the names that are.
    private static func decodeKind(_ c: KeyedDecodingContainer<CodingKeys>) throws -> ModelKind {
        let name = try c.decode(String.self, forKey: .kind)
        guard let kind = ModelKind(rawValue: name) else {
            let names = ModelKind.allCases.map(\.rawValue)
            let reason = "'kind' must be \(names.dropLast().joined(separator: ", ")) or \(names.last!), not '\(name)'"
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [CodingKeys.kind], debugDescription: reason,
                                                    underlyingError: ModelFileError.InvalidValue(reason: reason)))
        }
        return kind
    }

    enum CodingKeys: String, CodingKey {
        case formatVersion, emimputeVersion, columns, mean, covariance, scale, standardizedCovariance, missingTokens,
             excludedColumns, ridge, fingerprint, adjustment, kind, components, degreesOfFreedom, degreesOfFreedomIsInfinite
    }

    /// The model, after checking that the file is consistent (format version, dimensions,
    /// finite values, positive scales, a symmetric positive-definite covariance, and adjustment
    /// data for every column).
    /// - Parameter file: the path, for messages.
    /// - Throws: `ModelFileError`.
    public func model(file: String) throws -> GaussianModel {
        let p = columns.count
        func invalid(_ why: String) -> ModelFileError { .invalid(path: file, reason: why) }
        guard Self.readableFormatVersions.contains(formatVersion) else {
            throw ModelFileError.unsupportedVersion(path: file, version: formatVersion)
        }
        guard p > 0, mean.count == p, scale.count == p, standardizedCovariance.count == p,
              standardizedCovariance.allSatisfy({ $0.count == p }) else { throw invalid("the dimensions of mean, scale and covariance do not match the \(p) columns") }
        guard Set(columns).count == p else { throw invalid("column names repeat") }
        guard mean.allSatisfy(\.isFinite), scale.allSatisfy({ $0 > 0 && $0.isFinite }),
              standardizedCovariance.joined().allSatisfy(\.isFinite) else { throw invalid("a value is not finite, or a scale is not positive") }
        for i in 0..<p { for j in 0..<i where standardizedCovariance[i][j] != standardizedCovariance[j][i] {
            throw invalid("the covariance matrix is not symmetric")
        } }
        if let adjustment {
            guard adjustment.observed.count == p else { throw invalid("'adjustment.observed' has \(adjustment.observed.count) entries for \(p) columns") }
            guard adjustment.observed.allSatisfy({ $0.minimum.isFinite && $0.maximum.isFinite && $0.minimum <= $0.maximum }) else {
                throw invalid("an observed range in 'adjustment.observed' is not finite or its minimum exceeds its maximum")
            }
        }
        let s = try Matrix(rows: standardizedCovariance)
        guard GaussianModel.isPositiveDefinite(s) else { throw invalid("the covariance matrix is not positive definite") }
        do {
            return try GaussianModel(columnNames: columns, mean: mean, scale: scale, standardizedCovariance: s)
        } catch {
            throw invalid(error.description)
        }
    }

    /// The adjustment `apply` makes to imputed cells: the training run's choices, each
    /// overridden when `roundIntegers` or `clampToObservedRange` is not nil. Nil when nothing
    /// is to be adjusted.
    /// - Parameter file: the path, for messages.
    /// - Throws: `ModelFileError.adjustmentNotRecorded` when an adjustment is asked of a
    ///   format 1 file, which lacks the observed ranges.
    public func appliedAdjustment(roundIntegers: Bool? = nil, clampToObservedRange: Bool? = nil, file: String) throws -> ImputedValueAdjustment? {
        guard let recorded = adjustment else {
            if roundIntegers == true { throw ModelFileError.adjustmentNotRecorded(path: file, adjustment: .roundIntegers) }
            if clampToObservedRange == true { throw ModelFileError.adjustmentNotRecorded(path: file, adjustment: .clampToObservedRange) }
            return nil
        }
        let chosen = recorded.with(roundIntegers: roundIntegers ?? recorded.roundsIntegers,
                                   clampToObservedRange: clampToObservedRange ?? recorded.clampsToObservedRange)
        return chosen.isActive ? chosen : nil
    }

    /// Reads and decodes a model file. Any path that can be opened and read to its end works:
    /// a regular file, a FIFO, a pipe (`/dev/stdin`, `<(…)`).
    /// - Throws: `ModelFileError`.
    public static func read(_ path: String) throws -> ModelFile {
        try decode(Data(try readBytes(path)), path: path)
    }

    /// Reads and decodes the model file at `url`: a file URL as `read(_:)` does, any other URL
    /// through `Data(contentsOf:)`.
    /// - Throws: `ModelFileError`, naming the URL's path (or the URL).
    public static func read(contentsOf url: URL) throws -> ModelFile {
        if url.isFileURL { return try read(url.path) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelFileError.cannotOpen(path: url.absoluteString, errno: (error as NSError).domain == NSPOSIXErrorDomain ? Int32((error as NSError).code) : EIO)
        }
        return try decode(data, path: url.absoluteString)
    }

    /// Decodes the bytes of a model file; `path` names it in errors.
    private static func decode(_ data: Data, path: String) throws -> ModelFile {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        // The version first, so that a newer file is reported as such rather than by a key
        // that its format renamed.
        do {
            let version = try decoder.decode(VersionProbe.self, from: data).formatVersion
            guard readableFormatVersions.contains(version) else { throw ModelFileError.unsupportedVersion(path: path, version: version) }
            return try decoder.decode(ModelFile.self, from: data)
        } catch let error as DecodingError {
            throw ModelFileError(error, path: path, data: data)
        }
    }

    /// The bytes of `path`, read from an open descriptor to the end of the stream.
    private static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ModelFileError.cannotOpen(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { throw ModelFileError.isFolder(path: path) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var hasCheckedStart = false
        while true {
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { try FileDescriptorIO.read(fd, into: $0.baseAddress!, count: $0.count) }
            } catch let error as SystemCallError {
                throw ModelFileError.cannotOpen(path: path, errno: error.code)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            // A model is a JSON object: anything else (a CSV given as the model, a device
            // that never ends) is refused at its first byte rather than read to the end.
            if !hasCheckedStart, let first = firstSignificantByte(bytes) {
                hasCheckedStart = true
                if first != UInt8(ascii: "{") { throw ModelFileError.notJSON(path: path, detail: "it begins with '\(beginning(of: bytes))'") }
            }
        }
        if !hasCheckedStart { throw ModelFileError.notJSON(path: path, detail: "the file is empty") }
        return bytes
    }

    /// The first byte that is not a byte-order mark or JSON white space.
    private static func firstSignificantByte(_ bytes: [UInt8]) -> UInt8? {
        let start = FieldBytes.byteOrderMarkLength(bytes)
        return bytes[min(start, bytes.count)...].first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    /// The first line of `bytes`, shortened and made printable.
    private static func beginning(of bytes: [UInt8]) -> String {
        let line = bytes.prefix(40).prefix { $0 != 0x0A && $0 != 0x0D }
        return Array(line).withUnsafeBufferPointer { PrintableText.of($0, limit: 20).text }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        try JSONOutput.encode(self)
    }
}

/// The version key alone, read before the rest.
private struct VersionProbe: Decodable {
    let formatVersion: Int

    init(from decoder: any Decoder) throws {
        formatVersion = try decoder.container(keyedBy: ModelFile.CodingKeys.self).decodeWholeNumber(forKey: .formatVersion)
    }
}

/// A coding key for an array element, for the paths of errors.
private struct ElementKey: CodingKey {
    var stringValue: String { "Index \(index)" }
    var intValue: Int? { index }
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { index = intValue }
}

extension KeyedDecodingContainer {
    /// JSON has one number type: an integer field is read as a number and checked, so that
    /// `1.5` is reported at its key instead of as "not valid JSON".
    fileprivate func decodeWholeNumber(forKey key: Key) throws -> Int {
        let x = try decode(Double.self, forKey: key)
        guard let n = WholeNumber.of(x) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: WholeNumber.expected))
        }
        return n
    }

    fileprivate func decodeWholeNumbers(forKey key: Key) throws -> [Int] {
        var list = try nestedUnkeyedContainer(forKey: key)
        var out: [Int] = []
        while !list.isAtEnd {
            let index = list.currentIndex
            let x = try list.decode(Double.self)
            guard let n = WholeNumber.of(x) else {
                throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key, ElementKey(index)], debugDescription: WholeNumber.expected))
            }
            out.append(n)
        }
        return out
    }
}

/// Integers as JSON numbers.
enum WholeNumber {
    static let expected = "a whole number"

    /// `x` as an Int when it is a whole number that a double holds exactly.
    static func of(_ x: Double) -> Int? {
        guard x.isFinite, x.rounded() == x, x.magnitude <= 9_007_199_254_740_992 else { return nil }
        return Int(x)
    }
}
