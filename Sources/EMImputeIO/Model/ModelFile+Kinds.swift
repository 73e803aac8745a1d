import EMImputeCore

extension ModelFile {
    /// The file for a mixture fit on `table` (format 3, kind `mixture`). The top-level
    /// `mean` and covariance are the mixture's, Σ πₖ μₖ and Σ πₖ (Σₖ + μₖμₖᵀ) − μμᵀ.
    ///
    /// - Throws: as `init(table:result:adjustment:)`; `GaussianModelError` when the
    ///   mixture's covariance cannot be represented (it overflows).
    public init(table: LoadedTable, mixture result: GaussianMixtureResult, adjustment: ImputedValueAdjustment? = nil) throws {
        let mixture = result.model
        let summary = try mixture.momentMatchedNormal()
        try self.init(table: table, summary: summary, logLikelihood: result.logLikelihood, adjustment: adjustment)
        kind = .mixture
        components = zip(mixture.weights, mixture.components).map { w, c in
            Component(weight: w, mean: c.mean, scale: c.scale, standardizedCovariance: c.standardizedCovariance.rows,
                      covariance: c.covariance.rows)
        }
    }

    /// The file for a t fit on `table` (format 3, kind `t`): `mean`, `scale` and
    /// `standardizedCovariance` hold the location μ and the scatter Σ, `degreesOfFreedom` ν.
    ///
    /// - Throws: as `init(table:result:adjustment:)`.
    public init(table: LoadedTable, t result: MultivariateTResult, adjustment: ImputedValueAdjustment? = nil) throws {
        try self.init(table: table, summary: result.model.location, logLikelihood: result.logLikelihood, adjustment: adjustment)
        kind = .t
        let nu = result.degreesOfFreedom
        degreesOfFreedom = nu == .infinity ? nil : nu
        degreesOfFreedomIsInfinite = nu == .infinity
    }

    private init(table: LoadedTable, summary model: GaussianModel, logLikelihood: Double, adjustment: ImputedValueAdjustment?) throws {
        let recorded = adjustment ?? ImputedValueAdjustment(table.matrix, roundIntegers: false, clampToObservedRange: false)
        guard recorded.observed.count == model.dimension else {
            throw ImputedValueAdjustment.ShapeError.columnCount(expected: recorded.observed.count, found: model.dimension)
        }
        formatVersion = Self.modelKindFormatVersion
        emimputeVersion = EMImputeVersion.current
        columns = model.columnNames
        mean = model.mean
        covariance = model.covariance.rows
        scale = model.scale
        standardizedCovariance = model.standardizedCovariance.rows
        missingTokens = table.options.missingTokens
        excludedColumns = table.columns.filter { $0.kind == .excluded }.map(\.name)
        ridge = 0
        fingerprint = Fingerprint(rows: table.rowCount, observedCounts: table.modelledColumns.map { table.columns[$0].observed },
                                  logLikelihood: logLikelihood)
        self.adjustment = recorded
        kind = nil
        components = nil
        degreesOfFreedom = nil
        degreesOfFreedomIsInfinite = nil
    }

    /// The model of whatever kind the file holds, after the checks of `model(file:)` and,
    /// for a mixture, the same checks of every component and of the weights.
    ///
    /// - Parameter file: the path, for messages.
    /// - Throws: `ModelFileError`.
    public func fittedModel(file: String) throws -> FittedModel {
        let summary = try model(file: file)
        func invalid(_ why: String) -> ModelFileError { .invalid(path: file, reason: why) }
        switch kind ?? .gaussian {
        case .gaussian:
            return .gaussian(summary)
        case .t:
            if degreesOfFreedomIsInfinite == true {
                guard degreesOfFreedom == nil || degreesOfFreedom == .infinity else {
                    throw invalid("'degreesOfFreedom' must be null when 'degreesOfFreedomIsInfinite' is true")
                }
                return .t(try MultivariateTModel(location: summary, degreesOfFreedom: .infinity))
            }
            guard let nu = degreesOfFreedom, nu > 0, !nu.isNaN else { throw invalid("'degreesOfFreedom' must be a positive number") }
            return .t(try MultivariateTModel(location: summary, degreesOfFreedom: nu))
        case .mixture:
            guard let components, !components.isEmpty else { throw invalid("'components' must list at least one component") }
            var models: [GaussianModel] = []
            for (k, c) in components.enumerated() {
                do {
                    let s = try Matrix(rows: c.standardizedCovariance)
                    models.append(try GaussianModel(columnNames: columns, mean: c.mean, scale: c.scale, standardizedCovariance: s))
                } catch {
                    throw invalid("component \(k + 1): \(error)")
                }
            }
            do {
                return .mixture(try GaussianMixtureModel(weights: components.map(\.weight), components: models))
            } catch {
                throw invalid(error.description)
            }
        }
    }
}
