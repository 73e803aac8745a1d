import Foundation

/// Maximum-likelihood estimation of a mixture of K multivariate normals with full
/// covariances from data with missing cells (any pattern), by EM, and imputation of every
/// missing cell by its conditional mean under the mixture.
///
/// ```swift
/// var options = GaussianMixtureOptions()
/// options.components = 3
/// let fit = try GaussianMixtureEM(options: options).fit(data)
/// fit.model.weights, fit.logLikelihood, fit.bayesianInformationCriterion
/// let completed = try fit.completed(data)
/// ```
///
/// E-step, for row i with observed columns o and missing columns m and each component k:
/// the responsibility rᵢₖ ∝ πₖ N(x_{i,o} | μₖ,o, Σₖ,oo) (from the observed marginal only,
/// normalised by log-sum-exp), and component k's conditional mean x̂ᵢₖ,m = E_k[x_m | x_o] and
/// covariance Cᵢₖ = Σₖ,mm − Σₖ,mo Σₖ,oo⁻¹ Σₖ,om. M-step: Nₖ = Σᵢ rᵢₖ, πₖ = Nₖ/n,
/// μₖ = Σᵢ rᵢₖ x̂ᵢₖ / Nₖ, Σₖ = Σᵢ rᵢₖ [(x̂ᵢₖ − μₖ)(x̂ᵢₖ − μₖ)ᵀ + Cᵢₖ] / Nₖ (Cᵢₖ in the
/// missing block). With K = 1 this is `GaussianEM` exactly (same start, same steps).
/// The work is done on standardised columns and mapped back.
public struct GaussianMixtureEM: Sendable {
    /// The settings.
    public var options: GaussianMixtureOptions

    /// Starts whose final log-likelihoods differ from the best by at most this, relative
    /// to max(1, |ℓ|), count as having reached it.
    public static let agreementThreshold = 1e-6

    /// An engine with the given settings.
    public init(options: GaussianMixtureOptions = GaussianMixtureOptions()) {
        self.options = options
    }

    /// Fits K = `options.components` components to `data`, from `options.starts` starts
    /// (one for K = 1), keeping the best log-likelihood (starts within
    /// `StartSelection.relativeTieTolerance` of it are tied, and the first of them is kept).
    ///
    /// - Parameters:
    ///   - data: n×p cells, NaN where missing.
    ///   - progress: called after every iteration of the first start (on the calling thread).
    /// - Throws: `ModelOptionsError` for an option out of range; `EMError` as
    ///   `GaussianEM.fit` when the data cannot identify a normal (a column with nothing
    ///   observed, too few rows, a constant column), or when a component's covariance is
    ///   singular despite the floor.
    /// - Complexity: per iteration O(n·K·p² + K·Σ_patterns |m|³), times the starts.
    public func fit(_ data: IncompleteMatrix, progress: ((IterationRecord) -> Void)? = nil) throws -> GaussianMixtureResult {
        try options.validate()
        let prepared = try PreparedData(data)
        let problem = MixtureProblem(data: prepared, options: options)
        var runs: [MixtureRun] = []
        if options.components == 1 {
            runs.append(try problem.iterate(from: MixtureStart.single(columnCount: prepared.p), progress: progress))
        } else {
            var generator = SeededGenerator(seed: options.seed)
            for start in 0..<options.starts {
                let theta = MixtureStart.kMeansPlusPlus(prepared, components: options.components, using: &generator)
                runs.append(try problem.iterate(from: theta, progress: start == 0 ? progress : nil))
            }
        }
        return try result(data, prepared, problem, runs)
    }

    /// Fits from given parameters (one start), e.g. to retrace another implementation.
    ///
    /// - Parameters:
    ///   - data: n×p cells, NaN where missing, with the model's column names in order.
    ///   - start: the starting mixture; `options.components` is taken from it.
    /// - Throws: as `fit(_:progress:)`, and `DataError.columnsDiffer` when the names differ.
    public func fit(_ data: IncompleteMatrix, from start: GaussianMixtureModel) throws -> GaussianMixtureResult {
        var options = self.options
        options.components = start.componentCount
        try options.validate()
        guard data.columnNames == start.columnNames else {
            throw DataError.columnsDiffer(missing: start.columnNames.filter { !data.columnNames.contains($0) },
                                          unexpected: data.columnNames.filter { !start.columnNames.contains($0) })
        }
        let prepared = try PreparedData(data)
        let p = prepared.p, c = prepared.scaling.center, s = prepared.scaling.scale
        var theta = MixtureParameters(weights: start.weights, means: [], covariances: [])
        for component in start.components {
            theta.means.append((0..<p).map { (component.mean[$0] - c[$0]) / s[$0] })
            var sigma = component.standardizedCovariance.storage
            for i in 0..<p { for j in 0..<p { sigma[i * p + j] *= component.scale[i] / s[i] * component.scale[j] / s[j] } }
            theta.covariances.append(sigma)
        }
        let problem = MixtureProblem(data: prepared, options: options)
        return try GaussianMixtureEM(options: options).result(data, prepared, problem, [problem.iterate(from: theta, progress: nil)])
    }

