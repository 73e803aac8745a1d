import Foundation

// Multiple imputation under the normal mixture and the multivariate t: the same EMB scheme as
// the normal's (Bayesian-bootstrap weights, a weighted refit warm-started at the fit, then
// draws), with draws from each model's conditional distribution.
extension MultipleImputation {
    /// Draws the M imputations under a fitted normal mixture.
    ///
    /// For imputation m: Bayesian-bootstrap row weights (as `impute(_:fit:)`); weighted mixture
    /// EM from the fitted mixture (K fixed, the fit's covariance floor) gives θ̃ₘ; then each
    /// row's missing block is drawn by first picking a component k with probability rₖ(x_o)
    /// (the row's responsibilities under θ̃ₘ), then drawing from that component's conditional
    /// normal N(E_k[x_m | x_o], C_k).
    ///
    /// - Parameters:
    ///   - data: the matrix the mixture was fitted to (the model's columns, in order).
    ///   - fit: the mixture fit of `data`: the warm start.
    /// - Throws: `MultipleImputationError` as `impute(_:fit:)`; `DataError.notTheFittedData`
    ///   when the columns differ; `EMError.singularCovariance` when a refit degenerates.
    /// - Complexity: M × (iterations × O(n·K·p² + K·Σ_g |m_g|³) + one draw pass).
    public func impute(_ data: IncompleteMatrix, mixture fit: GaussianMixtureResult) throws -> MultipleImputationDraws {
        let (problem, method) = try self.problem(data, mixture: fit)
        return MultipleImputationDraws(imputations: try inParallel { try problem.imputation($0) }, columnNames: data.columnNames, method: method)
    }

    /// `impute(_:mixture:)` handing each imputation to `body` as `impute(_:fit:each:)` does;
    /// returns the method in words and what `body` returned, m = 1 … M.
    ///
    /// - Throws: as `impute(_:mixture:)`, and the first (lowest m) error `body` throws.
    public func impute<T>(_ data: IncompleteMatrix, mixture fit: GaussianMixtureResult,
                          each body: @escaping @Sendable (Imputation) throws -> T) throws -> (method: String, results: [T]) {
        let (problem, method) = try self.problem(data, mixture: fit)
        return (method, try inParallel { try body(try problem.imputation($0)) })
    }

    /// The M parameter draws under a fitted normal mixture, as `parameterDraws(_:fit:)`;
    /// returns the method in words.
    ///
    /// - Throws: as `impute(_:mixture:)`.
    public func parameterDraws(_ data: IncompleteMatrix, mixture fit: GaussianMixtureResult) throws -> (method: String, draws: [ImputationDraw]) {
        let (problem, method) = try self.problem(data, mixture: fit)
        return (method, try inParallel { try problem.parameterDraw($0) })
    }

    /// The M parameter draws under a fitted multivariate t, as `parameterDraws(_:fit:)`;
    /// returns the method in words.
    ///
    /// - Throws: as `impute(_:t:)`.
    public func parameterDraws(_ data: IncompleteMatrix, t fit: MultivariateTResult) throws -> (method: String, draws: [ImputationDraw]) {
        let (problem, method) = try self.problem(data, t: fit)
        return (method, try inParallel { try problem.parameterDraw($0) })
    }

    private func problem(_ data: IncompleteMatrix, mixture fit: GaussianMixtureResult) throws -> (WeightedModelProblem, String) {
        let model = fit.model
        guard model.columnNames == data.columnNames else { throw DataError.notTheFittedData }
        let center = model.mean, scale = model.components[0].scale, p = data.columnCount
        var start = ModelParameters(weights: model.weights, means: [], covariances: [], degreesOfFreedom: .infinity)
        for component in model.components {
            start.means.append((0..<p).map { (component.mean[$0] - center[$0]) / scale[$0] })
            var sigma = component.standardizedCovariance.storage
            for i in 0..<p { for j in 0..<p { sigma[i * p + j] *= component.scale[i] / scale[i] * component.scale[j] / scale[j] } }
            start.covariances.append(sigma)
        }
        return (try problem(data, start: start, center: center, scale: scale, covarianceFloor: fit.options.covarianceFloor),
                "EM of the normal mixture with Bayesian-bootstrap row weights, warm-started at the fit (K fixed); each row's missing cells drawn from a component picked by the row's responsibilities, then from that component's conditional normal")
    }

