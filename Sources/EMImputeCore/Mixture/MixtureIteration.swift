import Foundation

/// Mixing weights, means and covariances (row-major p×p) of K components: the point the
/// mixture EM moves, on the standardised scale.
struct MixtureParameters: Sendable, Equatable {
    var weights: [Double]
    var means: [[Double]]
    var covariances: [[Double]]

    var componentCount: Int { weights.count }

    /// Largest absolute change of any weight, mean or (upper-triangle) covariance entry.
    func maxAbsoluteChange(from old: MixtureParameters) -> Double {
        var d = 0.0
        for k in weights.indices {
            d = max(d, abs(weights[k] - old.weights[k]))
            let p = means[k].count
            for j in 0..<p { d = max(d, abs(means[k][j] - old.means[k][j])) }
            for i in 0..<p { for j in i..<p { d = max(d, abs(covariances[k][i * p + j] - old.covariances[k][i * p + j])) } }
        }
        return d
    }
}

/// What one mixture E-step accumulates (standardised scale), per component k: Nₖ = Σᵢ rᵢₖ,
/// Σᵢ rᵢₖ ẑᵢₖ and Σᵢ rᵢₖ (ẑᵢₖ ẑᵢₖᵀ + Cᵢₖ) (upper triangle), ẑᵢₖ being row i's deviation from
/// μₖ completed by component k's conditional means; and the observed-data log-likelihood.
struct MixtureStatistics: Sendable {
    let p: Int
    var logLikelihood = 0.0
    var weight: [Double]
    var sum: [Double]
    var crossProduct: [Double]

    init(components: Int, columnCount p: Int) {
        self.p = p
        weight = [Double](repeating: 0, count: components)
        sum = [Double](repeating: 0, count: components * p)
        crossProduct = [Double](repeating: 0, count: components * p * p)
    }

    mutating func add(_ other: MixtureStatistics) {
        logLikelihood += other.logLikelihood
        for k in weight.indices { weight[k] += other.weight[k] }
        for i in sum.indices { sum[i] += other.sum[i] }
        for i in crossProduct.indices { crossProduct[i] += other.crossProduct[i] }
    }
}

/// One start's trajectory.
struct MixtureRun: Sendable {
    var theta: MixtureParameters
    var statistics: MixtureStatistics
    var history: ConvergenceHistory
    var hasConverged: Bool
    /// Components the covariance floor acted on, in any iteration.
    var regularized: Set<Int>
}

/// The mixture E- and M-steps and the iteration over them.
struct MixtureProblem: Sendable {
    let data: PreparedData
    let components: Int
    let options: GaussianMixtureOptions
    let threads: Int
    let blocks: RowBlocks

    init(data: PreparedData, options: GaussianMixtureOptions) {
        self.data = data
        components = options.components
        self.options = options
        threads = max(1, options.threads ?? ProcessInfo.processInfo.activeProcessorCount)
        blocks = RowBlocks(rowCount: data.rowCount, columns: data.p)
    }

    /// The components at `theta`, ready for an E-step.
    ///
    /// - Throws: `EMError.singularCovariance` when a component's Σ (or some pattern's K_mm)
    ///   is not positive definite.
    func prepare(_ theta: MixtureParameters, iteration: Int) throws(EMError) -> [PreparedComponent] {
        var out: [PreparedComponent] = []
        for k in 0..<components {
            do {
                out.append(try PreparedComponent(mean: theta.means[k], covariance: theta.covariances[k], missing: data.layout.missing))
            } catch {
                switch error {
                case .covariance(let pivot):
                    throw .singularCovariance(columns: data.dependentColumns(theta.covariances[k], pivot: pivot), iteration: iteration)
                case .pattern(let g):
                    throw .singularCovariance(columns: data.layout.missing[g].map { data.names[$0] }, iteration: iteration)
                }
            }
        }
        return out
    }

