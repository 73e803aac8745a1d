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
    /// - Complexity: per iteration O(n·p² + Σ_patterns |m|³), twice when ν is estimated.
    public func fit(_ data: IncompleteMatrix, progress: ((IterationRecord) -> Void)? = nil) throws -> MultivariateTResult {
        try options.validate()
        let prepared = try PreparedData(data)
        let p = prepared.p, n = prepared.rowCount
        let threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let blocks = RowBlocks(rowCount: n)
        let observed = (0..<n).map { Double(p - prepared.layout.missing[prepared.rowPattern[$0]].count) }
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

        // One pass: the weighted statistics at ν, ℓ at (μ, Σ, ν), and every row's δ².
        func pass(_ component: PreparedComponent, nu: Double) -> (Pass, distances: [Double]) {
            var distances = [Double](repeating: 0, count: n)
            let chunk = max(16, min(1024, 65_536 / p))
            let parts = distances.withUnsafeMutableBufferPointer { db -> [Pass] in
                let slots = DisjointSlots(base: db.baseAddress!)
                return blocks.map(threads: threads) { b -> Pass in
                    var out = Pass(p: p)
                    let z = UnsafeMutablePointer<Double>.allocate(capacity: p)
                    let work = UnsafeMutablePointer<Double>.allocate(capacity: 2 * p)
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: chunk * p)
                    let cross = UnsafeMutablePointer<Double>.allocate(capacity: p * p)
                    cross.initialize(repeating: 0, count: p * p)
                    defer { z.deallocate(); work.deallocate(); scratch.deallocate(); cross.deallocate() }
                    var filled = 0
                    prepared.standardized.values.withUnsafeBufferPointer { xb in
                        for r in blocks.rows(ofBlock: b) {
                            let g = prepared.rowPattern[r]
                            let m = prepared.layout.missing[g]
                            let d2 = component.completeDeviation(xb.baseAddress! + r * p, pattern: g, missing: m, into: z, work: work)
                            slots.base[r] = d2
                            let o = observed[r]
                            out.logLikelihood += DegreesOfFreedomStep.logDensity(
                                squaredDistance: d2, observed: o, logDeterminant: component.logDeterminantObserved(pattern: g), nu: nu)
                            let w = nu == .infinity ? 1 : (nu + o) / (nu + d2)
                            out.weightSum += w
                            if filled == chunk {
                                BLAS.addGram(of: scratch, rows: filled, columns: p, into: cross)
                                filled = 0
                            }
                            let root = w.squareRoot(), row = scratch + filled * p
                            for j in 0..<p {
                                out.sum[j] += w * z[j]
                                row[j] = root * z[j]
                            }
                            filled += 1
                            let nm = m.count
                            if nm > 0 {
                                let c = component.conditionalCovariance[g]
                                for a in 0..<nm { for e in a..<nm { cross[m[a] * p + m[e]] += c[a * nm + e] } }
                            }
                        }
                    }
                    BLAS.addGram(of: scratch, rows: filled, columns: p, into: cross)
                    out.crossProduct = Array(UnsafeBufferPointer(start: cross, count: p * p))
                    return out
                }
            }
            var total = Pass(p: p)
            for part in parts {
                total.logLikelihood += part.logLikelihood
                total.weightSum += part.weightSum
                for j in 0..<p { total.sum[j] += part.sum[j] }
                for j in 0..<(p * p) { total.crossProduct[j] += part.crossProduct[j] }
            }
            return (total, distances)
        }

        func logLikelihood(nu: Double, distances: [Double], logDeterminants: Double) -> Double {
            var s = 0.0
            for i in 0..<n {
                s += DegreesOfFreedomStep.logDensity(squaredDistance: distances[i], observed: observed[i], logDeterminant: 0, nu: nu)
            }
            return s - 0.5 * logDeterminants
        }

        let estimatesNu = options.degreesOfFreedom == nil
        var nu = options.degreesOfFreedom ?? options.initialDegreesOfFreedom
        var mean = [Double](repeating: 0, count: p)
        var sigma = Matrix.identity(p).storage
        var component = try prepare(mean, sigma, iteration: 0)
        var (current, distances) = pass(component, nu: nu)
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
            var evaluated = pass(nextComponent, nu: nu)
            if estimatesNu {
                // CM-step 2: ν maximising ℓ at the new μ, Σ. The root is the maximiser when ℓ is
                // unimodal in ν; the old ν is kept only should the root do clearly worse (beyond
                // rounding, which must not decide between two nearly equal values).
                var logDeterminants = 0.0
                for r in 0..<n { logDeterminants += nextComponent.logDeterminantObserved(pattern: prepared.rowPattern[r]) }
                let candidate = DegreesOfFreedomStep.maximizer(distances: evaluated.distances, observed: observed)
                let atCandidate = logLikelihood(nu: candidate, distances: evaluated.distances, logDeterminants: logDeterminants)
                let atOld = logLikelihood(nu: nu, distances: evaluated.distances, logDeterminants: logDeterminants)
                if atCandidate >= atOld - 1e-10 * max(1, abs(atOld)) { nextNu = candidate }
                if nextNu != nu { evaluated = pass(nextComponent, nu: nextNu) }
            }
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
            let rise = evaluated.0.logLikelihood - current.logLikelihood
            let settled = change < options.tolerance && rise <= options.tolerance * max(1, abs(evaluated.0.logLikelihood))
            let elapsed = ContinuousClock.now - began
            let ll = evaluated.0.logLikelihood - prepared.logScaleSum
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
            (current, distances) = evaluated
            if settled { converged = true; break }
        }

        let c = prepared.scaling.center, s = prepared.scaling.scale
        let location = try GaussianModel(
            columnNames: data.columnNames, mean: (0..<p).map { c[$0] + s[$0] * mean[$0] }, scale: s,
            standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: sigma))
        let model = try MultivariateTModel(location: location, degreesOfFreedom: nu)
        let imputed = try location.imputedValues(for: data, layout: prepared.layout)
        if let k = imputed.firstIndex(where: { !$0.isFinite }) {
            let cell = data.values.indices.lazy.filter { data.values[$0].isNaN }.dropFirst(k).first!
            throw EMError.imputationOutOfRange(column: data.columnNames[cell % p], row: cell / p + 1)
        }

        var weights = [Double](repeating: .nan, count: data.rowCount)
        var rows: [DownweightedRow] = []
        for r in 0..<n {
            let w = nu == .infinity ? 1 : (nu + observed[r]) / (nu + distances[r])
            weights[prepared.originalRow[r]] = w
            rows.append(DownweightedRow(row: prepared.originalRow[r], weight: w, squaredDistance: distances[r], observedCount: Int(observed[r])))
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
            imputedValues: imputed,
            rowsUsed: n,
            rowsWithNothingObserved: nothingObserved,
            options: options,
            warnings: warnings,
            fitted: FittedData(data))
    }
}
