import Foundation

/// A fitted multivariate normal N(μ, Σ) over named columns, able to impute missing cells by
/// their conditional means.
///
/// Σ is held as `scale` and a `standardizedCovariance` S with Σᵢⱼ = scaleᵢ · scaleⱼ · Sᵢⱼ,
/// so that columns of magnitude near 1e300, whose variances overflow a Double, still
/// impute exactly.
///
/// ```swift
/// let model = fit.model
/// var row: [Double] = [1.2, .nan, 3.4]
/// model.impute(row: &row)   // row[1] is now E[x₂ | x₁ = 1.2, x₃ = 3.4]
/// ```
public struct GaussianModel: Codable, Sendable, Equatable {
    /// The modelled columns, in order.
    public let columnNames: [String]
    /// μ.
    public let mean: [Double]
    /// Column scales used to hold Σ (the available-case standard deviations at fit time).
    public let scale: [Double]
    /// S = D⁻¹ Σ D⁻¹ with D = diag(scale).
    public let standardizedCovariance: Matrix

    /// A model from its parts. - Precondition: dimensions agree; scales are positive.
    public init(columnNames: [String], mean: [Double], scale: [Double], standardizedCovariance: Matrix) {
        let p = columnNames.count
        precondition(mean.count == p && scale.count == p, "one mean and one scale per column")
        precondition(standardizedCovariance.rowCount == p && standardizedCovariance.columnCount == p, "p×p covariance")
        precondition(scale.allSatisfy { $0 > 0 && $0.isFinite }, "scales must be positive")
        self.columnNames = columnNames
        self.mean = mean
        self.scale = scale
        self.standardizedCovariance = standardizedCovariance
    }

    /// A model from a mean vector and a covariance matrix.
    public init(columnNames: [String], mean: [Double], covariance: Matrix) {
        let s = (0..<columnNames.count).map { covariance[$0, $0].squareRoot() }
        var st = covariance
        for i in 0..<s.count { for j in 0..<s.count { st[i, j] = covariance[i, j] / s[i] / s[j] } }
        self.init(columnNames: columnNames, mean: mean, scale: s, standardizedCovariance: st)
    }

    /// Number of variables.
    public var dimension: Int { mean.count }

    /// Σ (maximum-likelihood divisor n). Entries overflow to ±∞ only for columns whose
    /// variance exceeds the Double range.
    public var covariance: Matrix {
        var c = standardizedCovariance
        for i in 0..<dimension { for j in 0..<dimension { c[i, j] = scale[i] * scale[j] * standardizedCovariance[i, j] } }
        return c
    }

    /// The correlation matrix.
    public var correlation: Matrix {
        var c = standardizedCovariance
        let d = (0..<dimension).map { standardizedCovariance[$0, $0].squareRoot() }
        for i in 0..<dimension { for j in 0..<dimension { c[i, j] = standardizedCovariance[i, j] / (d[i] * d[j]) } }
        return c
    }

    /// Standard deviations √Σⱼⱼ.
    public var standardDeviations: [Double] {
        (0..<dimension).map { scale[$0] * standardizedCovariance[$0, $0].squareRoot() }
    }

    /// Replaces every NaN of `row` by its conditional mean given the row's other cells.
    /// - Precondition: `row.count == dimension`.
    public func impute(row: inout [Double]) {
        precondition(row.count == dimension, "row length differs from the model's dimension")
        ConditionalImputer(self).impute(&row)
    }

    /// The conditional standard deviation of each missing cell of `row` given its observed
    /// cells (√ of the diagonal of Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om); 0 for observed cells.
    public func conditionalStandardDeviations(row: [Double]) -> [Double] {
        precondition(row.count == dimension, "row length differs from the model's dimension")
        return ConditionalImputer(self).conditionalStandardDeviations(row)
    }

    /// The matrix with every missing cell replaced by its conditional mean.
    ///
    /// - Complexity: O(n·p) plus one small factorisation per distinct missingness pattern.
    public func completed(_ data: IncompleteMatrix) -> Matrix {
        precondition(data.columnCount == dimension, "column count differs from the model's dimension")
        var values = data.values
        let imputed = imputedValues(for: data, layout: PatternLayout(data))
        var k = 0
        for i in values.indices where values[i].isNaN { values[i] = imputed[k]; k += 1 }
        return Matrix(rowCount: data.rowCount, columnCount: data.columnCount, storage: values)
    }

