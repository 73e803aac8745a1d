import Foundation

/// A fitted mixture of K multivariate normals, f(x) = Σₖ πₖ N(x | μₖ, Σₖ), over named
/// columns, able to impute missing cells.
///
/// A row's missing cells x_m are imputed by their conditional mean under the mixture,
///
///     E[x_m | x_o] = Σₖ rₖ(x_o) · E_k[x_m | x_o],   rₖ(x_o) = πₖ N(x_o | μₖ,o, Σₖ,oo) / Σₗ πₗ N(x_o | μₗ,o, Σₗ,oo),
///
/// the responsibilities rₖ coming from the observed cells' marginal densities only, and
/// with the conditional variance Var[x_j | x_o] = Σₖ rₖ (Cₖ,jj + (E_k[x_j | x_o] − E[x_j | x_o])²):
/// within- plus between-component.
///
/// ```swift
/// let mixture = try GaussianMixtureEM(options: options).fit(data).model
/// let completed = try mixture.completed(otherData)
/// ```
public struct GaussianMixtureModel: Sendable, Equatable {
    /// The mixing weights πₖ (positive, summing to 1).
    public let weights: [Double]
    /// The components N(μₖ, Σₖ), all over the same columns.
    public let components: [GaussianModel]

    /// A mixture from its parts.
    ///
    /// - Parameters:
    ///   - weights: K mixing weights in (0, 1], summing to 1 within 1e-9.
    ///   - components: K ≥ 1 valid normal models over the same column names.
    /// - Throws: `ModelParameterError` naming the first part that is not so.
    public init(weights: [Double], components: [GaussianModel]) throws(ModelParameterError) {
        guard !components.isEmpty else { throw .noComponents }
        guard weights.count == components.count else {
            throw .weightCountMismatch(weights: weights.count, components: components.count)
        }
        if let k = weights.firstIndex(where: { !($0 > 0 && $0 <= 1) }) { throw .invalidWeight(component: k, value: weights[k]) }
        let sum = weights.reduce(0, +)
        guard abs(sum - 1) <= 1e-9 else { throw .weightsDoNotSumToOne(sum: sum) }
        if let k = components.firstIndex(where: { $0.columnNames != components[0].columnNames }) {
            throw .componentColumnsDiffer(component: k)
        }
        self.weights = weights
        self.components = components
    }

    /// The modelled columns, in order.
    public var columnNames: [String] { components[0].columnNames }
    /// Number of variables.
    public var dimension: Int { components[0].dimension }
    /// K.
    public var componentCount: Int { components.count }
    /// The mixture's mean Σₖ πₖ μₖ.
    public var mean: [Double] {
        (0..<dimension).map { j in zip(weights, components).reduce(0) { $0 + $1.0 * $1.1.mean[j] } }
    }

    /// Free parameters: K − 1 weights, K·p means and K·p(p+1)/2 covariances.
    public var parameterCount: Int {
        let k = componentCount, p = dimension
        return (k - 1) + k * p + k * p * (p + 1) / 2
    }

    /// `data` with every missing cell replaced by its conditional mean under the mixture, in
    /// `data`'s column order; columns are matched as `GaussianModel.completed(_:)` matches them.
    ///
    /// - Throws: `DataError` when the columns differ; `GaussianModelError.illConditioned`
    ///   when a component's Σ is too close to singular for a pattern's missing columns.
    /// - Complexity: O(n·K·p² + K·Σ_patterns |m|³).
    public func completed(_ data: IncompleteMatrix) throws -> Matrix {
        let reordered = try inModelOrder(data)
        let imputation = try self.imputation(for: reordered.matrix, layout: PatternLayout(reordered.matrix))
        var out = data.values
        for cell in imputation.cells {
            let column = reordered.position.map { $0[cell.column] } ?? cell.column
            out[cell.row * data.columnCount + column] = cell.value
        }
        return Matrix(checkedRowCount: data.rowCount, columnCount: data.columnCount, storage: out)
    }

