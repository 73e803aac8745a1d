import Foundation

/// The parameters a mixture or t refit moves, on the working scale z = (x − c)/s: K weights,
/// means and covariances (row-major p×p); ν (finite only for the t, with K = 1).
struct ModelParameters: Sendable {
    var weights: [Double]
    var means: [[Double]]
    var covariances: [[Double]]
    var degreesOfFreedom: Double

    /// Largest absolute change of any weight, mean or covariance entry.
    func maxAbsoluteChange(from old: ModelParameters) -> Double {
        var d = 0.0
        for k in weights.indices {
            d = max(d, abs(weights[k] - old.weights[k]))
            for j in means[k].indices { d = max(d, abs(means[k][j] - old.means[k][j])) }
            for e in covariances[k].indices { d = max(d, abs(covariances[k][e] - old.covariances[k][e])) }
        }
        return d
    }
}

/// What every imputation of a mixture or t multiple imputation shares: the data on the
/// working scale, its pattern layout and the warm start. Read-only, so the M imputations can
/// run on any threads; every random number comes from (seed, imputation, row, stream) only.
struct WeightedModelProblem: @unchecked Sendable {
    let p: Int
    let rowCount: Int
    let names: [String]
    let center: [Double]
    let scale: [Double]
    /// z, n×p row-major, NaN where missing.
    let z: [Double]
    let layout: PatternLayout
    let start: ModelParameters
    let options: EMOptions
    let covarianceFloor: Double
    let bounds: [(lower: Double, upper: Double)?]
    let usableRows: Int
    /// The index in `layout` of each pattern.
    let patternIndex: [MissingnessPattern: Int]

    init(data: IncompleteMatrix, start: ModelParameters, center: [Double], scale: [Double], options: EMOptions,
         covarianceFloor: Double, bounds: [ClosedRange<Double>?]?) {
        p = data.columnCount
        rowCount = data.rowCount
        names = data.columnNames
        self.center = center
        self.scale = scale
        var z = data.values
        for i in 0..<data.rowCount {
            for j in 0..<p where !z[i * p + j].isNaN { z[i * p + j] = (z[i * p + j] - center[j]) / scale[j] }
        }
        self.z = z
        layout = PatternLayout(data)
        self.start = start
        self.options = options
        self.covarianceFloor = covarianceFloor
        self.bounds = BoundedRedraw.standardized(bounds, center: center, scale: scale)
        let layout = self.layout
        patternIndex = Dictionary(uniqueKeysWithValues: layout.patterns.enumerated().map { ($0.element, $0.offset) })
        usableRows = layout.rowsWithSomethingObserved
    }

    /// The components at `theta`, prepared for every pattern.
    func prepare(_ theta: ModelParameters, iteration: Int) throws(EMError) -> [PreparedComponent] {
        var out: [PreparedComponent] = []
        for k in theta.weights.indices {
            do {
                out.append(try PreparedComponent(mean: theta.means[k], covariance: theta.covariances[k], missing: layout.missing))
            } catch {
                switch error {
                case .covariance: throw .singularCovariance(columns: names, iteration: iteration)
                case .pattern(let g): throw .singularCovariance(columns: layout.missing[g].map { names[$0] }, iteration: iteration)
                }
            }
        }
        return out
    }

    /// Each component's log density of row `x`'s observed cells (pattern `g`), with ẑₖ (the
    /// deviation from μₖ completed by the conditional deviations) written to `z + k·p`;
    /// returns the responsibilities in `r` and the δₖ² in `d2`.
    func responsibilities(_ x: UnsafePointer<Double>, pattern g: Int, theta: ModelParameters, prepared: [PreparedComponent],
                          z: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>,
                          r: UnsafeMutablePointer<Double>, d2: UnsafeMutablePointer<Double>) {
        let kCount = theta.weights.count, m = layout.missing[g], observed = Double(p - m.count)
        for k in 0..<kCount {
            d2[k] = prepared[k].completeDeviation(x, pattern: g, missing: m, into: z + k * p, work: work)
            r[k] = log(theta.weights[k]) - 0.5 * (observed * log(2 * Double.pi) + prepared[k].logDeterminantObserved(pattern: g) + d2[k])
        }
        if kCount == 1 { r[0] = 1; return }
        let total = observed == 0 ? log(theta.weights.reduce(0, +)) : logSumExp(r, kCount)
        for k in 0..<kCount { r[k] = observed == 0 ? theta.weights[k] : exp(r[k] - total) }
    }

