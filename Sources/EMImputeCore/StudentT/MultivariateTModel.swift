import Foundation

/// A fitted multivariate t distribution t_ν(μ, Σ) over named columns: location μ, scatter Σ
/// (the covariance is ν/(ν−2)·Σ for ν > 2) and ν degrees of freedom.
///
/// A row's missing cells are imputed by their conditional mean, which for the t is the
/// normal's, E[x_m | x_o] = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o), so `location.completed(_:)` imputes.
public struct MultivariateTModel: Sendable, Equatable {
    /// μ and Σ, as a normal model (its `covariance` is the scatter Σ).
    public let location: GaussianModel
    /// ν > 0, +∞ for the normal.
    public let degreesOfFreedom: Double

    /// A model from its parts.
    ///
    /// - Throws: `ModelParameterError.invalidDegreesOfFreedom` when ν is not positive.
    public init(location: GaussianModel, degreesOfFreedom: Double) throws(ModelParameterError) {
        guard degreesOfFreedom > 0 else { throw .invalidDegreesOfFreedom(degreesOfFreedom) }
        self.location = location
        self.degreesOfFreedom = degreesOfFreedom
    }

    /// The modelled columns, in order.
    public var columnNames: [String] { location.columnNames }

    /// `data` with every missing cell replaced by its conditional mean (as `GaussianModel.completed(_:)`).
    ///
    /// - Throws: as `GaussianModel.completed(_:)`.
    public func completed(_ data: IncompleteMatrix) throws -> Matrix {
        try location.completed(data)
    }

    /// The conditional standard deviation of each missing cell of `row` given its o observed
    /// cells: √((ν + δ²)/(ν + o − 2) · Cⱼⱼ), C = Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om and δ² the observed
    /// part's squared Mahalanobis distance; +∞ when ν + o ≤ 2; 0 for observed cells.
    ///
    /// - Throws: as `GaussianModel.conditionalStandardDeviations(row:)`.
    public func conditionalStandardDeviations(row: [Double]) throws -> [Double] {
        let normal = try location.conditionalStandardDeviations(row: row)
        let nu = degreesOfFreedom
        if nu == .infinity { return normal }
        let observed = row.indices.filter { !row[$0].isNaN }
        let o = Double(observed.count)
        guard nu + o > 2 else { return row.map { $0.isNaN ? .infinity : 0 } }
        var d2 = 0.0
        if !observed.isEmpty {
            let sigma = location.covariance
            var block = [Double](repeating: 0, count: observed.count * observed.count)
            for (a, i) in observed.enumerated() { for (b, j) in observed.enumerated() { block[a * observed.count + b] = sigma[i, j] } }
            var deviation = observed.map { row[$0] - location.mean[$0] }
            guard let factor = try? CholeskyFactorization(block, order: observed.count) else {
                throw GaussianModelError.illConditioned(missingColumns: row.indices.filter { row[$0].isNaN }.map { columnNames[$0] })
            }
            let copy = deviation
            factor.solve(&deviation)
            d2 = zip(copy, deviation).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let inflation = ((nu + d2) / (nu + o - 2)).squareRoot()
        return normal.map { $0 * inflation }
    }
}
