import Foundation

/// Maximum-likelihood estimation of a multivariate t distribution t_ν(μ, Σ) from data with
/// missing cells (any pattern) by ECME (Liu & Rubin 1995), and imputation of every missing
/// cell by its conditional mean. Rows far from the bulk get small weights, so outliers pull
/// μ and Σ less than under the normal.
///
/// ```swift
/// let fit = try MultivariateTEM().fit(data)
/// fit.degreesOfFreedom, fit.mostDownweightedRows
/// let completed = try fit.completed(data)
/// ```
///
/// The t is a scale mixture of normals: x | τ ~ N(μ, Σ/τ), τ ~ Gamma(ν/2, ν/2). For row i
/// with oᵢ observed cells and δᵢ² = (x_o − μ_o)ᵀ Σ_oo⁻¹ (x_o − μ_o):
///
/// - E-step: wᵢ = E[τᵢ | x_o] = (ν + oᵢ)/(ν + δᵢ²); E[τ x_m | x_o] = wᵢ x̂ᵢ,m and
///   E[τ x_m x_mᵀ | x_o] = wᵢ x̂ᵢ,m x̂ᵢ,mᵀ + Cᵢ (Cᵢ the normal conditional covariance, unweighted).
/// - CM-step 1: μ = Σ wᵢ x̂ᵢ / Σ wᵢ, Σ = (1/n) Σᵢ [wᵢ (x̂ᵢ − μ)(x̂ᵢ − μ)ᵀ + Cᵢ].
/// - CM-step 2 (ECME, when ν is estimated): ν maximises the observed-data t log-likelihood
///   at the new μ, Σ (the root of its derivative in ν, by bisection on log ν).
///
/// Each step raises the observed-data log-likelihood; ν = +∞ is the normal model and
/// retraces `GaussianEM`. The work is done on standardised columns and mapped back.
public struct MultivariateTEM: Sendable {
    /// The settings.
    public var options: MultivariateTOptions

    /// An engine with the given settings.
    public init(options: MultivariateTOptions = MultivariateTOptions()) {
        self.options = options
    }

    /// The E-pass at one parameter point.
    private struct Pass: Sendable {
        var logLikelihood = 0.0
        var weightSum = 0.0
        var sum: [Double]
        var crossProduct: [Double]
        init(p: Int) {
            sum = [Double](repeating: 0, count: p)
            crossProduct = [Double](repeating: 0, count: p * p)
        }
    }