    /// The E-step: responsibilities from each row's observed-part densities (log-sum-exp),
    /// and the responsibility-weighted statistics of the completed rows.
    ///
    /// Rows are taken in chunks of consecutive rows (whatever their patterns; rows of one
    /// pattern are adjacent), one chunk per row block at small p, and each component's work on
    /// a chunk is three steps of BLAS size: one `dgemm` for ẑ and δ² of every row
    /// (`PreparedComponent.completeDeviations`), the responsibilities, and one `dsyrk` of the
    /// √r-scaled rows. Each row of ẑ carries √r in an extra column, so that the one `dsyrk`
    /// gives Σ r ẑẑᵀ, Σ r ẑ (its last column) and Σ r (its corner). The conditional-covariance
    /// correction is added once per stretch of one pattern, weighted by its Σ r.
    ///
    /// - Complexity: O(n·K·p² + K·Σ_patterns |m|³).
    func expectation(_ theta: MixtureParameters, _ prepared: [PreparedComponent]) -> MixtureStatistics {
        let p = data.p, kCount = components, data = self.data, blocks = self.blocks
        let logWeights = theta.weights.map { $0 > 0 ? log($0) : -Double.infinity }
        let chunk = min(blocks.blockRows, RowBlocks.rowsPerCall(columns: p))
        // ẑ rows of p values and √r; the statistics (p+1)×(p+1) per component.
        let ld = p + 1, square = ld * ld
        let halfLogTwoPi = 0.5 * log(2 * Double.pi)
        // Per pattern and component, the row-independent part of the log density.
        var logConstants = [Double](repeating: 0, count: data.layout.missing.count * kCount)
        for (g, m) in data.layout.missing.enumerated() {
            for k in 0..<kCount {
                logConstants[g * kCount + k] = logWeights[k] - Double(p - m.count) * halfLogTwoPi
                    - 0.5 * prepared[k].logDeterminantObserved(pattern: g)
            }
        }
        let constants = logConstants
        let parts = blocks.map(threads: threads) { b -> MixtureStatistics in
            var stats = MixtureStatistics(components: kCount, columnCount: p)
            let z = UnsafeMutablePointer<Double>.allocate(capacity: kCount * chunk * ld)
            let v = UnsafeMutablePointer<Double>.allocate(capacity: chunk * p)
            let distances = UnsafeMutablePointer<Double>.allocate(capacity: chunk)
            let density = UnsafeMutablePointer<Double>.allocate(capacity: chunk * kCount)
            let cross = UnsafeMutablePointer<Double>.allocate(capacity: kCount * square)
            cross.initialize(repeating: 0, count: kCount * square)
            defer { z.deallocate(); v.deallocate(); distances.deallocate(); density.deallocate(); cross.deallocate() }
            // One component: every √r is 1, set once.
            if kCount == 1 { for i in 0..<chunk { z[i * ld + p] = 1 } }
            var logLikelihood = 0.0
            let rows = blocks.rows(ofBlock: b)
            data.standardized.values.withUnsafeBufferPointer { xb in
                data.rowPattern.withUnsafeBufferPointer { patterns in
                data.missingColumns.withUnsafeBufferPointer { missingColumns in
                data.missingStart.withUnsafeBufferPointer { missingStart in
                constants.withUnsafeBufferPointer { constantsBuffer in
                    let missing = missingColumns.baseAddress!, starts = missingStart.baseAddress!
                    let constants = constantsBuffer.baseAddress!
                    var r = rows.lowerBound
                    while r < rows.upperBound {
                        let count = min(chunk, rows.upperBound - r)
                        let rowPatterns = patterns.baseAddress! + r
                        for k in 0..<kCount {
                            prepared[k].completeDeviations(xb.baseAddress! + r * p, count: count, patterns: rowPatterns,
                                                           missing: missing, missingStart: starts, into: z + k * chunk * ld,
                                                           rowStride: ld, distances: distances, work: v)
                            for i in 0..<count {
                                density[i &* kCount &+ k] = constants[rowPatterns[i] &* kCount &+ k] - 0.5 * distances[i]
                            }
                        }
                        if kCount == 1 {
                            // The responsibility is exactly 1 (as exp(ℓ − ℓ) would give).
                            for i in 0..<count { logLikelihood += density[i]; density[i] = 1 }
                        } else {
                            logLikelihood += Self.normalizeResponsibilities(density, rows: count, components: kCount)
                        }
                        for k in 0..<kCount {
                            let zk = z + k * chunk * ld
                            if kCount > 1 {
                                for i in 0..<count {
                                    let root = density[i &* kCount &+ k].squareRoot()
                                    let zi = zk + i &* ld
                                    RowKernels.scale(zi, by: root, count: p)
                                    zi[p] = root
                                }
                            }
                            BLAS.addGram(of: zk, rows: count, columns: ld, into: cross + k * square)
                            prepared[k].addConditionalCovariances(count: count, patterns: rowPatterns, missing: missing, missingStart: starts,
                                                                  weights: density + k, stride: kCount, into: cross + k * square,
                                                                  leadingDimension: ld)
                        }
                        r += count
                    }
                }
                }
                }
                }
            }
            stats.logLikelihood = logLikelihood
            for k in 0..<kCount {
                let ck = cross + k * square
                stats.weight[k] = ck[p * ld + p]
                for i in 0..<p {
                    stats.sum[k * p + i] = ck[i * ld + p]
                    for j in i..<p { stats.crossProduct[k * p * p + i * p + j] = ck[i * ld + j] }
                }
            }
            return stats
        }
        var total = MixtureStatistics(components: kCount, columnCount: p)
        for part in parts { total.add(part) }
        return total
    }

