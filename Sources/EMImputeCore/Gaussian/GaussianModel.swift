import Foundation

/// A fitted multivariate normal N(μ, Σ) over named columns, able to impute missing cells by
/// their conditional means.
///
/// Σ is held as `scale` and a `standardizedCovariance` S with Σᵢⱼ = scaleᵢ · scaleⱼ · Sᵢⱼ,
/// so that columns of magnitude near 1e300, whose variances overflow a Double, still
/// impute exactly.
///
/// Every model is valid: its initialisers and its decoder check the parts (one mean and one
/// scale per uniquely named column, finite means, positive finite scales, a finite,
/// symmetric, positive-definite S) and throw otherwise.
///
/// ```swift
/// let model = fit.model
/// var row: [Double] = [1.2, .nan, 3.4]   // in the order of model.columnNames
/// try model.impute(row: &row)   // row[1] is now E[x₂ | x₁ = 1.2, x₃ = 3.4]
/// ```
public struct GaussianModel: Sendable, Equatable {
    /// The modelled columns, in order.
    public let columnNames: [String]
    /// μ.
    public let mean: [Double]
    /// Column scales used to hold Σ (the available-case standard deviations at fit time).
    public let scale: [Double]
    /// S = D⁻¹ Σ D⁻¹ with D = diag(scale).
    public let standardizedCovariance: Matrix

    /// A model from its parts, Σ = diag(scale) · S · diag(scale).
    ///
    /// - Parameters:
    ///   - columnNames: p ≥ 1 unique names.
    ///   - mean: p finite means.
    ///   - scale: p positive finite scales.
    ///   - standardizedCovariance: S, p×p, finite, exactly symmetric and positive definite
    ///     (its Cholesky factorisation succeeds with every pivot above 10⁻¹⁰ of its diagonal entry).
    /// - Throws: `GaussianModelError` naming the first part that is not so.
    /// - Complexity: O(p³).
    public init(columnNames: [String], mean: [Double], scale: [Double], standardizedCovariance: Matrix) throws(GaussianModelError) {
        try Self.validate(columnNames: columnNames, mean: mean, scale: scale, standardizedCovariance: standardizedCovariance)
        self.columnNames = columnNames
        self.mean = mean
        self.scale = scale
        self.standardizedCovariance = standardizedCovariance
    }

    /// A model from a mean vector and a covariance matrix Σ (finite, exactly symmetric,
    /// positive definite); the scales become √Σⱼⱼ.
    ///
    /// - Throws: `GaussianModelError` as `init(columnNames:mean:scale:standardizedCovariance:)`.
    /// - Complexity: O(p³).
    public init(columnNames: [String], mean: [Double], covariance: Matrix) throws(GaussianModelError) {
        let p = columnNames.count
        guard p > 0 else { throw .noColumns }
        guard mean.count == p, covariance.rowCount == p, covariance.columnCount == p else {
            throw .dimensionMismatch(columns: p, means: mean.count, scales: p,
                                     covarianceRows: covariance.rowCount, covarianceColumns: covariance.columnCount)
        }
        try Self.checkEntries(covariance, names: columnNames)
        for j in 0..<p where !(covariance[j, j] > 0) { throw .notPositiveDefinite(column: columnNames[j]) }
        let s = (0..<p).map { covariance[$0, $0].squareRoot() }
        // One triangle, mirrored, so that S is exactly as symmetric as Σ.
        var st = covariance
        for i in 0..<p {
            for j in 0...i {
                st[i, j] = covariance[i, j] / s[i] / s[j]
                st[j, i] = st[i, j]
            }
        }
        try self.init(columnNames: columnNames, mean: mean, scale: s, standardizedCovariance: st)
    }