    /// Fits t_ν(μ, Σ) to `data`, starting from μ = available-case means, Σ = diag of
    /// available-case variances (as `GaussianEM`) and ν = the fixed or initial value.
    ///
    /// - Parameters:
    ///   - data: n×p cells, NaN where missing.
    ///   - progress: called after every iteration (on the calling thread).
    /// - Throws: `ModelOptionsError` for an option out of range; `EMError` as `GaussianEM.fit`.
    /// - Complexity: per iteration O(n·p² + Σ_patterns |m|³), one pass over the data (the
    ///   completed rows are kept, n·p values, so that ν is chosen before the weighted sums).
    public func fit(_ data: IncompleteMatrix, progress: ((IterationRecord) -> Void)? = nil) throws -> MultivariateTResult {
        try options.validate()
        let prepared = try PreparedData(data)
        let p = prepared.p, n = prepared.rowCount
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let blocks = RowBlocks(rowCount: n, columns: p)
        let observed = (0..<n).map { p - prepared.layout.missing[prepared.rowPattern[$0]].count }
        let began = ContinuousClock.now

        func prepare(_ mean: [Double], _ sigma: [Double], iteration: Int) throws(EMError) -> PreparedComponent {
            do {
                return try PreparedComponent(mean: mean, covariance: sigma, missing: prepared.layout.missing)
            } catch {
                switch error {
                case .covariance(let pivot):
                    throw .singularCovariance(columns: prepared.dependentColumns(sigma, pivot: pivot), iteration: iteration)
                case .pattern(let g):
                    throw .singularCovariance(columns: prepared.layout.missing[g].map { prepared.names[$0] }, iteration: iteration)
                }
            }
        }

        // ẑ of every row at (μ, Σ), kept in `completed`, and every row's δ²: what does not
        // depend on ν, so that ν can be chosen before the weighted statistics are summed
        // (one pass over the data per iteration, not one per value of ν). Each row has room
        // for √w after its p values, so that one `dsyrk` gives Σ w ẑẑᵀ, Σ w ẑ and Σ w.
        let ld = p + 1, square = ld * ld
        let completed = UnsafeMutablePointer<Double>.allocate(capacity: max(1, n * ld))
        defer { completed.deallocate() }
        let completedRows = DisjointSlots(base: completed)
        let chunk = min(blocks.blockRows, RowBlocks.rowsPerCall(columns: p))
        func complete(_ component: PreparedComponent) -> [Double] {
            var distances = [Double](repeating: 0, count: n)
            distances.withUnsafeMutableBufferPointer { db in
                let slots = DisjointSlots(base: db.baseAddress!)
                _ = blocks.map(threads: threads) { b -> Int in
                    let work = UnsafeMutablePointer<Double>.allocate(capacity: chunk * p)
                    defer { work.deallocate() }
                    let rows = blocks.rows(ofBlock: b)
                    prepared.standardized.values.withUnsafeBufferPointer { xb in
                        prepared.rowPattern.withUnsafeBufferPointer { patterns in
                        prepared.missingColumns.withUnsafeBufferPointer { missingColumns in
                        prepared.missingStart.withUnsafeBufferPointer { missingStart in
                            var r = rows.lowerBound
                            while r < rows.upperBound {
                                let count = min(chunk, rows.upperBound - r)
                                component.completeDeviations(xb.baseAddress! + r * p, count: count, patterns: patterns.baseAddress! + r,
                                                             missing: missingColumns.baseAddress!,
                                                             missingStart: missingStart.baseAddress!, into: completedRows.base + r * ld,
                                                             rowStride: ld, distances: slots.base + r, work: work)
                                r += count
                            }
                        }
                        }
                        }
                    }
                    return b
                }
            }
            return distances
        }

        // The weighted statistics at ν from `completed` (scaled in place: each `complete` is
        // followed by one `pass`) and `distances`, and ℓ at (μ, Σ, ν) unless `knownLogLikelihood`
        // gives it (the ν step has just computed it). At a finite ν a block's ℓ is
        // Σ_stretches rows·(c_o − ½ log det Σ_oo) − ½ Σ_o (ν + o) L_o, with L_o = Σ log(1 + δ²/ν)
        // over the block's rows of count o by `LogOnePlusSum` (no `log1p` per row).
        func pass(_ component: PreparedComponent, nu: Double, distances: [Double], knownLogLikelihood: Double? = nil) -> Pass {
            let constants = DegreesOfFreedomStep.logDensityConstants(nu: nu, columnCount: p)
            let needsLogLikelihood = knownLogLikelihood == nil
            let parts = blocks.map(threads: threads) { b -> Pass in
                var out = Pass(p: p)
                let cross = UnsafeMutablePointer<Double>.allocate(capacity: square)
                cross.initialize(repeating: 0, count: square)
                defer { cross.deallocate() }
                let rows = blocks.rows(ofBlock: b)
                var logLikelihood = 0.0
                var logTerms = [LogOnePlusSum](repeating: LogOnePlusSum(), count: needsLogLikelihood && nu.isFinite ? p + 1 : 0)
                prepared.rowPattern.withUnsafeBufferPointer { patterns in
                prepared.missingColumns.withUnsafeBufferPointer { missingColumns in
                prepared.missingStart.withUnsafeBufferPointer { missingStart in
                constants.withUnsafeBufferPointer { constantsBuffer in
                distances.withUnsafeBufferPointer { distanceBuffer in
                    let constants = constantsBuffer.baseAddress!, distances = distanceBuffer.baseAddress!
                    let starts = missingStart.baseAddress!
                    var r = rows.lowerBound
                    while r < rows.upperBound {
                        let count = min(chunk, rows.upperBound - r)
                        // Stretches of one pattern: one observed count and log det Σ_oo each.
                        var row = r
                        while row < r + count {
                            let g = patterns[row]
                            var end = row + 1
                            while end < r + count && patterns[end] == g { end += 1 }
                            let count = p - (starts[g + 1] - starts[g]), o = Double(count)
                            if needsLogLikelihood {
                                let logDeterminant = component.logDeterminantObserved(pattern: g)
                                if nu == .infinity {
                                    for i in row..<end {
                                        logLikelihood += DegreesOfFreedomStep.logDensity(
                                            squaredDistance: distances[i], observed: o, logDeterminant: logDeterminant, nu: nu, constants: constants)
                                    }
                                } else {
                                    logLikelihood += Double(end - row) * (constants[count] - 0.5 * logDeterminant)
                                    var sum = logTerms[count]
                                    for i in row..<end { sum.add(distances[i] / nu) }
                                    logTerms[count] = sum
                                }
                            }
                            if nu == .infinity {
                                for i in row..<end { completedRows.base[i * ld + p] = 1 }
                            } else {
                                for i in row..<end {
                                    let root = ((nu + o) / (nu + distances[i])).squareRoot()
                                    let z = completedRows.base + i &* ld
                                    RowKernels.scale(z, by: root, count: p)
                                    z[p] = root
                                }
                            }
                            row = end
                        }
                        BLAS.addGram(of: completedRows.base + r * ld, rows: count, columns: ld, into: cross)
                        // The conditional covariance Cᵢ enters unweighted.
                        component.addConditionalCovariances(count: count, patterns: patterns.baseAddress! + r,
                                                            missing: missingColumns.baseAddress!, missingStart: starts,
                                                            weights: nil, stride: 0, into: cross, leadingDimension: ld)
                        r += count
                    }
                }
                }
                }
                }
                }
                for (count, sum) in logTerms.enumerated() { logLikelihood -= 0.5 * (nu + Double(count)) * sum.sum }
                out.logLikelihood = logLikelihood
                out.weightSum = cross[p * ld + p]
                for i in 0..<p {
                    out.sum[i] = cross[i * ld + p]
                    for j in i..<p { out.crossProduct[i * p + j] = cross[i * ld + j] }
                }
                return out
            }
            var total = Pass(p: p)
            for part in parts {
                total.logLikelihood += part.logLikelihood
                total.weightSum += part.weightSum
                for j in 0..<p { total.sum[j] += part.sum[j] }
                for j in 0..<(p * p) { total.crossProduct[j] += part.crossProduct[j] }
            }
            if let knownLogLikelihood { total.logLikelihood = knownLogLikelihood }
            return total
        }

        func logLikelihood(nu: Double, rows: DegreesOfFreedomStep.Rows, logDeterminants: Double) -> Double {
            DegreesOfFreedomStep.derivativeAndLogDensitySum(nu, rows: rows).logDensitySum - 0.5 * logDeterminants
        }
        // Rows per pattern, for Σᵢ log det Σ_oo.
        var patternRows = [Double](repeating: 0, count: prepared.layout.missing.count)
        for r in 0..<n { patternRows[prepared.rowPattern[r]] += 1 }
        // Rows per observed count, for the ν step.
        var countSizes = [Double](repeating: 0, count: p + 1)
        for o in observed { countSizes[o] += 1 }

        let estimatesNu = options.degreesOfFreedom == nil
        var nu = options.degreesOfFreedom ?? options.initialDegreesOfFreedom
        var mean = [Double](repeating: 0, count: p)
        var sigma = Matrix.identity(p).storage
        var component = try prepare(mean, sigma, iteration: 0)
        var distances = complete(component)
        var current = pass(component, nu: nu, distances: distances)
        var history = ConvergenceHistory(initialObjective: current.logLikelihood - prepared.logScaleSum, records: [])
        var converged = false
        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            // CM-step 1: μ and Σ at the current ν.
            let d = current.sum.map { $0 / current.weightSum }
            var next = [Double](repeating: 0, count: p * p)
            for i in 0..<p {
                for j in i..<p {
                    let s = (current.crossProduct[i * p + j] - current.weightSum * d[i] * d[j]) / Double(n)
                    next[i * p + j] = s
                    next[j * p + i] = s
                }
            }
            let nextMean = (0..<p).map { mean[$0] + d[$0] }
            let nextComponent = try prepare(nextMean, next, iteration: iteration)
            var nextNu = nu
            var knownLogLikelihood: Double?
            let nextDistances = complete(nextComponent)
            if estimatesNu {
                // CM-step 2: ν maximising ℓ at the new μ, Σ. The root is the maximiser when ℓ is
                // unimodal in ν; the old ν is kept only should the root do clearly worse (beyond
                // rounding, which must not decide between two nearly equal values).
                var logDeterminants = 0.0
                for g in patternRows.indices where patternRows[g] > 0 {
                    logDeterminants += patternRows[g] * nextComponent.logDeterminantObserved(pattern: g)
                }
                // The derivative at the upper bound first, with ℓ there from the same log(1 + δ²/ν):
                // when ν stays at the bound (no heavy tails) that is all the ν step costs.
                let upper = MultivariateTOptions.degreesOfFreedomRange.upperBound
                let rows = DegreesOfFreedomStep.Rows(distances: nextDistances, observed: observed, countSizes: countSizes)
                let atUpper = DegreesOfFreedomStep.derivativeAndLogDensitySum(upper, rows: rows)
                let candidate = atUpper.derivative >= 0 ? upper
                    : DegreesOfFreedomStep.maximizer(rows: rows, derivativeAtUpperBound: atUpper.derivative)
                let atCandidate = candidate == upper ? atUpper.logDensitySum - 0.5 * logDeterminants
                    : logLikelihood(nu: candidate, rows: rows, logDeterminants: logDeterminants)
                // ν at a bound stays there: then ℓ at the old ν is ℓ at the candidate.
                let atOld = candidate == nu ? atCandidate : logLikelihood(nu: nu, rows: rows, logDeterminants: logDeterminants)
                if atCandidate >= atOld - 1e-10 * max(1, abs(atOld)) { nextNu = candidate }
                knownLogLikelihood = nextNu == candidate ? atCandidate : atOld
            }
            let evaluated = pass(nextComponent, nu: nextNu, distances: nextDistances, knownLogLikelihood: knownLogLikelihood)
            var change = abs(nu.isFinite ? log(nextNu) - log(nu) : 0)
            var relative = change
            for j in 0..<p {
                change = max(change, abs(nextMean[j] - mean[j]))
                relative = max(relative, abs(mean[j]) > 1e-12 ? abs(nextMean[j] - mean[j]) / abs(mean[j]) : abs(nextMean[j] - mean[j]))
                for k in j..<p {
                    let a = next[j * p + k], b = sigma[j * p + k]
                    change = max(change, abs(a - b))
                    relative = max(relative, abs(b) > 1e-12 ? abs(a - b) / abs(b) : abs(a - b))
                }
            }
            let rise = evaluated.logLikelihood - current.logLikelihood
            let settled = change < options.tolerance && rise <= options.tolerance * max(1, abs(evaluated.logLikelihood))
            let elapsed = ContinuousClock.now - began
            let ll = evaluated.logLikelihood - prepared.logScaleSum
            let record = IterationRecord(
                iteration: iteration, logLikelihood: ll, objective: ll, maxAbsoluteChange: change, maxRelativeChange: relative,
                elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                accelerated: false)
            history.records.append(record)
            progress?(record)
            mean = nextMean
            sigma = next
            nu = nextNu
            component = nextComponent
            current = evaluated
            distances = nextDistances
            if settled { converged = true; break }
        }

