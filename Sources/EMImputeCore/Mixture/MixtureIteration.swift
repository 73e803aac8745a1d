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
        blocks = RowBlocks(rowCount: data.rowCount)
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

    /// Segments shorter than this take the scalar path (`PreparedComponent.completeDeviation`).
    static let smallestBLASSegment = 4

    /// The E-step: responsibilities from each row's observed-part densities (log-sum-exp),
    /// and the responsibility-weighted statistics of the completed rows.
    ///
    /// Rows are taken in segments of one pattern (at most `chunk` rows), and each component's
    /// work on a segment is done by BLAS: the zero-filled deviations Z̃ times K_·m, the
    /// conditional deviations −(Z̃ K_·m) C, the completed Ẑ times K for the Mahalanobis
    /// distances (the row sums of Ẑ ∘ ẐK), and one `dsyrk` of the √r-scaled rows. The
    /// conditional-covariance correction is added once per segment, weighted by its Σ r.
    ///
    /// - Complexity: O(n·K·p² + K·Σ_patterns |m|³).
    func expectation(_ theta: MixtureParameters, _ prepared: [PreparedComponent]) -> MixtureStatistics {
        let p = data.p, kCount = components, data = self.data, blocks = self.blocks
        let logWeights = theta.weights.map { $0 > 0 ? log($0) : -Double.infinity }
        let chunk = max(16, min(512, 32_768 / max(p, 1)))
        let halfLogTwoPi = 0.5 * log(2 * Double.pi)
        let parts = blocks.map(threads: threads) { b -> MixtureStatistics in
            var stats = MixtureStatistics(components: kCount, columnCount: p)
            let z = UnsafeMutablePointer<Double>.allocate(capacity: kCount * chunk * p)
            let q = UnsafeMutablePointer<Double>.allocate(capacity: chunk * p)
            let w = UnsafeMutablePointer<Double>.allocate(capacity: chunk * p)
            let km = UnsafeMutablePointer<Double>.allocate(capacity: p * p)
            let density = UnsafeMutablePointer<Double>.allocate(capacity: chunk * kCount)
            let cross = UnsafeMutablePointer<Double>.allocate(capacity: kCount * p * p)
            cross.initialize(repeating: 0, count: kCount * p * p)
            let sum = UnsafeMutablePointer<Double>.allocate(capacity: kCount * p)
            sum.initialize(repeating: 0, count: kCount * p)
            defer {
                z.deallocate(); q.deallocate(); w.deallocate(); km.deallocate(); density.deallocate(); cross.deallocate()
                sum.deallocate()
            }
            let rows = blocks.rows(ofBlock: b)
            data.standardized.values.withUnsafeBufferPointer { xb in
                var r = rows.lowerBound
                while r < rows.upperBound {
                    let g = data.rowPattern[r]
                    var end = r + 1
                    while end < rows.upperBound, end - r < chunk, data.rowPattern[end] == g { end += 1 }
                    let count = end - r
                    let m = data.layout.missing[g]
                    let nm = m.count
                    let observed = Double(p - nm)
                    for k in 0..<kCount {
                        let component = prepared[k]
                        let zk = z + k * chunk * p
                        let constant = logWeights[k] - observed * halfLogTwoPi - 0.5 * component.logDeterminantObserved(pattern: g)
                        if count < Self.smallestBLASSegment {
                            // A pattern with a row or two (common when most rows have their own
                            // pattern): dot products beat the set-up of three BLAS calls.
                            for i in 0..<count {
                                let d2 = component.completeDeviation(xb.baseAddress! + (r + i) * p, pattern: g, missing: m,
                                                                     into: zk + i * p, work: q)
                                density[i * kCount + k] = constant - 0.5 * d2
                            }
                            continue
                        }
                        component.mean.withUnsafeBufferPointer { mu in
                            for i in 0..<count {
                                let x = xb.baseAddress! + (r + i) * p, zi = zk + i * p
                                for j in 0..<p {
                                    let d = x[j] - mu[j]
                                    zi[j] = d.isNaN ? 0 : d
                                }
                            }
                        }
                        component.precision.withUnsafeBufferPointer { kb in
                            if nm > 0 {
                                // W = Z̃ K_·m, then Ẑ_m = −W C (K is symmetric, so K_m· z = (z K)_m).
                                for a in 0..<p { for c in 0..<nm { km[a * nm + c] = kb[a * p + m[c]] } }
                                BLAS.multiply(zk, lda: p, km, ldb: nm, into: w, ldc: nm, rows: count, inner: p, columns: nm)
                                component.conditionalCovariance[g].withUnsafeBufferPointer { cb in
                                    BLAS.multiply(w, lda: nm, cb.baseAddress!, ldb: nm, into: q, ldc: nm, rows: count, inner: nm, columns: nm)
                                }
                                for i in 0..<count { for c in 0..<nm { zk[i * p + m[c]] = -q[i * nm + c] } }
                            }
                            BLAS.multiply(zk, lda: p, kb.baseAddress!, ldb: p, into: q, ldc: p, rows: count, inner: p, columns: p)
                        }
                        for i in 0..<count {
                            let zi = zk + i * p, qi = q + i * p
                            var d2 = 0.0
                            for j in 0..<p { d2 += zi[j] * qi[j] }
                            density[i * kCount + k] = constant - 0.5 * d2
                        }
                    }
                    // Log densities → responsibilities, in place.
                    for i in 0..<count {
                        let row = density + i * kCount
                        // One component: the responsibility is exactly 1 (as exp(ℓ − ℓ) would give).
                        let total = kCount == 1 ? row[0] : logSumExp(row, kCount)
                        stats.logLikelihood += total
                        if kCount == 1 { row[0] = 1 } else { for k in 0..<kCount { row[k] = exp(row[k] - total) } }
                    }
                    for k in 0..<kCount {
                        let zk = z + k * chunk * p
                        var segment = 0.0
                        let sk = sum + k * p
                        for i in 0..<count {
                            let responsibility = density[i * kCount + k]
                            segment += responsibility
                            let zi = zk + i * p
                            for j in 0..<p { sk[j] += responsibility * zi[j] }
                            if kCount > 1 {
                                let root = responsibility.squareRoot()
                                for j in 0..<p { zi[j] *= root }
                            }
                        }
                        stats.weight[k] += segment
                        BLAS.addGram(of: zk, rows: count, columns: p, into: cross + k * p * p)
                        if nm > 0 {
                            // The conditional-covariance correction (Σ r) C (m ascending: upper triangle).
                            let c = prepared[k].conditionalCovariance[g]
                            let target = cross + k * p * p
                            for a in 0..<nm { for e in a..<nm { target[m[a] * p + m[e]] += segment * c[a * nm + e] } }
                        }
                    }
                    r = end
                }
            }
            stats.crossProduct = Array(UnsafeBufferPointer(start: cross, count: kCount * p * p))
            stats.sum = Array(UnsafeBufferPointer(start: sum, count: kCount * p))
            return stats
        }
        var total = MixtureStatistics(components: kCount, columnCount: p)
        for part in parts { total.add(part) }
        return total
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