    /// Checks the parts as the initialisers document.
    static func validate(columnNames: [String], mean: [Double], scale: [Double], standardizedCovariance s: Matrix) throws(GaussianModelError) {
        let p = columnNames.count
        guard p > 0 else { throw .noColumns }
        guard mean.count == p, scale.count == p, s.rowCount == p, s.columnCount == p else {
            throw .dimensionMismatch(columns: p, means: mean.count, scales: scale.count,
                                     covarianceRows: s.rowCount, covarianceColumns: s.columnCount)
        }
        if let repeated = IncompleteMatrix.firstRepeatedName(columnNames) { throw .duplicateColumnName(repeated) }
        if let j = mean.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteMean(column: columnNames[j]) }
        if let j = scale.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            throw .invalidScale(column: columnNames[j], value: scale[j])
        }
        try checkEntries(s, names: columnNames)
        do {
            _ = try CholeskyFactorization(s.storage, order: p)
        } catch {
            throw .notPositiveDefinite(column: columnNames[error.pivot])
        }
    }

    /// Every entry of the p×p `matrix` finite, and the matrix exactly symmetric.
    private static func checkEntries(_ matrix: Matrix, names: [String]) throws(GaussianModelError) {
        let p = names.count
        for i in 0..<p {
            for j in 0...i {
                guard matrix[i, j].isFinite, matrix[j, i].isFinite else {
                    throw .nonFiniteCovariance(row: names[i], column: names[j])
                }
                guard matrix[i, j] == matrix[j, i] else { throw .asymmetricCovariance(row: names[i], column: names[j]) }
            }
        }
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
    ///
    /// Cells are matched to columns by position: `row[j]` is column `columnNames[j]`. To
    /// match by name, put the rows in an `IncompleteMatrix` with column names and call
    /// `completed(_:)`.
    ///
    /// - Throws: `DataError` when `row.count` differs from `dimension` or a cell is ±∞;
    ///   `GaussianModelError.illConditioned` when Σ is too close to singular for the row's
    ///   missing columns. `row` is unchanged then.
    /// - Complexity: O(p³) (one factorisation); use a `ConditionalImputer` for many rows.
    public func impute(row: inout [Double]) throws {
        try ConditionalImputer(self).impute(row: &row)
    }

    /// The conditional standard deviation of each missing cell of `row` given its observed
    /// cells (√ of the diagonal of Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om); 0 for observed cells. Cells are
    /// matched to columns by position, as in `impute(row:)`.
    ///
    /// - Throws: as `impute(row:)`.
    public func conditionalStandardDeviations(row: [Double]) throws -> [Double] {
        try ConditionalImputer(self).conditionalStandardDeviations(row: row)
    }

    /// `data` with every missing cell replaced by its conditional mean, in `data`'s column order.
    ///
    /// Columns are matched by name: when `data` has the model's columns (in any order),
    /// each is imputed as the model's column of that name. Data without names of their own
    /// (the default names `V1`, `V2`, … that `IncompleteMatrix` gives) whose names are not
    /// the model's are matched by position instead, and must have `dimension` columns.
    ///
    /// - Throws: `DataError.columnsDiffer` when the names differ (a column missing or
    ///   unknown), `DataError.columnCountMismatch` when data with default names have another
    ///   number of columns; `GaussianModelError.illConditioned` as `impute(row:)`.
    /// - Complexity: O(n·p) plus one small factorisation per distinct missingness pattern.
    public func completed(_ data: IncompleteMatrix) throws -> Matrix {
        let p = dimension, n = data.rowCount
        guard let position = try positions(of: data) else {
            return try completedInModelOrder(data)
        }
        // Reorder into the model's columns, complete, and put the columns back.
        var values = [Double](repeating: .nan, count: n * p)
        for i in 0..<n { for k in 0..<p { values[i * p + k] = data.values[i * p + position[k]] } }
        let reordered = IncompleteMatrix(checkedRowCount: n, columnCount: p, values: values, columnNames: columnNames)
        let filled = try completedInModelOrder(reordered)
        var out = data.values
        for i in 0..<n { for k in 0..<p { out[i * p + position[k]] = filled.storage[i * p + k] } }
        return Matrix(checkedRowCount: n, columnCount: p, storage: out)
    }

    /// The conditional standard deviation of every cell of `data` given its row's observed
    /// cells — √ of the diagonal of Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om for a missing cell, 0 for an
    /// observed one — in `data`'s shape and column order (columns matched as in `completed(_:)`).
    ///
    /// - Throws: as `completed(_:)`.
    /// - Complexity: O(n·p) plus one small factorisation per row with a missing cell.
    public func conditionalStandardDeviations(_ data: IncompleteMatrix) throws -> Matrix {
        let p = dimension, n = data.rowCount
        let position = try positions(of: data) ?? Array(0..<p)
        let imputer = ConditionalImputer(self)
        var out = [Double](repeating: 0, count: n * p)
        var row = [Double](repeating: .nan, count: p)
        for i in 0..<n {
            for k in 0..<p { row[k] = data.values[i * p + position[k]] }
            guard row.contains(where: \.isNaN) else { continue }
            let deviations = try imputer.conditionalStandardDeviations(row: row)
            for k in 0..<p { out[i * p + position[k]] = deviations[k] }
        }
        return Matrix(checkedRowCount: n, columnCount: p, storage: out)
    }

    /// For each model column, the column of `data` that holds it; nil when they are the same
    /// (same names in the same order, or default names matched by position).
    func positions(of data: IncompleteMatrix) throws(DataError) -> [Int]? {
        if data.columnNames == columnNames { return nil }
        let index = Dictionary(uniqueKeysWithValues: data.columnNames.enumerated().map { ($1, $0) })
        let missing = columnNames.filter { index[$0] == nil }
        if missing.isEmpty && data.columnCount == dimension {
            return columnNames.map { index[$0]! }
        }
        if data.hasDefaultColumnNames {
            guard data.columnCount == dimension else { throw .columnCountMismatch(count: data.columnCount, expected: dimension) }
            return nil
        }
        let known = Set(columnNames)
        throw .columnsDiffer(missing: missing, unexpected: data.columnNames.filter { !known.contains($0) })
    }

    /// `data`, whose columns are the model's in order, completed.
    private func completedInModelOrder(_ data: IncompleteMatrix) throws -> Matrix {
        try imputedCells(for: data, layout: PatternLayout(data)).completing(data)
    }

    /// The conditional means of the missing cells of `data` (the model's columns, in order),
    /// each with its position.
    func imputedCells(for data: IncompleteMatrix, layout: PatternLayout) throws(GaussianModelError) -> ImputedCells {
        let n = data.rowCount, p = data.columnCount
        let first = ImputedCells.rowStarts(data)
        var offsets = [Int](repeating: 0, count: first[n])
        var values = [Double](repeating: .nan, count: first[n])
        let imputer = ConditionalImputer(self)
        var row = [Double](repeating: 0, count: p)
        for g in layout.patterns.indices where !layout.missing[g].isEmpty {
            try imputer.prepare(missing: layout.missing[g])
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                for j in 0..<p { row[j] = data.values[i * p + j] }
                imputer.fillPrepared(&row, observed: layout.observed[g], missing: layout.missing[g])
                for (a, j) in layout.missing[g].enumerated() {
                    offsets[first[i] + a] = i * p + j
                    values[first[i] + a] = row[j]
                }
            }
        }
        return ImputedCells(rowCount: n, columnCount: p, offsets: offsets, values: values)
    }
}

extension GaussianModel {
    /// Whether `matrix` (symmetric) is numerically positive definite.
    public static func isPositiveDefinite(_ matrix: Matrix) -> Bool {
        guard matrix.rowCount == matrix.columnCount else { return false }
        return (try? CholeskyFactorization(matrix.storage, order: matrix.rowCount)) != nil
    }
}
