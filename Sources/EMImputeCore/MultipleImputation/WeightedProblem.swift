import Foundation

/// What every imputation of one `MultipleImputation` call shares: the scale of the full-data
/// fit (z = (x − μ̂)/s), the warm start, the options and the bounds. It holds no row: the
/// weighted EM reads each imputation's Bayesian-bootstrap pattern sums
/// (`BootstrapPatternSums`), which one pass over the rows — of a matrix or of a file —
/// accumulates for every imputation. Read-only, so the M imputations can run on any threads.
struct WeightedProblem: @unchecked Sendable {
    let p: Int
    let names: [String]
    let center: [Double]
    let scale: [Double]
    /// The warm start S = D⁻¹ Σ̂ D⁻¹ (μ̃ = 0 on this scale).
    let startCovariance: [Double]
    let options: EMOptions
    /// Bounds on the z scale, per column.
    let bounds: [(lower: Double, upper: Double)?]

    init(model: GaussianModel, options: EMOptions, bounds: [ClosedRange<Double>?]?) {
        p = model.dimension
        names = model.columnNames
        center = model.mean
        scale = model.scale
        startCovariance = model.standardizedCovariance.storage
        self.options = options
        self.bounds = BoundedRedraw.standardized(bounds, center: model.mean, scale: model.scale)
    }

    /// The plan of the weighted sums of `data`'s rows under this problem's scale and seed.
    func plan(_ data: IncompleteMatrix) -> BootstrapPlan {
        let layout = PatternLayout(data)
        return BootstrapPlan(patterns: layout.patterns.indices.map { (layout.patterns[$0], layout.rowCount(ofPattern: $0)) },
                             center: center, scale: scale, seed: options.seed)
    }

    /// A 64-bit key from the seed, the imputation, the row and a stream number: the only
    /// inputs of every random number, so no result depends on the thread that computes it.
    static func key(seed: UInt64, imputation: Int, row: Int, stream: UInt64) -> UInt64 {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return mix(seed ^ mix(UInt64(truncatingIfNeeded: imputation) ^ mix(UInt64(truncatingIfNeeded: row) ^ mix(stream))))
    }

    /// One imputation's weighted sums of every usable pattern's observed cells (z scale,
    /// weights normalised to sum to the usable rows), which do not change between
    /// iterations: W_g = Σ wᵢ, s_g = Σ wᵢ x_{i,o} and the upper triangle of
    /// S_g = Σ wᵢ x_{i,o} x_{i,o}ᵀ (packed row by row), all patterns in one flat buffer.
    /// A pattern with fewer than |o|/2 rows keeps, instead of S_g, a copy of its rows (each
    /// wᵢ then x_{i,o}; less memory than S_g): its E-step walks them, which costs less than
    /// S_g B (|o|²·|m|) then. Made by `BootstrapPatternSums.patternSums(imputation:)`.
    struct PatternSums {
        /// Σ wᵢ: the usable rows.
        var total: Double
        /// Per usable pattern (ascending): its observed and missing columns and its rows.
        var observed: [[Int]]
        var missing: [[Int]]
        var rowCounts: [Int]
        /// Per pattern, W_g and the offsets of s_g, of S_g (−1 for a pattern whose rows are
        /// kept) and of its rows (−1 for one whose S_g is) in `storage`.
        var weight: [Double] = []
        var sumOffset: [Int] = []
        var squareOffset: [Int] = []
        var rowsOffset: [Int] = []
        var storage: [Double] = []
        /// The observed cells' part of T₁ and T₂ (full p×p), the same for every iteration.
        var observedT1: [Double]
        var observedT2: [Double]
    }