    /// Bayesian-bootstrap weights wᵢ ~ Exp(1) for the usable rows (0 for the others),
    /// normalised to sum to the number of usable rows; as `WeightedProblem.weights`.
    func weights(imputation m: Int) -> [Double] {
        var w = [Double](repeating: 0, count: rowCount)
        var total = 0.0
        for g in layout.patterns.indices where !layout.observed[g].isEmpty {
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                var generator = SeededGenerator(seed: WeightedProblem.key(seed: options.seed, imputation: m, row: i, stream: 0))
                w[i] = -log(generator.nextOpenUnit())
                total += w[i]
            }
        }
        let factor = Double(usableRows) / total
        for i in w.indices { w[i] *= factor }
        return w
    }

    /// Weighted EM (mixture) or ECM with ν fixed (t) from the warm start.
    ///
    /// Per row with bootstrap weight vᵢ, responsibility rᵢₖ and t weight τᵢ = (ν + o)/(ν + δ²)
    /// (1 for a mixture): Nₖ = Σ v r, μₖ += Σ v r τ ẑ / Σ v r τ, and
    /// Σₖ = (Σ v r τ ẑẑᵀ − (Σ v r τ) d dᵀ + Σ v r Cₖ)/Nₖ, d the mean step; πₖ = Nₖ / Σ v.
    func weightedEM(weights v: [Double]) throws -> (theta: ModelParameters, iterations: Int, hasConverged: Bool) {
        var theta = start
        let kCount = theta.weights.count, nu = theta.degreesOfFreedom
        let total = Double(usableRows)
        let z = UnsafeMutablePointer<Double>.allocate(capacity: kCount * p)
        let work = UnsafeMutablePointer<Double>.allocate(capacity: 2 * p)
        let r = UnsafeMutablePointer<Double>.allocate(capacity: kCount)
        let d2 = UnsafeMutablePointer<Double>.allocate(capacity: kCount)
        defer { z.deallocate(); work.deallocate(); r.deallocate(); d2.deallocate() }
        for iteration in 1...options.maxIterations {
            let prepared = try prepare(theta, iteration: iteration)
            var n = [Double](repeating: 0, count: kCount), tauSum = n
            var sum = [Double](repeating: 0, count: kCount * p)
            var cross = [Double](repeating: 0, count: kCount * p * p)
            try self.z.withUnsafeBufferPointer { xb in
                for g in layout.patterns.indices where !layout.observed[g].isEmpty {
                    let m = layout.missing[g], nm = m.count, observed = Double(p - nm)
                    var patternWeight = [Double](repeating: 0, count: kCount)
                    for position in layout.groupStart[g]..<layout.groupStart[g + 1] {
                        let i = layout.order[position]
                        guard v[i] > 0 else { continue }
                        responsibilities(xb.baseAddress! + i * p, pattern: g, theta: theta, prepared: prepared, z: z, work: work, r: r, d2: d2)
                        for k in 0..<kCount {
                            let vr = v[i] * r[k]
                            guard vr > 0 else { continue }
                            let tau = nu.isFinite ? (nu + observed) / (nu + d2[k]) : 1
                            guard tau.isFinite else { throw EMError.singularCovariance(columns: names, iteration: iteration) }
                            let a = vr * tau
                            n[k] += vr
                            tauSum[k] += a
                            patternWeight[k] += vr
                            let zk = z + k * p
                            for e in 0..<p {
                                let ae = a * zk[e]
                                sum[k * p + e] += ae
                                if ae == 0 { continue }
                                for f in e..<p { cross[k * p * p + e * p + f] += ae * zk[f] }
                            }
                        }
                    }
                    if nm > 0 {
                        for k in 0..<kCount where patternWeight[k] > 0 {
                            let c = prepared[k].conditionalCovarianceBlock(pattern: g, missingCount: nm)
                            for a in 0..<nm { for b in a..<nm { cross[k * p * p + m[a] * p + m[b]] += patternWeight[k] * c[a * nm + b] } }
                        }
                    }
                }
            }
            var next = theta
            for k in 0..<kCount {
                next.weights[k] = n[k] / total
                guard n[k] > 1e-12 * total, tauSum[k] > 0 else { continue }
                let d = (0..<p).map { sum[k * p + $0] / tauSum[k] }
                var sigma = [Double](repeating: 0, count: p * p)
                for a in 0..<p {
                    for b in a..<p {
                        let value = (cross[k * p * p + a * p + b] - tauSum[k] * d[a] * d[b]) / n[k]
                        sigma[a * p + b] = value
                        sigma[b * p + a] = value
                    }
                }
                if covarianceFloor > 0 { _ = MixtureProblem.applyFloor(&sigma, order: p, floor: covarianceFloor) }
                next.means[k] = (0..<p).map { theta.means[k][$0] + d[$0] }
                next.covariances[k] = sigma
            }
            // Weights of components that lost every row stay positive (the model needs it).
            let floored = next.weights.map { max($0, 1e-300) }
            let weightTotal = floored.reduce(0, +)
            next.weights = floored.map { $0 / weightTotal }
            let change = next.maxAbsoluteChange(from: theta)
            theta = next
            if !change.isFinite { throw EMError.singularCovariance(columns: names, iteration: iteration) }
            if change < options.tolerance { return (theta, iteration, true) }
        }
        return (theta, options.maxIterations, false)
    }

    /// Imputation m (1-based): weights, weighted refit, draws.
    /// θ̃ₘ of imputation m (1-based): Bayesian-bootstrap weights, then the weighted fit from
    /// the warm start; its cells are drawn row by row (`ModelRowDraws`).
    func parameterDraw(_ m: Int) throws -> ImputationDraw {
        let fit = try weightedEM(weights: weights(imputation: m))
        let prepared = try prepare(fit.theta, iteration: fit.iterations)
        return ImputationDraw(index: m, model: try summary(fit.theta), iterations: fit.iterations, hasConverged: fit.hasConverged,
                              source: .model(self, ModelTheta(theta: fit.theta, prepared: prepared, iterations: fit.iterations)))
    }

    func imputation(_ m: Int) throws -> Imputation {
        try parameterDraw(m).imputation(of: z, rowCount: rowCount, isStandardized: true)
    }

    /// The normal with θ's overall mean and covariance (a t: its location and scatter), in original units.
    func summary(_ theta: ModelParameters) throws -> GaussianModel {
        var mean = [Double](repeating: 0, count: p)
        for k in theta.weights.indices { for j in 0..<p { mean[j] += theta.weights[k] * theta.means[k][j] } }
        var covariance = [Double](repeating: 0, count: p * p)
        for k in theta.weights.indices {
            for a in 0..<p {
                for b in 0..<p {
                    let da = theta.means[k][a] - mean[a], db = theta.means[k][b] - mean[b]
                    covariance[a * p + b] += theta.weights[k] * (theta.covariances[k][a * p + b] + da * db)
                }
            }
        }
        for a in 0..<p { for b in 0..<a { covariance[a * p + b] = covariance[b * p + a] } }
        return try GaussianModel(columnNames: names, mean: (0..<p).map { center[$0] + scale[$0] * mean[$0] }, scale: scale,
                                 standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: covariance))
    }
}