    /// The conditional mean and standard deviation of each cell of `row` given its observed
    /// cells (an observed cell is its own mean, with SD 0), and the row's responsibilities.
    /// Cells are matched to columns by position, as in `GaussianModel.impute(row:)`.
    ///
    /// - Throws: `DataError` when `row.count` differs from `dimension` or a cell is ±∞;
    ///   `GaussianModelError.illConditioned` as `completed(_:)`.
    public func conditionalMoments(row: [Double]) throws -> (mean: [Double], standardDeviation: [Double], responsibilities: [Double]) {
        try conditionalMoments(row: row, prepared: nil)
    }

    /// `conditionalMoments(row:)` with the components already prepared for the row's pattern.
    func conditionalMoments(row: [Double], prepared: [PreparedComponent]?) throws
        -> (mean: [Double], standardDeviation: [Double], responsibilities: [Double]) {
        guard row.count == dimension else { throw DataError.columnCountMismatch(count: row.count, expected: dimension) }
        if let j = row.firstIndex(where: \.isInfinite) { throw DataError.infiniteValue(row: 0, column: j) }
        let data = IncompleteMatrix(checkedRowCount: 1, columnCount: dimension, values: row, columnNames: columnNames)
        let imputation = try self.imputation(for: data, layout: PatternLayout(data), prepared: prepared)
        var mean = row, sd = [Double](repeating: 0, count: dimension)
        for cell in imputation.cells {
            mean[cell.column] = cell.value
            sd[cell.column] = cell.conditionalStandardDeviation!
        }
        return (mean, sd, imputation.responsibilities)
    }

    /// `data` with the model's columns in order, and where each came from (nil: unchanged).
    func inModelOrder(_ data: IncompleteMatrix) throws(DataError) -> (matrix: IncompleteMatrix, position: [Int]?) {
        guard let position = try components[0].positions(of: data) else { return (data, nil) }
        let n = data.rowCount, p = dimension
        var values = [Double](repeating: .nan, count: n * p)
        for i in 0..<n { for k in 0..<p { values[i * p + k] = data.values[i * data.columnCount + position[k]] } }
        return (IncompleteMatrix(checkedRowCount: n, columnCount: p, values: values, columnNames: columnNames), position)
    }

    /// The components on the working scale x / s (s the first component's scales), which
    /// changes every log density by the same constant and so no responsibility.
    func prepared(missing: [[Int]]) throws(GaussianModelError) -> [PreparedComponent] {
        let s = components[0].scale, p = dimension
        var out: [PreparedComponent] = []
        for component in components {
            let ratio = (0..<p).map { component.scale[$0] / s[$0] }
            var sigma = component.standardizedCovariance.storage
            for i in 0..<p { for j in 0..<p { sigma[i * p + j] *= ratio[i] * ratio[j] } }
            let mean = (0..<p).map { component.mean[$0] / s[$0] }
            do {
                out.append(try PreparedComponent(mean: mean, covariance: sigma, missing: missing))
            } catch {
                switch error {
                case .covariance(let pivot): throw .notPositiveDefinite(column: columnNames[pivot])
                case .pattern(let g): throw .illConditioned(missingColumns: missing[g].map { columnNames[$0] })
                }
            }
        }
        return out
    }

