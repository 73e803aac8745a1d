/// Starting values for the mixture EM that need no complete row.
enum MixtureStart {
    /// K = 1: the default start of `GaussianEM` (available-case means and variances: μ = 0,
    /// Σ = I on the standardised scale), so that K = 1 retraces the Gaussian engine.
    static func single(columnCount p: Int) -> MixtureParameters {
        MixtureParameters(weights: [1], means: [[Double](repeating: 0, count: p)],
                          covariances: [Matrix.identity(p).storage])
    }

    /// k-means++ on the observed cells, then a few Lloyd steps, then one normal per cluster.
    ///
    /// The distance of row i (observed columns oᵢ) to a centre c is the partial distance
    /// (p / |oᵢ|) Σ_{j∈oᵢ} (xᵢⱼ − cⱼ)², so rows with missing cells take part. Centres are
    /// complete vectors: a sampled row's missing cells are set to the column mean (0 on the
    /// standardised scale). The first centre is a uniformly drawn row, each further one a
    /// row drawn with probability proportional to its distance to the nearest centre. The
    /// components start at the clusters' available-case means and variances (diagonal Σ,
    /// variances at least 0.01; a column with fewer than two observed cells in a cluster
    /// takes the pooled within-cluster variance), with weights proportional to the cluster
    /// sizes (plus ½, so none is zero).
    static func kMeansPlusPlus(_ data: PreparedData, components kCount: Int, using g: inout SeededGenerator) -> MixtureParameters {
        let n = data.rowCount, p = data.p
        let x = data.standardized.values
        func distance(_ i: Int, _ c: [Double]) -> Double {
            var s = 0.0, o = 0
            for j in 0..<p {
                let v = x[i * p + j]
                if !v.isNaN { s += (v - c[j]) * (v - c[j]); o += 1 }
            }
            return o == 0 ? 0 : s * Double(p) / Double(o)
        }
        func uniform() -> Double { Double(g.next() >> 11) / 9_007_199_254_740_992.0 }
        func rowAsCentre(_ i: Int) -> [Double] { (0..<p).map { x[i * p + $0].isNaN ? 0 : x[i * p + $0] } }

        var centres = [rowAsCentre(min(n - 1, Int(uniform() * Double(n))))]
        var nearest = (0..<n).map { distance($0, centres[0]) }
        while centres.count < kCount {
            let total = nearest.reduce(0, +)
            var chosen = min(n - 1, Int(uniform() * Double(n)))
            if total > 0 {
                let target = uniform() * total
                var cumulative = 0.0
                chosen = n - 1
                for i in 0..<n {
                    cumulative += nearest[i]
                    if cumulative > target { chosen = i; break }
                }
            }
            centres.append(rowAsCentre(chosen))
            for i in 0..<n { nearest[i] = min(nearest[i], distance(i, centres.last!)) }
        }

        var assignment = [Int](repeating: 0, count: n)
        func assign() {
            for i in 0..<n {
                var best = 0, bestDistance = Double.infinity
                for k in 0..<kCount {
                    let d = distance(i, centres[k])
                    if d < bestDistance { best = k; bestDistance = d }
                }
                assignment[i] = best
            }
        }
        for _ in 0..<5 {
            assign()
            var sums = [[Double]](repeating: [Double](repeating: 0, count: p), count: kCount)
            var counts = [[Int]](repeating: [Int](repeating: 0, count: p), count: kCount)
            for i in 0..<n {
                for j in 0..<p where !x[i * p + j].isNaN { sums[assignment[i]][j] += x[i * p + j]; counts[assignment[i]][j] += 1 }
            }
            for k in 0..<kCount { for j in 0..<p where counts[k][j] > 0 { centres[k][j] = sums[k][j] / Double(counts[k][j]) } }
        }
        assign()

        var squares = [[Double]](repeating: [Double](repeating: 0, count: p), count: kCount)
        var counts = [[Int]](repeating: [Int](repeating: 0, count: p), count: kCount)
        var sizes = [Double](repeating: 0.5, count: kCount)
        for i in 0..<n {
            let k = assignment[i]
            sizes[k] += 1
            for j in 0..<p where !x[i * p + j].isNaN {
                let d = x[i * p + j] - centres[k][j]
                squares[k][j] += d * d
                counts[k][j] += 1
            }
        }
        let pooled = (0..<p).map { j -> Double in
            let c = (0..<kCount).reduce(0) { $0 + counts[$1][j] }
            return c > 0 ? (0..<kCount).reduce(0.0) { $0 + squares[$1][j] } / Double(c) : 1
        }
        let totalSize = sizes.reduce(0, +)
        var covariances: [[Double]] = []
        for k in 0..<kCount {
            var sigma = [Double](repeating: 0, count: p * p)
            for j in 0..<p {
                let v = counts[k][j] >= 2 ? squares[k][j] / Double(counts[k][j]) : pooled[j]
                sigma[j * p + j] = max(v, 0.01)
            }
            covariances.append(sigma)
        }
        return MixtureParameters(weights: sizes.map { $0 / totalSize }, means: centres, covariances: covariances)
    }
}