    /// Weighted EM from the warm start: (μ̃, S̃, iterations, converged).
    ///
    /// The E-step works on the pattern sums: x̂_m = c + Bᵀx_o is affine in x_o (c = μ_m − Bᵀμ_o),
    /// so Σ w x̂_m = W c + Bᵀs, Σ w x_o x̂_mᵀ = s cᵀ + S B and
    /// Σ w (x̂_m x̂_mᵀ + C) = W c cᵀ + c (Bᵀs)ᵀ + (Bᵀs) cᵀ + Bᵀ S B + W C: no pass over the rows
    /// (but for patterns with fewer rows than |o|/2, whose rows are walked). Per pattern and
    /// iteration only K_mm (K = S⁻¹) is factorised: C = K_mm⁻¹ and Bᵀ = −K_mm⁻¹ K_mo by
    /// triangular solves, in fixed scratch space.
    ///
    /// - Complexity: per iteration O(p³ + Σ_g |m_g|·|o_g|·min(|o_g|, 2n_g) + |o_g|·|m_g|²).
    func weightedEM(_ sums: PatternSums) throws -> (mean: [Double], covariance: [Double], iterations: Int, hasConverged: Bool) {
        var mu = [Double](repeating: 0, count: p)
        var s = startCovariance
        let total = sums.total
        // Scratch: L (K_mm's factor), C, Bᵀ (|m|×|o|), Vᵀ = (S B)ᵀ (|m|×|o|), c, u, x̂_m, x_o.
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 4 * p * p + 4 * p)
        defer { scratch.deallocate() }
        let lower = scratch, cov = scratch + p * p, bt = scratch + 2 * p * p, vt = scratch + 3 * p * p
        let c = scratch + 4 * p * p, u = c + p, xm = u + p, xo = xm + p
        var t1 = [Double](repeating: 0, count: p), t2 = [Double](repeating: 0, count: p * p)
        for iteration in 1...options.maxIterations {
            guard let factor = try? CholeskyFactorization(s, order: p) else {
                throw EMError.singularCovariance(columns: names, iteration: iteration)
            }
            let precision = factor.inverse
            for j in 0..<p { t1[j] = sums.observedT1[j] }
            for e in 0..<(p * p) { t2[e] = sums.observedT2[e] }
            var failed: Int?
            precision.withUnsafeBufferPointer { kb in
                let k = kb.baseAddress!
                sums.storage.withUnsafeBufferPointer { sb in
                    t2.withUnsafeMutableBufferPointer { t2b in
                        t1.withUnsafeMutableBufferPointer { t1b in
                            mu.withUnsafeBufferPointer { mub in
                                do {
                                    let t2p = t2b.baseAddress!, t1p = t1b.baseAddress!, mup = mub.baseAddress!
                                    for position in sums.observed.indices {
                                        guard !sums.missing[position].isEmpty else { continue }
                                        let done = sums.missing[position].withUnsafeBufferPointer { mb in
                                            sums.observed[position].withUnsafeBufferPointer { ob in
                                                expectation(rowCount: sums.rowCounts[position], observed: ob, missing: mb, precision: k, mean: mup,
                                                            sum: sb.baseAddress! + sums.sumOffset[position],
                                                            squares: sums.squareOffset[position] < 0 ? nil : sb.baseAddress! + sums.squareOffset[position],
                                                            rows: sums.rowsOffset[position] < 0 ? nil : sb.baseAddress! + sums.rowsOffset[position],
                                                            weight: sums.weight[position],
                                                            t1: t1p, t2: t2p, scratch: (lower, cov, bt, vt, c, u, xm, xo))
                                            }
                                        }
                                        if !done { failed = position; return }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            if let failed { throw EMError.singularCovariance(columns: sums.missing[failed].map { names[$0] }, iteration: iteration) }
            let newMu = t1.map { $0 / total }
            var newS = [Double](repeating: 0, count: p * p)
            let lambda = options.ridge
            let denominator = total + lambda + Double(p) + 2
            for a in 0..<p {
                for b in a..<p {
                    var value = t2[a * p + b] / total - newMu[a] * newMu[b]
                    if lambda > 0 { value = (total * value + (a == b ? lambda : 0)) / denominator }
                    newS[a * p + b] = value
                    newS[b * p + a] = value
                }
            }
            var change = 0.0
            for j in 0..<p { change = max(change, abs(newMu[j] - mu[j])) }
            for e in 0..<(p * p) { change = max(change, abs(newS[e] - s[e])) }
            mu = newMu
            s = newS
            if !change.isFinite { throw EMError.singularCovariance(columns: names, iteration: iteration) }
            if change < options.tolerance { return (mu, s, iteration, true) }
        }
        return (mu, s, options.maxIterations, false)
    }

    /// One pattern's part of the E-step, added to T₁ and T₂ (full p×p); false when K_mm is
    /// not positive definite. `squares` nil: the pattern's rows are walked.
    @inline(__always)
    private func expectation(rowCount: Int, observed o: UnsafeBufferPointer<Int>, missing m: UnsafeBufferPointer<Int>,
                             precision k: UnsafePointer<Double>, mean mu: UnsafePointer<Double>,
                             sum: UnsafePointer<Double>, squares: UnsafePointer<Double>?, rows: UnsafePointer<Double>?, weight: Double,
                             t1: UnsafeMutablePointer<Double>, t2: UnsafeMutablePointer<Double>,
                             scratch: (lower: UnsafeMutablePointer<Double>, cov: UnsafeMutablePointer<Double>,
                                       bt: UnsafeMutablePointer<Double>, vt: UnsafeMutablePointer<Double>,
                                       c: UnsafeMutablePointer<Double>, u: UnsafeMutablePointer<Double>,
                                       xm: UnsafeMutablePointer<Double>, xo: UnsafeMutablePointer<Double>)) -> Bool {
        let (lower, cov, bt, vt, c, u, xm, xo) = scratch
        let nm = m.count, no = o.count
        // L Lᵀ = K_mm.
        for a in 0..<nm { for b in 0...a { lower[a * nm + b] = k[m[a] * p + m[b]] } }
        if CholeskyFactorization.factorInPlace(lower, order: nm, stride: nm) != nil { return false }
        // C = K_mm⁻¹ = L⁻ᵀ L⁻¹, column by column.
        for col in 0..<nm {
            for b in 0..<nm {
                var t = b == col ? 1.0 : 0.0
                for e in 0..<b { t -= lower[b * nm + e] * cov[e * nm + col] }
                cov[b * nm + col] = t / lower[b * nm + b]
            }
            var b = nm - 1
            while b >= 0 {
                var t = cov[b * nm + col]
                for e in (b + 1)..<max(nm, b + 1) { t -= lower[e * nm + b] * cov[e * nm + col] }
                cov[b * nm + col] = t / lower[b * nm + b]
                b -= 1
            }
        }
        // Bᵀ = −C K_mo (independent products, no divisions).
        for b in 0..<nm {
            let row = bt + b * no
            for a in 0..<no { row[a] = 0 }
            for e in 0..<nm {
                let cbe = -cov[b * nm + e], ke = k + m[e] * p
                for a in 0..<no { row[a] += cbe * ke[o[a]] }
            }
        }
        for b in 0..<nm {
            var cb = mu[m[b]]
            let row = bt + b * no
            for a in 0..<no { cb -= row[a] * mu[o[a]] }
            c[b] = cb
        }
        guard let squares else {
            // Few rows: x̂_m = c + Bᵀx_o row by row, from the pattern's copy of its rows.
            var copy = rows!
            for _ in 0..<rowCount {
                let wi = copy[0]
                let x = copy + 1
                copy += no + 1
                if wi == 0 { continue }
                for a in 0..<no { xo[a] = x[a] }
                for b in 0..<nm {
                    var v = c[b]
                    let row = bt + b * no
                    for a in 0..<no { v += row[a] * xo[a] }
                    xm[b] = v
                    t1[m[b]] += wi * v
                }
                for a in 0..<no {
                    let wa = wi * xo[a], oa = o[a]
                    for b in 0..<nm {
                        let value = wa * xm[b]
                        t2[oa * p + m[b]] += value
                        t2[m[b] * p + oa] += value
                    }
                }
                for b1 in 0..<nm {
                    let wb = wi * xm[b1]
                    for b2 in 0..<nm { t2[m[b1] * p + m[b2]] += wb * xm[b2] }
                }
            }
            for b1 in 0..<nm { for b2 in 0..<nm { t2[m[b1] * p + m[b2]] += weight * cov[b1 * nm + b2] } }
            return true
        }
        for b in 0..<nm {
            var ub = 0.0
            let row = bt + b * no
            for a in 0..<no { ub += row[a] * sum[a] }
            u[b] = ub
        }
        // Vᵀ[b, :] = S Bᵀ[b, :] from the packed upper triangle of S.
        for b in 0..<nm {
            let x = bt + b * no, v = vt + b * no
            for a in 0..<no { v[a] = 0 }
            var packed = 0
            for a in 0..<no {
                let s = squares + packed - a  // s[e] = S[a, e] for e ≥ a
                var va = s[a] * x[a]
                let xa = x[a]
                for e in (a + 1)..<max(no, a + 1) {
                    va += s[e] * x[e]
                    v[e] += s[e] * xa
                }
                v[a] += va
                packed += no - a
            }
        }
        for b in 0..<nm {
            let mb = m[b]
            t1[mb] += weight * c[b] + u[b]
            let v = vt + b * no
            for a in 0..<no {
                let value = sum[a] * c[b] + v[a]
                t2[o[a] * p + mb] += value
                t2[mb * p + o[a]] += value
            }
        }
        for b1 in 0..<nm {
            let row = bt + b1 * no
            for b2 in 0..<nm {
                let v = vt + b2 * no
                var btv = 0.0  // (Bᵀ V)[b1, b2]
                for a in 0..<no { btv += row[a] * v[a] }
                t2[m[b1] * p + m[b2]] += weight * c[b1] * c[b2] + c[b1] * u[b2] + u[b1] * c[b2] + btv
                    + weight * cov[b1 * nm + b2]
            }
        }
        return true
    }

    /// θ̃ₘ of imputation m (1-based): weighted EM on its Bayesian-bootstrap pattern sums from
    /// the warm start; its cells are drawn row by row (`NormalRowDraws`).
    func parameterDraw(_ m: Int, sums: PatternSums) throws -> ImputationDraw {
        let fit = try weightedEM(sums)
        let (mu, s) = (fit.mean, fit.covariance)
        guard let thetaFactor = try? CholeskyFactorization(s, order: p) else {
            throw EMError.singularCovariance(columns: names, iteration: fit.iterations)
        }
        let model = try GaussianModel(columnNames: names, mean: (0..<p).map { center[$0] + scale[$0] * mu[$0] }, scale: scale,
                                      standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: s))
        let theta = NormalTheta(mean: mu, precision: thetaFactor.inverse, iterations: fit.iterations, conditionals: NormalConditionalCache())
        return ImputationDraw(index: m, model: model, iterations: fit.iterations, hasConverged: fit.hasConverged,
                              source: .normal(self, theta))
    }

    /// θ̃ₘ of imputation m of `data`: its pattern sums in one pass over the rows, then the
    /// weighted EM.
    func parameterDraw(_ m: Int, of data: IncompleteMatrix, plan: BootstrapPlan) throws -> ImputationDraw {
        let sums = BootstrapPatternSums(plan: plan, imputations: [m])
        try data.values.withUnsafeBufferPointer { x in
            if let base = x.baseAddress { try sums.add(base, count: data.rowCount, threads: 1) }
        }
        return try parameterDraw(m, sums: sums.patternSums(imputation: m))
    }

    /// Imputation m (1-based) of `data`: its parameter draw, and every row's missing block drawn under it.
    func imputation(_ m: Int, of data: IncompleteMatrix, plan: BootstrapPlan) throws -> Imputation {
        try parameterDraw(m, of: data, plan: plan).imputation(of: data.values, rowCount: data.rowCount, isStandardized: false)
    }
}

/// θ̃ of a normal imputation on the z scale: what its rows are drawn from.
struct NormalTheta: Sendable {
    /// μ̃ (z scale).
    let mean: [Double]
    /// K̃ = S̃⁻¹ (z scale), row-major p×p.
    let precision: [Double]
    let iterations: Int
    /// The patterns' conditionals under θ̃, shared by every drawer of this imputation.
    let conditionals: NormalConditionalCache
}

/// A pattern's conditional under one θ̃, ready to draw from: E[x_m | x_o] = c + Bᵀx_o,
/// c = μ_m − Bᵀμ_o, and the lower Cholesky factor of Cov[x_m | x_o].
/// A class, so that taking one from the cache retains one object, not its five arrays.
final class PreparedConditional: Sendable {
    let observed: [Int]
    let missing: [Int]
    let coefficients: [Double]
    let intercept: [Double]
    let factor: [Double]
    let isBounded: Bool

    init(observed: [Int], missing: [Int], coefficients: [Double], intercept: [Double], factor: [Double], isBounded: Bool) {
        self.observed = observed
        self.missing = missing
        self.coefficients = coefficients
        self.intercept = intercept
        self.factor = factor
        self.isBounded = isBounded
    }

    /// The values it holds (its share of the cache's budget).
    var size: Int { observed.count + missing.count + coefficients.count + intercept.count + factor.count }
}

/// The patterns' conditionals of one imputation, shared by all its drawers, on every thread
/// and across ranges: a pattern's conditional is computed about once per pass instead of once
/// per range and thread. First come, first kept, up to `budget` values; beyond, a pattern is
/// computed each time it comes (the frequent patterns come early and stay). The draws do not
/// depend on what is kept.
final class NormalConditionalCache: @unchecked Sendable {
    /// Values kept at most (about 8 MB).
    static let budget = 1 << 20
    private let lock = NSLock()
    /// Patterns of up to 64 columns, by their bits.
    private var small: [UInt64: PreparedConditional] = [:]
    private var large: [MissingnessPattern: PreparedConditional] = [:]
    private var stored = 0

    func value(_ key: UInt64) -> PreparedConditional? {
        lock.lock(); defer { lock.unlock() }
        return small[key]
    }

    func value(_ key: MissingnessPattern) -> PreparedConditional? {
        lock.lock(); defer { lock.unlock() }
        return large[key]
    }

    func keep(_ value: PreparedConditional, for key: UInt64) {
        lock.lock(); defer { lock.unlock() }
        guard stored + value.size <= Self.budget, small[key] == nil else { return }
        small[key] = value
        stored += value.size
    }

    func keep(_ value: PreparedConditional, for key: MissingnessPattern) {
        lock.lock(); defer { lock.unlock() }
        guard stored + value.size <= Self.budget, large[key] == nil else { return }
        large[key] = value
        stored += value.size
    }
}

/// The draws of the rows of a normal imputation: each row's missing block from
/// N(E[x_m | x_o, θ̃], Cov[x_m | x_o, θ̃]) with normal deviates from (seed, imputation, row)
/// only. Per pattern, the conditional's coefficients, intercept and Cholesky factor are
/// computed once and kept in the imputation's shared cache (`NormalConditionalCache`).
/// Not thread-safe: one per thread.
final class NormalRowDraws {
    private let problem: WeightedProblem
    private let theta: NormalTheta
    private let imputation: Int
    // Owned buffers of p values each: no exclusivity or uniqueness checks per row.
    private let z: UnsafeMutablePointer<Double>
    private let conditionalMean: UnsafeMutablePointer<Double>
    private let deviates: UnsafeMutablePointer<Double>
    private let draw: UnsafeMutablePointer<Double>
    private var missing: [Int] = []

    init(problem: WeightedProblem, theta: NormalTheta, imputation: Int) {
        self.problem = problem
        self.theta = theta
        self.imputation = imputation
        let count = max(1, problem.p)
        z = .allocate(capacity: count)
        z.initialize(repeating: 0, count: count)
        conditionalMean = .allocate(capacity: count)
        conditionalMean.initialize(repeating: 0, count: count)
        deviates = .allocate(capacity: count)
        deviates.initialize(repeating: 0, count: count)
        draw = .allocate(capacity: count)
        draw.initialize(repeating: 0, count: count)
        missing.reserveCapacity(problem.p)
    }

    deinit {
        z.deallocate(); conditionalMean.deallocate(); deviates.deallocate(); draw.deallocate()
    }

    /// The pattern's conditional under θ̃; E[x_m | x_o] = c + Bᵀx_o, c = μ_m − Bᵀμ_o.
    private func computed(missing: [Int]) throws -> PreparedConditional {
        let p = problem.p, mu = theta.mean
        let observed = (0..<p).filter { !missing.contains($0) }
        guard let conditional = PatternConditional(precision: theta.precision, p: p, observed: observed, missing: missing, needsFactor: true),
              let factor = conditional.covarianceFactor else {
            throw EMError.singularCovariance(columns: missing.map { problem.names[$0] }, iteration: theta.iterations)
        }
        let nm = missing.count, no = observed.count
        var intercept = [Double](repeating: 0, count: nm)
        for b in 0..<nm {
            var v = mu[missing[b]]
            for a in 0..<no { v -= conditional.coefficients[a * nm + b] * mu[observed[a]] }
            intercept[b] = v
        }
        return PreparedConditional(observed: observed, missing: missing, coefficients: conditional.coefficients, intercept: intercept,
                                   factor: factor, isBounded: missing.contains { problem.bounds[$0] != nil })
    }

    /// The conditional of the pattern missing `missing` (with bits `bits` when p ≤ 64), from the cache or computed.
    private func prepared(missing: [Int], bits: UInt64) throws -> PreparedConditional {
        let cache = theta.conditionals
        if problem.p <= 64 {
            if let known = cache.value(bits) { return known }
            let result = try computed(missing: missing)
            cache.keep(result, for: bits)
            return result
        }
        let pattern = MissingnessPattern(missingColumns: missing, columnCount: problem.p)
        if let known = cache.value(pattern) { return known }
        let result = try computed(missing: missing)
        cache.keep(result, for: pattern)
        return result
    }

    /// Draws the missing cells of row `i` (`x`: the row, NaN where missing; standardised
    /// with the problem's centre and scale unless `isStandardized`), writing them to `out`
    /// in original units, in column order; returns the cells redrawn for their bounds and the
    /// cells set to a bound.
    func draw(row i: Int, _ x: UnsafePointer<Double>, isStandardized: Bool,
              into out: (_ column: Int, _ value: Double) -> Void) throws -> (redrawn: Int, setToBound: Int) {
        let p = problem.p, bounds = problem.bounds, center = problem.center, scale = problem.scale
        missing.removeAll(keepingCapacity: true)
        var bits: UInt64 = 0
        for j in 0..<p {
            if x[j].isNaN {
                missing.append(j)
                if j < 64 { bits |= 1 << UInt64(j) }
            } else {
                z[j] = isStandardized ? x[j] : x[j] / scale[j] - center[j] / scale[j]
            }
        }
        guard !missing.isEmpty else { return (0, 0) }
        let prepared = try prepared(missing: missing, bits: bits)
        let missing = prepared.missing
        let nm = missing.count, observed = prepared.observed, no = observed.count
        prepared.coefficients.withUnsafeBufferPointer { cb in
            let coefficient = cb.baseAddress!
            for b in 0..<nm { conditionalMean[b] = prepared.intercept[b] }
            for a in 0..<no {
                let xa = z[observed[a]], line = coefficient + a * nm
                for b in 0..<nm { conditionalMean[b] += line[b] * xa }
            }
        }
        let factor = prepared.factor
        var generator = SeededGenerator(seed: WeightedProblem.key(seed: problem.options.seed, imputation: imputation, row: i, stream: 1))
        var redraw = BoundedRedraw(missing: missing, bounds: bounds, isBounded: prepared.isBounded)
        repeat {
            for a in 0..<nm { deviates[a] = generator.nextNormal() }
            for a in 0..<nm {
                var v = conditionalMean[a]
                for b in 0...a { v += factor[a * nm + b] * deviates[b] }
                draw[a] = v
            }
        } while redraw.needsAnotherDraw(draw)
        for a in 0..<nm {
            let j = missing[a]
            out(j, center[j] + scale[j] * draw[a])
        }
        return (redraw.redrawn, redraw.setToBound)
    }
}