    /// The conditional means and standard deviations of the missing cells of `data` (the
    /// model's columns, in order), each with its position, and the last row's responsibilities.
    func imputation(for data: IncompleteMatrix, layout: PatternLayout, prepared given: [PreparedComponent]? = nil) throws(GaussianModelError)
        -> (cells: ImputedCells, responsibilities: [Double]) {
        let n = data.rowCount, p = dimension, kCount = componentCount
        let prepared: [PreparedComponent]
        if let given { prepared = given } else { prepared = try self.prepared(missing: layout.missing) }
        let s = components[0].scale
        let offset = ImputedCells.rowStarts(data)
        var positions = [Int](repeating: 0, count: offset[n])
        var values = [Double](repeating: .nan, count: offset[n])
        var sds = [Double](repeating: .nan, count: offset[n])
        var lastResponsibilities = weights
        let logWeights = weights.map { log($0) }
        let z = UnsafeMutablePointer<Double>.allocate(capacity: kCount * p)
        let work = UnsafeMutablePointer<Double>.allocate(capacity: 2 * p)
        let x = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let logDensity = UnsafeMutablePointer<Double>.allocate(capacity: kCount)
        defer { z.deallocate(); work.deallocate(); x.deallocate(); logDensity.deallocate() }
        var r = [Double](repeating: 0, count: kCount)
        for g in layout.patterns.indices where !layout.missing[g].isEmpty {
            let m = layout.missing[g], no = p - m.count
            for position in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[position]
                for j in 0..<p { x[j] = data.values[i * p + j] / s[j] }
                for k in 0..<kCount {
                    let d2 = prepared[k].completeDeviation(x, pattern: g, missing: m, into: z + k * p, work: work)
                    logDensity[k] = no == 0 ? logWeights[k]
                        : logWeights[k] - 0.5 * (Double(no) * log(2 * Double.pi) + prepared[k].logDeterminantObserved(pattern: g) + d2)
                }
                let total = logSumExp(logDensity, kCount)
                for k in 0..<kCount { r[k] = exp(logDensity[k] - total) }
                for (a, j) in m.enumerated() {
                    var mean = 0.0
                    for k in 0..<kCount { mean += r[k] * (prepared[k].mean[j] + z[k * p + j]) }
                    var variance = 0.0
                    for k in 0..<kCount {
                        let within = m.count == p ? prepared[k].covariance[j * p + j]
                            : prepared[k].conditionalVariance(pattern: g, index: a, missingCount: m.count)
                        let between = prepared[k].mean[j] + z[k * p + j] - mean
                        variance += r[k] * (within + between * between)
                    }
                    positions[offset[i] + a] = i * p + j
                    values[offset[i] + a] = mean * s[j]
                    sds[offset[i] + a] = max(0, variance).squareRoot() * s[j]
                }
                lastResponsibilities = r
            }
        }
        if n == 1 && offset[1] == 0 {
            // A complete row: its responsibilities still describe it.
            for j in 0..<p { x[j] = data.values[j] / s[j] }
            for k in 0..<kCount {
                let d2 = prepared[k].completeDeviation(x, pattern: 0, missing: [], into: z + k * p, work: work)
                logDensity[k] = logWeights[k] - 0.5 * (Double(p) * log(2 * Double.pi) + prepared[k].logDeterminant + d2)
            }
            let total = logSumExp(logDensity, kCount)
            lastResponsibilities = (0..<kCount).map { exp(logDensity[$0] - total) }
        }
        return (ImputedCells(rowCount: n, columnCount: p, offsets: positions, values: values, standardDeviations: sds),
                lastResponsibilities)
    }
}

/// Imputes rows one at a time under a mixture, preparing each missingness pattern once (its
/// K factorisations are kept for the rows that share it), as `ConditionalImputer` does for a
/// normal. What `emimpute apply` streams through.
///
/// ```swift
/// let imputer = GaussianMixtureImputer(mixture)
/// let (mean, sd, _) = try imputer.conditionalMoments(row: [6.0, .nan])
/// ```
public final class GaussianMixtureImputer {
    /// The mixture.
    public let model: GaussianMixtureModel
    /// Patterns prepared so far (at most `cacheLimit`; then the cache starts afresh).
    private var cache: [[Int]: [PreparedComponent]] = [:]
    private static let cacheLimit = 4096

    /// An imputer for `model`.
    public init(_ model: GaussianMixtureModel) {
        self.model = model
    }

    /// As `GaussianMixtureModel.conditionalMoments(row:)`.
    ///
    /// - Throws: as `GaussianMixtureModel.conditionalMoments(row:)`.
    /// - Complexity: O(K·p²) per row, plus O(K·p³) the first time a pattern is seen.
    public func conditionalMoments(row: [Double]) throws -> (mean: [Double], standardDeviation: [Double], responsibilities: [Double]) {
        let missing = row.indices.filter { row[$0].isNaN }
        var prepared = cache[missing]
        if prepared == nil, row.count == model.dimension {
            let made = try model.prepared(missing: [missing])
            if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
            cache[missing] = made
            prepared = made
        }
        return try model.conditionalMoments(row: row, prepared: prepared)
    }
}