        let c = prepared.scaling.center, s = prepared.scaling.scale
        let location = try GaussianModel(
            columnNames: data.columnNames, mean: (0..<p).map { c[$0] + s[$0] * mean[$0] }, scale: s,
            standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: sigma))
        let model = try MultivariateTModel(location: location, degreesOfFreedom: nu)
        let imputed = try location.imputedCells(for: data, layout: prepared.layout)
        try imputed.checkFinite(columnNames: data.columnNames)

        var weights = [Double](repeating: .nan, count: data.rowCount)
        var rows: [DownweightedRow] = []
        for r in 0..<n {
            let w = nu == .infinity ? 1 : (nu + Double(observed[r])) / (nu + distances[r])
            weights[prepared.originalRow[r]] = w
            rows.append(DownweightedRow(row: prepared.originalRow[r], weight: w, squaredDistance: distances[r], observedCount: observed[r]))
        }
        rows.sort { $0.weight != $1.weight ? $0.weight < $1.weight : $0.row < $1.row }
        let range = MultivariateTOptions.degreesOfFreedomRange
        let atBound = estimatesNu && (nu == range.lowerBound || nu == range.upperBound)

        var warnings: [EMWarning] = []
        if !converged {
            warnings.append(.notConverged(model: .t, maxIterations: options.maxIterations, tolerance: options.tolerance))
        }
        if atBound && nu == range.upperBound {
            warnings.append(.degreesOfFreedomAtUpperBound(bound: range.upperBound))
        } else if atBound {
            warnings.append(.degreesOfFreedomAtLowerBound(bound: range.lowerBound))
        }
        if !history.isMonotone {
            warnings.append(.objectiveDecreased(model: .t, largestDecrease: history.largestDecrease, nearlyCollinear: nil))
        }
        let nothingObserved = data.rowCount - n
        if nothingObserved > 0 {
            warnings.append(.rowsWithNothingObserved(model: .t, rows: nothingObserved))
        }

        return MultivariateTResult(
            model: model,
            logLikelihood: current.logLikelihood - prepared.logScaleSum,
            isDegreesOfFreedomEstimated: estimatesNu,
            isDegreesOfFreedomAtBound: atBound,
            iterations: history.records.count,
            hasConverged: converged,
            stopReason: converged ? .tolerance : .maxIterations,
            history: history,
            rowWeights: weights,
            mostDownweightedRows: Array(rows.prefix(max(0, options.reportedRows))),
            imputedCells: imputed,
            rowsUsed: n,
            rowsWithNothingObserved: nothingObserved,
            options: options,
            warnings: warnings,
            fitted: FittedData(data))
    }
}