    /// Fits K = 1…`maxComponents` (each as `fit`) and keeps the lowest BIC among the fits
    /// that are not degenerate (no empty component, no covariance floor: where a component
    /// collapses onto a few rows or onto a discrete value the likelihood is unbounded, and
    /// BIC would reward the collapse). A K whose fit fails (too few rows for its
    /// components) ends the search.
    ///
    /// - Throws: `ModelOptionsError.invalidComponents` when `maxComponents` is out of range;
    ///   the K = 1 fit's error when even that fails.
    public func fitSelectingComponents(_ data: IncompleteMatrix, maxComponents: Int) throws -> MixtureSelection {
        guard (1...GaussianMixtureOptions.maximumComponents).contains(maxComponents) else {
            throw ModelOptionsError.invalidComponents(maxComponents)
        }
        var table: [ComponentCountFit] = []
        var best: GaussianMixtureResult?
        for k in 1...maxComponents {
            var options = self.options
            options.components = k
            let fit: GaussianMixtureResult
            do { fit = try GaussianMixtureEM(options: options).fit(data) } catch { if k == 1 { throw error }; break }
            let degenerate = !fit.emptyComponents.isEmpty || !fit.regularizedComponents.isEmpty
            table.append(ComponentCountFit(components: k, logLikelihood: fit.logLikelihood, parameterCount: fit.parameterCount,
                                           bayesianInformationCriterion: fit.bayesianInformationCriterion, hasConverged: fit.hasConverged,
                                           isDegenerate: degenerate))
            if best == nil || (!degenerate && fit.bayesianInformationCriterion < best!.bayesianInformationCriterion) { best = fit }
        }
        return MixtureSelection(table: table, best: best!)
    }

    private func result(_ data: IncompleteMatrix, _ prepared: PreparedData, _ problem: MixtureProblem,
                        _ runs: [MixtureRun]) throws -> GaussianMixtureResult {
        let p = prepared.p, kCount = problem.components
        // The highest ℓ as reported, ties within rounding going to the lowest start (`StartSelection`).
        let shift = prepared.logScaleSum
        let bestIndex = StartSelection.keptStart(objectives: runs.map { $0.statistics.logLikelihood - shift })
        let best = runs[bestIndex]
        let ll = best.statistics.logLikelihood - shift
        let outcomes = runs.enumerated().map { k, run in
            MixtureStartOutcome(start: k, logLikelihood: run.statistics.logLikelihood - shift,
                                iterations: run.history.records.count, hasConverged: run.hasConverged)
        }
        let reaching = outcomes.filter { abs($0.logLikelihood - ll) <= Self.agreementThreshold * max(1, abs(ll)) }.count

        let c = prepared.scaling.center, s = prepared.scaling.scale
        var components: [GaussianModel] = []
        for k in 0..<kCount {
            components.append(try GaussianModel(
                columnNames: data.columnNames,
                mean: (0..<p).map { c[$0] + s[$0] * best.theta.means[k][$0] },
                scale: s,
                standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: best.theta.covariances[k])))
        }
        // A component with (numerically) no responsibility keeps a tiny positive weight, so
        // that the model stays valid; the weights are renormalised.
        let floored = best.theta.weights.map { max($0, 1e-300) }
        let total = floored.reduce(0, +)
        let model = try GaussianMixtureModel(weights: floored.map { $0 / total }, components: components)
        let imputation = try model.imputation(for: data, layout: prepared.layout)
        try imputation.cells.checkFinite(columnNames: data.columnNames)

        let sizes = best.statistics.weight
        let empty = (0..<kCount).filter { sizes[$0] < 1 }
        let regularized = best.regularized.sorted()
        let nothingObserved = data.rowCount - prepared.rowCount
        var warnings: [EMWarning] = []
        if !best.hasConverged {
            warnings.append(.notConverged(model: .mixture, maxIterations: options.maxIterations, tolerance: options.tolerance))
        }
        if !empty.isEmpty {
            warnings.append(.emptyComponents(components: empty.map { $0 + 1 }, fitted: kCount))
        }
        if !regularized.isEmpty {
            warnings.append(.componentCovarianceFloored(components: regularized.map { $0 + 1 }, floor: options.covarianceFloor))
        }
        if !best.history.isMonotone && regularized.isEmpty {
            warnings.append(.objectiveDecreased(model: .mixture, largestDecrease: best.history.largestDecrease, nearlyCollinear: nil))
        }
        if runs.count > 1 && reaching < runs.count {
            warnings.append(.startsReachedLowerMaxima(reaching: reaching, starts: runs.count))
        }
        if nothingObserved > 0 {
            warnings.append(.rowsWithNothingObserved(model: .mixture, rows: nothingObserved))
        }

        return GaussianMixtureResult(
            model: model,
            logLikelihood: ll,
            bayesianInformationCriterion: -2 * ll + Double(model.parameterCount) * log(Double(prepared.rowCount)),
            iterations: best.history.records.count,
            hasConverged: best.hasConverged,
            stopReason: best.hasConverged ? .tolerance : .maxIterations,
            history: best.history,
            starts: outcomes,
            startsReachingBest: reaching,
            componentSizes: sizes,
            emptyComponents: empty,
            regularizedComponents: regularized,
            imputedCells: imputation.cells,
            rowsUsed: prepared.rowCount,
            rowsWithNothingObserved: nothingObserved,
            options: problem.options,
            warnings: warnings,
            fitted: FittedData(data))
    }
}
