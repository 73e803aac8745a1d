import EMImputeCore
import Foundation

/// Which model a fit or a model file holds: the normal, a normal mixture or a multivariate t.
public enum FittedModel: Sendable, Equatable {
    /// One multivariate normal.
    case gaussian(GaussianModel)
    /// A mixture of normals.
    case mixture(GaussianMixtureModel)
    /// A multivariate t.
    case t(MultivariateTModel)

    /// Which kind of model it is (its raw value is the model file's `kind`).
    public var kind: ModelKind {
        switch self {
        case .gaussian: return .gaussian
        case .mixture: return .mixture
        case .t: return .t
        }
    }

    /// Reads the model file at `url` (written by `ModelFile.json()`, as `emimpute impute
    /// --save-model` does) in one call: decoded, checked (`ModelFile.fittedModel(file:)`) and
    /// typed by its kind. A file URL is read as a path; any other through `Data(contentsOf:)`.
    ///
    /// ```swift
    /// guard case .gaussian(let model) = try FittedModel(contentsOf: url) else { … }
    /// try model.impute(row: &row)
    /// ```
    ///
    /// - Throws: `ModelFileError`.
    public init(contentsOf url: URL) throws {
        let name = url.isFileURL ? url.path : url.absoluteString
        self = try ModelFile.read(contentsOf: url).fittedModel(file: name)
    }

    /// The modelled columns, in order.
    public var columnNames: [String] {
        switch self {
        case .gaussian(let m): return m.columnNames
        case .mixture(let m): return m.columnNames
        case .t(let m): return m.columnNames
        }
    }

    /// Number of modelled columns.
    public var dimension: Int { columnNames.count }

    /// Something that fills rows one at a time (what `apply` streams through).
    func rowImputer() -> any RowImputing {
        switch self {
        case .gaussian(let m): return ConditionalImputer(m)
        case .mixture(let m): return MixtureRowImputer(imputer: GaussianMixtureImputer(m))
        case .t(let m): return TRowImputer(model: m, normal: ConditionalImputer(m.location))
        }
    }
}

/// Fills the NaN cells of one row at a time, in the model's column order.
protocol RowImputing {
    /// Replaces the NaN cells of `row` by their conditional means.
    func impute(row: inout [Double]) throws
    /// The conditional standard deviation of each NaN cell of `row` (0 for observed cells).
    func conditionalStandardDeviations(row: [Double]) throws -> [Double]
    /// The `count` values at `row`: when `deviations` is given, each NaN cell's conditional
    /// standard deviation written there first (0 for observed cells), then the NaN cells
    /// replaced by their conditional means — `conditionalStandardDeviations(row:)` then
    /// `impute(row:)`.
    func impute(row: UnsafeMutablePointer<Double>, count: Int, deviations: UnsafeMutablePointer<Double>?) throws
}

extension RowImputing {
    func impute(row: UnsafeMutablePointer<Double>, count: Int, deviations: UnsafeMutablePointer<Double>?) throws {
        var values = Array(UnsafeBufferPointer(start: row, count: count))
        if let deviations {
            let sd = try conditionalStandardDeviations(row: values)
            for j in 0..<count { deviations[j] = sd[j] }
        }
        try impute(row: &values)
        for j in 0..<count { row[j] = values[j] }
    }
}

extension ConditionalImputer: RowImputing {
    // Without arrays: one row at a time, the writer's hot path.
    func impute(row: UnsafeMutablePointer<Double>, count: Int, deviations: UnsafeMutablePointer<Double>?) throws {
        try impute(row: row, deviations: deviations)
    }
}

/// Rows under a mixture: the responsibility-weighted conditional means and the mixture's
/// conditional standard deviations (within- plus between-component).
private struct MixtureRowImputer: RowImputing {
    let imputer: GaussianMixtureImputer

    func impute(row: inout [Double]) throws {
        guard row.contains(where: \.isNaN) else { return }
        row = try imputer.conditionalMoments(row: row).mean
    }

    func conditionalStandardDeviations(row: [Double]) throws -> [Double] {
        try imputer.conditionalMoments(row: row).standardDeviation
    }
}

/// Rows under a t: the normal conditional means, and the t's conditional standard deviations.
private struct TRowImputer: RowImputing {
    let model: MultivariateTModel
    let normal: ConditionalImputer

    func impute(row: inout [Double]) throws { try normal.impute(row: &row) }

    func conditionalStandardDeviations(row: [Double]) throws -> [Double] {
        try model.conditionalStandardDeviations(row: row)
    }
}