    /// Draws the M imputations under a fitted multivariate t.
    ///
    /// For imputation m: Bayesian-bootstrap row weights; weighted ECM from the fit with ν held at
    /// the fitted ν̂ (its uncertainty is not propagated) gives μ̃ₘ, Σ̃ₘ; then each row's missing
    /// block is drawn from the conditional t: with o observed cells and δ² the observed part's
    /// squared Mahalanobis distance,
    ///
    ///     x_m | x_o ~ t_{ν+o}(μ_m·o, (ν + δ²)/(ν + o) · C),   C = Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om,
    ///
    /// drawn as μ_m·o + √((ν + δ²)/g) · L ε with g ~ χ²_{ν+o}, L Lᵀ = C and ε standard normal.
    ///
    /// - Parameters:
    ///   - data: the matrix the t was fitted to (the model's columns, in order).
    ///   - fit: the t fit of `data`: the warm start.
    /// - Throws: as `impute(_:mixture:)`.
    /// - Complexity: M × (iterations × O(n·p² + Σ_g |m_g|³) + one draw pass).
    public func impute(_ data: IncompleteMatrix, t fit: MultivariateTResult) throws -> MultipleImputationDraws {
        let (problem, method) = try self.problem(data, t: fit)
        return MultipleImputationDraws(imputations: try inParallel { try problem.imputation($0) }, columnNames: data.columnNames, method: method)
    }

    /// `impute(_:t:)` handing each imputation to `body` as `impute(_:fit:each:)` does; returns
    /// the method in words and what `body` returned, m = 1 … M.
    ///
    /// - Throws: as `impute(_:t:)`, and the first (lowest m) error `body` throws.
    public func impute<T>(_ data: IncompleteMatrix, t fit: MultivariateTResult,
                          each body: @escaping @Sendable (Imputation) throws -> T) throws -> (method: String, results: [T]) {
        let (problem, method) = try self.problem(data, t: fit)
        return (method, try inParallel { try body(try problem.imputation($0)) })
    }

    private func problem(_ data: IncompleteMatrix, t fit: MultivariateTResult) throws -> (WeightedModelProblem, String) {
        let location = fit.model.location
        guard location.columnNames == data.columnNames else { throw DataError.notTheFittedData }
        let start = ModelParameters(weights: [1], means: [[Double](repeating: 0, count: data.columnCount)],
                                    covariances: [location.standardizedCovariance.storage], degreesOfFreedom: fit.model.degreesOfFreedom)
        return (try problem(data, start: start, center: location.mean, scale: location.scale, covarianceFloor: 0),
                "ECM of the multivariate t with Bayesian-bootstrap row weights, warm-started at the fit (ν held at its estimate); each row's missing cells drawn from their conditional t with ν + o degrees of freedom")
    }

    private func problem(_ data: IncompleteMatrix, start: ModelParameters, center: [Double], scale: [Double],
                         covarianceFloor: Double) throws -> WeightedModelProblem {
        guard count >= 2, count <= Self.maximumCount else { throw MultipleImputationError.invalidCount(count) }
        try options.validate()
        if let bounds, bounds.count != data.columnCount {
            throw MultipleImputationError.boundsCountMismatch(bounds: bounds.count, columns: data.columnCount)
        }
        return WeightedModelProblem(data: data, start: start, center: center, scale: scale, options: options,
                                    covarianceFloor: covarianceFloor, bounds: bounds)
    }
}

/// The M imputations drawn under a mixture or a t (`MultipleImputation.impute(_:mixture:)`,
/// `impute(_:t:)`). Each imputation's `model` is the normal with the draw's overall mean and
/// covariance (for a t, its location and scatter).
public struct MultipleImputationDraws: Sendable {
    /// The M imputations, m = 1 … M.
    public let imputations: [Imputation]
    /// The modelled columns.
    public let columnNames: [String]
    /// How the parameters and cells were drawn, in words.
    public let method: String

    /// M.
    public var count: Int { imputations.count }

    /// The standard deviation over m of each column's mean in θ̃ₘ (original units).
    public var meanSpread: [Double] { Imputation.meanSpread(imputations, columnCount: columnNames.count) }
}

extension Imputation {
    /// The standard deviation over the imputations of each column's mean.
    static func meanSpread(_ imputations: [Imputation], columnCount p: Int) -> [Double] {
        let m = Double(imputations.count)
        return (0..<p).map { j in
            let values = imputations.map { $0.model.mean[j] }
            let average = values.reduce(0, +) / m
            return (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / (m - 1)).squareRoot()
        }
    }
}