    /// Turns each row's log densities aₖ (`rows`×`components`, row-major) into its
    /// responsibilities exp(aₖ − ℓᵢ) in place and returns Σᵢ ℓᵢ, ℓᵢ = log Σₖ exp aₖ: one `exp`
    /// per entry and one `log` per 128 rows (ℓᵢ = maxᵢ + log sᵢ with 1 ≤ sᵢ ≤ K ≤ 100, so the
    /// product of 128 sᵢ stays below 10²⁵⁶). A row whose aₖ are all −∞ gets NaNs and −∞.
    static func normalizeResponsibilities(_ a: UnsafeMutablePointer<Double>, rows: Int, components kCount: Int) -> Double {
        var total = 0.0, product = 1.0, pending = 0
        for i in 0..<rows {
            let row = a + i * kCount
            var top = -Double.infinity
            for k in 0..<kCount where row[k] > top { top = row[k] }
            guard top.isFinite else {
                for k in 0..<kCount { row[k] = .nan }
                total += top
                continue
            }
            var s = 0.0
            for k in 0..<kCount {
                // exp(0) = 1 exactly: the largest entry (or entries) need no exp.
                let d = row[k] - top
                let e = d == 0 ? 1 : exp(d)
                row[k] = e
                s += e
            }
            let inverse = 1 / s
            for k in 0..<kCount { row[k] *= inverse }
            total += top
            product *= s
            pending += 1
            if pending == 128 { total += log(product); product = 1; pending = 0 }
        }
        return total + log(product)
    }

    /// The M-step: πₖ = Nₖ/n, μₖ = Σ rẑ/Nₖ (added to the old μₖ), Σₖ = Σ r(ẑẑᵀ + C)/Nₖ − dₖdₖᵀ,
    /// then the covariance floor. A component with (numerically) no responsibility keeps
    /// its μₖ and Σₖ.
    func maximize(_ theta: MixtureParameters, _ stats: MixtureStatistics) -> (MixtureParameters, regularized: [Int]) {
        let p = data.p, n = Double(data.rowCount)
        var next = theta
        var regularized: [Int] = []
        for k in 0..<components {
            let nk = stats.weight[k]
            next.weights[k] = nk / n
            guard nk > 1e-12 * n else { continue }
            let d = (0..<p).map { stats.sum[k * p + $0] / nk }
            var sigma = [Double](repeating: 0, count: p * p)
            for i in 0..<p {
                for j in i..<p {
                    let s = stats.crossProduct[k * p * p + i * p + j] / nk - d[i] * d[j]
                    sigma[i * p + j] = s
                    sigma[j * p + i] = s
                }
            }
            if Self.applyFloor(&sigma, order: p, floor: options.covarianceFloor) { regularized.append(k) }
            next.means[k] = (0..<p).map { theta.means[k][$0] + d[$0] }
            next.covariances[k] = sigma
        }
        return (next, regularized)
    }