/// θ̃ of a mixture or t imputation, prepared for every pattern of the fitted data.
struct ModelTheta: @unchecked Sendable {
    let theta: ModelParameters
    let prepared: [PreparedComponent]
    let iterations: Int
}

/// The draws of the rows of a mixture or t imputation: per row, a component picked by the
/// row's responsibilities, then (for a t) a χ² scale, then the component's conditional
/// normal — every random number from (seed, imputation, row) only. A row's pattern must be one
/// of the fitted data's. Not thread-safe: one per thread.
final class ModelRowDraws {
    private let problem: WeightedModelProblem
    private let theta: ModelTheta
    private let imputation: Int
    /// Patterns kept at most; beyond, the cache starts again (the draws do not depend on it).
    static let cacheLimit = 4096
    /// Each pattern's Cholesky factors of C_k, kept for up to `cacheLimit` patterns.
    private var factors: [Int: [[Double]]] = [:]
    private let z: UnsafeMutablePointer<Double>
    private let work: UnsafeMutablePointer<Double>
    private let r: UnsafeMutablePointer<Double>
    private let d2: UnsafeMutablePointer<Double>
    private let row: UnsafeMutablePointer<Double>
    private let deviates: UnsafeMutablePointer<Double>
    private let draw: UnsafeMutablePointer<Double>