    /// The conditional means of the missing cells of `data`, in row-major order.
    func imputedValues(for data: IncompleteMatrix, layout: PatternLayout) -> [Double] {
        let n = data.rowCount, p = data.columnCount
        var offset = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            var c = 0
            for j in 0..<p where data.values[i * p + j].isNaN { c += 1 }
            offset[i + 1] = offset[i] + c
        }
        var out = [Double](repeating: .nan, count: offset[n])
        let imputer = ConditionalImputer(self)
        var row = [Double](repeating: 0, count: p)
        for g in layout.patterns.indices where !layout.missing[g].isEmpty {
            imputer.prepare(observed: layout.observed[g], missing: layout.missing[g])
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                for j in 0..<p { row[j] = data.values[i * p + j] }
                imputer.fillPrepared(&row, observed: layout.observed[g], missing: layout.missing[g])
                for (a, j) in layout.missing[g].enumerated() { out[offset[i] + a] = row[j] }
            }
        }
        return out
    }
}

/// Imputes rows under a `GaussianModel`: each missing cell becomes its conditional mean given
/// the row's observed cells. Reuse one imputer for many rows (it factorises the covariance
/// once); it is not thread-safe.
///
/// ```swift
/// let imputer = ConditionalImputer(model)
/// for var row in rows { imputer.impute(&row) }
/// ```
public final class ConditionalImputer {
    private let model: GaussianModel
    private var solver: ConditionalSolver
    // Owned buffers: the solver keeps pointers to the precision and the pattern between
    // `prepare` and the fills that follow.
    private let precision: UnsafeMutablePointer<Double>
    private let missing: UnsafeMutablePointer<Int>
    private let deviation: UnsafeMutablePointer<Double>
    private let conditional: UnsafeMutablePointer<Double>
    private let work: UnsafeMutablePointer<Double>

    /// An imputer for `model`.
    public init(_ model: GaussianModel) {
        self.model = model
        let p = model.dimension
        // The model was validated at fit time (or when its file was read): S is positive definite.
        let factor = try? CholeskyFactorization(model.standardizedCovariance.storage, order: p)
        let k = factor?.inverse ?? [Double](repeating: .nan, count: p * p)
        precision = .allocate(capacity: max(1, p * p))
        precision.initialize(from: k, count: p * p)
        missing = .allocate(capacity: max(1, p))
        deviation = .allocate(capacity: max(1, p))
        conditional = .allocate(capacity: max(1, p))
        work = .allocate(capacity: max(1, p))
        solver = ConditionalSolver(columnCount: p)
    }

    deinit {
        solver.deallocate()
        precision.deallocate()
        missing.deallocate()
        deviation.deallocate()
        conditional.deallocate()
        work.deallocate()
    }

    /// Solves for the pattern with missing columns `m` (ascending).
    func prepare(observed o: [Int], missing m: [Int]) {
        for (a, j) in m.enumerated() { missing[a] = j }
        _ = solver.solve(precision: precision, missing: UnsafeBufferPointer(start: missing, count: m.count))
    }

    /// Fills the missing cells of `row` for the pattern last prepared.
    func fillPrepared(_ row: inout [Double], observed o: [Int], missing m: [Int]) {
        let mu = model.mean, s = model.scale
        deviation.update(repeating: 0, count: row.count)
        for j in o { deviation[j] = row[j] / s[j] - mu[j] / s[j] }
        solver.conditionalDeviations(deviation, into: conditional, work: work)
        for (a, j) in m.enumerated() { row[j] = mu[j] + s[j] * conditional[a] }
    }

    /// Replaces the NaN cells of `row` by their conditional means.
    /// - Precondition: `row.count` equals the model's dimension.
    public func impute(_ row: inout [Double]) {
        precondition(row.count == model.dimension, "row length differs from the model's dimension")
        let (o, m) = split(row)
        guard !m.isEmpty else { return }
        prepare(observed: o, missing: m)
        fillPrepared(&row, observed: o, missing: m)
    }

    /// The conditional standard deviation of each NaN cell of `row` (0 for observed cells).
    public func conditionalStandardDeviations(_ row: [Double]) -> [Double] {
        precondition(row.count == model.dimension, "row length differs from the model's dimension")
        let (o, m) = split(row)
        var out = [Double](repeating: 0, count: row.count)
        guard !m.isEmpty else { return out }
        prepare(observed: o, missing: m)
        for (a, j) in m.enumerated() {
            out[j] = model.scale[j] * solver.conditionalCovariance[a * m.count + a].squareRoot()
        }
        return out
    }

    private func split(_ row: [Double]) -> (observed: [Int], missing: [Int]) {
        var o: [Int] = [], m: [Int] = []
        for (j, v) in row.enumerated() { if v.isNaN { m.append(j) } else { o.append(j) } }
        return (o, m)
    }
}

extension GaussianModel {
    /// Whether `matrix` (symmetric) is numerically positive definite.
    public static func isPositiveDefinite(_ matrix: Matrix) -> Bool {
        guard matrix.rowCount == matrix.columnCount else { return false }
        return (try? CholeskyFactorization(matrix.storage, order: matrix.rowCount)) != nil
    }
}