    /// Adds f·I, 10f·I, … to `sigma` until every variance and every relative Cholesky pivot
    /// is at least `floor` (and the factorisation succeeds). Returns whether it added anything.
    static func applyFloor(_ sigma: inout [Double], order p: Int, floor: Double) -> Bool {
        func acceptable(_ s: [Double]) -> Bool {
            for j in 0..<p where !(s[j * p + j] >= floor) || !s[j * p + j].isFinite { return false }
            guard let factor = try? CholeskyFactorization(s, order: p) else { return false }
            return floor == 0 || factor.relativePivots(of: s).allSatisfy { $0 >= floor }
        }
        if acceptable(sigma) { return false }
        var step = max(floor, 1e-10)
        for _ in 0..<60 {
            for j in 0..<p { sigma[j * p + j] += step }
            if acceptable(sigma) { break }
            step *= 10
        }
        return true
    }

    private func record(_ iteration: Int, logLikelihood: Double, _ new: MixtureParameters, _ old: MixtureParameters,
                        began: ContinuousClock.Instant) -> IterationRecord {
        let elapsed = ContinuousClock.now - began
        let ll = logLikelihood - data.logScaleSum
        var relative = 0.0
        for k in new.weights.indices {
            func rel(_ a: Double, _ b: Double) -> Double { abs(b) > 1e-12 ? abs(a - b) / abs(b) : abs(a - b) }
            relative = max(relative, rel(new.weights[k], old.weights[k]))
            for j in new.means[k].indices { relative = max(relative, rel(new.means[k][j], old.means[k][j])) }
            for j in new.covariances[k].indices { relative = max(relative, rel(new.covariances[k][j], old.covariances[k][j])) }
        }
        return IterationRecord(
            iteration: iteration, logLikelihood: ll, objective: ll,
            maxAbsoluteChange: new.maxAbsoluteChange(from: old), maxRelativeChange: relative,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            accelerated: false)
    }

    /// Plain EM from `start` until the change criterion (as `GaussianEM`'s) or the cap.
    func iterate(from start: MixtureParameters, progress: ((IterationRecord) -> Void)?) throws(EMError) -> MixtureRun {
        let began = ContinuousClock.now
        var theta = start
        var current = expectation(theta, try prepare(theta, iteration: 0))
        guard current.logLikelihood.isFinite else { throw .singularCovariance(columns: data.names, iteration: 0) }
        var history = ConvergenceHistory(initialObjective: current.logLikelihood - data.logScaleSum, records: [])
        var converged = false
        var regularized = Set<Int>()
        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            let (next, floored) = maximize(theta, current)
            regularized.formUnion(floored)
            let e = expectation(next, try prepare(next, iteration: iteration))
            guard e.logLikelihood.isFinite else { throw .singularCovariance(columns: data.names, iteration: iteration) }
            let change = next.maxAbsoluteChange(from: theta)
            let settled = change < options.tolerance
                && e.logLikelihood - current.logLikelihood <= options.tolerance * max(1, abs(e.logLikelihood))
            let r = record(iteration, logLikelihood: e.logLikelihood, next, theta, began: began)
            history.records.append(r)
            progress?(r)
            theta = next
            current = e
            if settled { converged = true; break }
        }
        return MixtureRun(theta: theta, statistics: current, history: history, hasConverged: converged, regularized: regularized)
    }
}