    init(problem: WeightedModelProblem, theta: ModelTheta, imputation: Int) {
        self.problem = problem
        self.theta = theta
        self.imputation = imputation
        let p = problem.p, kCount = theta.theta.weights.count
        z = .allocate(capacity: kCount * p)
        work = .allocate(capacity: 2 * p)
        r = .allocate(capacity: kCount)
        d2 = .allocate(capacity: kCount)
        row = .allocate(capacity: max(1, p))
        deviates = .allocate(capacity: max(1, p))
        draw = .allocate(capacity: max(1, p))
    }

    deinit {
        z.deallocate(); work.deallocate(); r.deallocate(); d2.deallocate(); row.deallocate()
        deviates.deallocate(); draw.deallocate()
    }

    private func factors(pattern g: Int) throws -> [[Double]] {
        if let known = factors[g] { return known }
        let missing = problem.layout.missing[g], nm = missing.count, p = problem.p
        var out: [[Double]] = []
        for k in theta.theta.weights.indices {
            let c = nm == p ? theta.theta.covariances[k] : theta.prepared[k].conditionalCovarianceBlock(pattern: g, missingCount: nm)
            guard let factor = try? CholeskyFactorization(c, order: nm) else {
                throw EMError.singularCovariance(columns: missing.map { problem.names[$0] }, iteration: theta.iterations)
            }
            out.append(factor.lower)
        }
        if factors.count >= Self.cacheLimit { factors.removeAll(keepingCapacity: true) }
        factors[g] = out
        return out
    }

    /// As `NormalRowDraws.draw(row:_:isStandardized:into:)`.
    /// - Throws: `DataError.notTheFittedData` for a pattern the fitted data does not have.
    func draw(row i: Int, _ x: UnsafePointer<Double>, isStandardized: Bool,
              into out: (_ column: Int, _ value: Double) -> Void) throws -> (redrawn: Int, setToBound: Int) {
        let p = problem.p, center = problem.center, scale = problem.scale, bounds = problem.bounds
        var missing: [Int] = []
        for j in 0..<p {
            if x[j].isNaN { missing.append(j); row[j] = .nan } else { row[j] = isStandardized ? x[j] : (x[j] - center[j]) / scale[j] }
        }
        guard !missing.isEmpty else { return (0, 0) }
        guard let g = problem.patternIndex[MissingnessPattern(missingColumns: missing, columnCount: p)] else { throw DataError.notTheFittedData }
        let theta = self.theta.theta, kCount = theta.weights.count, nu = theta.degreesOfFreedom
        let nm = missing.count, observed = Double(p - nm)
        let factors = try factors(pattern: g)
        let bounded = missing.contains { bounds[$0] != nil }
        problem.responsibilities(row, pattern: g, theta: theta, prepared: self.theta.prepared, z: z, work: work, r: r, d2: d2)
        var generator = SeededGenerator(seed: WeightedProblem.key(seed: problem.options.seed, imputation: imputation, row: i, stream: 1))
        var redraw = BoundedRedraw(missing: missing, bounds: bounds, isBounded: bounded)
        repeat {
            // The component: the first k whose cumulative responsibility passes u.
            let u = generator.nextOpenUnit()
            var k = 0, cumulative = r[0]
            while k < kCount - 1 && cumulative < u { k += 1; cumulative += r[k] }
            var factorScale = 1.0
            if nu.isFinite {
                let degrees = nu + observed
                factorScale = ((nu + d2[k]) / generator.nextChiSquare(degreesOfFreedom: degrees)).squareRoot()
            }
            for a in 0..<nm { deviates[a] = generator.nextNormal() }
            let lower = factors[k], zk = z + k * p
            for a in 0..<nm {
                var value = theta.means[k][missing[a]] + zk[missing[a]]
                for b in 0...a { value += factorScale * lower[a * nm + b] * deviates[b] }
                draw[a] = value
            }
        } while redraw.needsAnotherDraw(draw)
        for a in 0..<nm {
            let j = missing[a]
            out(j, center[j] + scale[j] * draw[a])
        }
        return (redraw.redrawn, redraw.setToBound)
    }
}
