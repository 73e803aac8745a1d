import Foundation

/// What every imputation of one `MultipleImputation.impute` call shares: the data on the
/// scale of the full-data fit (z = (x − μ̂)/s), its pattern layout and the warm start.
/// Read-only, so the M imputations can run on any threads.
struct WeightedProblem: @unchecked Sendable {
    let p: Int
    let rowCount: Int
    let names: [String]
    let center: [Double]
    let scale: [Double]
    /// z, n×p row-major, NaN where missing.
    let z: [Double]
    let layout: PatternLayout
    /// Offset of each row's first missing cell in the row-major list of missing cells.
    let missingOffset: [Int]
    /// The warm start S = D⁻¹ Σ̂ D⁻¹ (μ̃ = 0 on this scale).
    let startCovariance: [Double]
    let options: EMOptions
    /// Bounds on the z scale, per column.
    let bounds: [(lower: Double, upper: Double)?]
    /// Rows with an observed cell.
    let usableRows: Int

    init(data: IncompleteMatrix, model: GaussianModel, options: EMOptions, bounds: [ClosedRange<Double>?]?) {
        p = data.columnCount
        rowCount = data.rowCount
        names = data.columnNames
        center = model.mean
        scale = model.scale
        var z = data.values
        var offsets = [Int](repeating: 0, count: data.rowCount + 1)
        for i in 0..<data.rowCount {
            var c = 0
            for j in 0..<p {
                if z[i * p + j].isNaN { c += 1 } else { z[i * p + j] = z[i * p + j] / scale[j] - center[j] / scale[j] }
            }
            offsets[i + 1] = offsets[i] + c
        }
        self.z = z
        missingOffset = offsets
        let layout = PatternLayout(data)
        self.layout = layout
        startCovariance = model.standardizedCovariance.storage
        self.options = options
        let (center, scale) = (model.mean, model.scale)
        self.bounds = (0..<data.columnCount).map { j in
            guard let b = bounds?[j] else { return nil }
            return ((b.lowerBound - center[j]) / scale[j], (b.upperBound - center[j]) / scale[j])
        }
        usableRows = layout.patterns.indices.filter { !layout.observed[$0].isEmpty }.reduce(0) { $0 + layout.rowCount(ofPattern: $1) }
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

    /// Bayesian-bootstrap weights wᵢ ~ Exp(1) for the usable rows (0 for the others),
    /// normalised to sum to the number of usable rows.
    func weights(imputation m: Int) -> [Double] {
        var w = [Double](repeating: 0, count: rowCount)
        var total = 0.0
        for g in layout.patterns.indices where !layout.observed[g].isEmpty {
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                var generator = SeededGenerator(seed: Self.key(seed: options.seed, imputation: m, row: i, stream: 0))
                let u = (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992.0
                w[i] = -log(u)
                total += w[i]
            }
        }
        let factor = Double(usableRows) / total
        for i in w.indices { w[i] *= factor }
        return w
    }

    /// The weighted sums of one pattern's observed cells, which do not change between
    /// iterations: W = Σ wᵢ, s = Σ wᵢ x_{i,o}, S = Σ wᵢ x_{i,o} x_{i,o}ᵀ (full k×k).
    struct PatternSums {
        let pattern: Int
        var weight = 0.0
        var sum: [Double]
        var squares: [Double]
    }

    /// The pattern sums of the usable rows under weights `w`: one pass over the data.
    func patternSums(weights w: [Double]) -> [PatternSums] {
        layout.patterns.indices.compactMap { g -> PatternSums? in
            let o = layout.observed[g], k = o.count
            guard k > 0 else { return nil }
            var sums = PatternSums(pattern: g, sum: [Double](repeating: 0, count: k), squares: [Double](repeating: 0, count: k * k))
            var x = [Double](repeating: 0, count: k)
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                let wi = w[i]
                sums.weight += wi
                for a in 0..<k { x[a] = z[i * p + o[a]] }
                for a in 0..<k {
                    let wa = wi * x[a]
                    sums.sum[a] += wa
                    for b in a..<k { sums.squares[a * k + b] += wa * x[b] }
                }
            }
            for a in 0..<k { for b in 0..<a { sums.squares[a * k + b] = sums.squares[b * k + a] } }
            return sums
        }
    }

    /// Weighted EM from the warm start: (μ̃, S̃, iterations, converged).
    ///
    /// The E-step works on the pattern sums: x̂_m = c + Bᵀx_o is affine in x_o (c = μ_m − Bᵀμ_o),
    /// so Σ w x̂_m = W c + Bᵀs, Σ w x_o x̂_mᵀ = s cᵀ + S B and
    /// Σ w (x̂_m x̂_mᵀ + C) = W c cᵀ + c (Bᵀs)ᵀ + (Bᵀs) cᵀ + Bᵀ S B + W C: no pass over the rows.
    func weightedEM(weights w: [Double]) throws -> (mean: [Double], covariance: [Double], iterations: Int, hasConverged: Bool) {
        var mu = [Double](repeating: 0, count: p)
        var s = startCovariance
        let total = Double(usableRows)
        let sums = patternSums(weights: w)
        // The observed cells' part of T₁ and T₂ does not depend on θ: added up once.
        var observedT1 = [Double](repeating: 0, count: p)
        var observedT2 = [Double](repeating: 0, count: p * p)
        for pattern in sums {
            let o = layout.observed[pattern.pattern], k = o.count
            for a in 0..<k {
                observedT1[o[a]] += pattern.sum[a]
                for b in 0..<k { observedT2[o[a] * p + o[b]] += pattern.squares[a * k + b] }
            }
        }
        for iteration in 1...options.maxIterations {
            var t1 = observedT1
            var t2 = observedT2
            guard let factor = try? CholeskyFactorization(s, order: p) else {
                throw EMError.singularCovariance(columns: names, iteration: iteration)
            }
            let precision = factor.inverse
            for pattern in sums {
                let g = pattern.pattern
                let o = layout.observed[g], m = layout.missing[g]
                let k = o.count, nm = m.count
                guard nm > 0 else { continue }
                guard let conditional = PatternConditional(precision: precision, p: p, observed: o, missing: m, needsFactor: false) else {
                    throw EMError.singularCovariance(columns: m.map { names[$0] }, iteration: iteration)
                }
                let coefficients = conditional.coefficients  // B, k × nm
                var c = [Double](repeating: 0, count: nm), u = c
                for b in 0..<nm {
                    var cb = mu[m[b]], ub = 0.0
                    for a in 0..<k {
                        cb -= coefficients[a * nm + b] * mu[o[a]]
                        ub += coefficients[a * nm + b] * pattern.sum[a]
                    }
                    c[b] = cb
                    u[b] = ub
                }
                // V = S B (k × nm).
                var v = [Double](repeating: 0, count: k * nm)
                for a in 0..<k {
                    for e in 0..<k {
                        let sae = pattern.squares[a * k + e]
                        if sae == 0 { continue }
                        for b in 0..<nm { v[a * nm + b] += sae * coefficients[e * nm + b] }
                    }
                }
                let weight = pattern.weight
                for b in 0..<nm {
                    t1[m[b]] += weight * c[b] + u[b]
                    for a in 0..<k {
                        let value = pattern.sum[a] * c[b] + v[a * nm + b]
                        t2[o[a] * p + m[b]] += value
                        t2[m[b] * p + o[a]] += value
                    }
                }
                for b1 in 0..<nm {
                    for b2 in 0..<nm {
                        var btv = 0.0  // (Bᵀ V)[b1, b2]
                        for a in 0..<k { btv += coefficients[a * nm + b1] * v[a * nm + b2] }
                        t2[m[b1] * p + m[b2]] += weight * c[b1] * c[b2] + c[b1] * u[b2] + u[b1] * c[b2] + btv
                            + weight * conditional.covariance[b1 * nm + b2]
                    }
                }
            }
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

    /// Imputation m (1-based): weights, weighted EM, draws.
    func imputation(_ m: Int) throws -> Imputation {
        let fit = try weightedEM(weights: weights(imputation: m))
        let (mu, s) = (fit.mean, fit.covariance)
        var values = [Double](repeating: .nan, count: missingOffset[rowCount])
        var redrawn = 0, setToBound = 0
        var row = [Double](repeating: 0, count: p)
        var deviates = [Double](repeating: 0, count: p)
        guard let thetaFactor = try? CholeskyFactorization(s, order: p) else {
            throw EMError.singularCovariance(columns: names, iteration: fit.iterations)
        }
        let precision = thetaFactor.inverse
        for g in layout.patterns.indices where !layout.missing[g].isEmpty {
            let missing = layout.missing[g], nm = missing.count
            guard let conditional = PatternConditional(precision: precision, p: p, observed: layout.observed[g], missing: missing, needsFactor: true),
                  let factor = conditional.covarianceFactor else {
                throw EMError.singularCovariance(columns: missing.map { names[$0] }, iteration: fit.iterations)
            }
            let bounded = missing.contains { bounds[$0] != nil }
            for r in layout.groupStart[g]..<layout.groupStart[g + 1] {
                let i = layout.order[r]
                for j in 0..<p { row[j] = z[i * p + j] }
                conditional.fillMeans(&row, mean: mu)
                var generator = SeededGenerator(seed: Self.key(seed: options.seed, imputation: m, row: i, stream: 1))
                var attempt = 0
                var draw = [Double](repeating: 0, count: nm)
                while true {
                    for a in 0..<nm { deviates[a] = generator.nextNormal() }
                    for a in 0..<nm {
                        var v = row[missing[a]]
                        for b in 0...a { v += factor[a * nm + b] * deviates[b] }
                        draw[a] = v
                    }
                    guard bounded else { break }
                    let outside = (0..<nm).filter { a in
                        guard let bound = bounds[missing[a]] else { return false }
                        return draw[a] < bound.lower || draw[a] > bound.upper
                    }
                    if outside.isEmpty { break }
                    attempt += 1
                    if attempt == 1 { redrawn += nm }
                    if attempt > MultipleImputation.maximumRedraws {
                        for a in outside {
                            let bound = bounds[missing[a]]!
                            draw[a] = min(max(draw[a], bound.lower), bound.upper)
                        }
                        setToBound += outside.count
                        break
                    }
                }
                // The row's missing cells in column order, as the row-major list of missing cells.
                for a in 0..<nm {
                    let j = missing[a]
                    values[missingOffset[i] + a] = center[j] + scale[j] * draw[a]
                }
            }
        }
        let model = try GaussianModel(columnNames: names, mean: (0..<p).map { center[$0] + scale[$0] * mu[$0] }, scale: scale,
                                      standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: s))
        return Imputation(index: m, imputedValues: values, model: model, iterations: fit.iterations,
                          hasConverged: fit.hasConverged, redrawnCells: redrawn, cellsSetToBound: setToBound)
    }
}
