/// The count, means and centred cross products of complete rows, accumulated one row at a
/// time (Welford's update, in the order the rows come): what the summaries and the linear
/// regressions of a completed data set need, so a completed data set can be analysed as it
/// streams past, without being held.
///
/// For each row x: n ← n + 1, d = x − x̄, x̄ ← x̄ + d/n, C ← C + d (x − x̄)ᵀ; then C = Σ (xᵢ − x̄)(xᵢ − x̄)ᵀ.
///
/// ```swift
/// var moments = CompletedDataMoments(columnCount: 3)
/// for row in completedRows { moments.add(row) }
/// let summary = CompletedDataSummary(moments)
/// let fit = try LinearRegression(moments, response: 0, predictors: [1, 2])
/// ```
public struct CompletedDataMoments: Sendable {
    /// p.
    public let columnCount: Int
    /// n.
    public private(set) var rowCount = 0
    /// x̄.
    public private(set) var means: [Double]
    /// C, p×p row-major (symmetric).
    public private(set) var crossProducts: [Double]
    private var deviation: [Double]

    /// No rows yet, over `columnCount` columns.
    public init(columnCount: Int) {
        self.columnCount = columnCount
        means = [Double](repeating: 0, count: columnCount)
        crossProducts = [Double](repeating: 0, count: columnCount * columnCount)
        deviation = means
    }

    /// Adds one complete row (`columnCount` values).
    /// - Complexity: O(p²).
    public mutating func add(_ row: [Double]) {
        precondition(row.count == columnCount, "one value per column")
        let p = columnCount
        rowCount += 1
        let n = Double(rowCount)
        // The same operations in the same order as the plain loops, on pointers: no bounds
        // checks or uniqueness checks per element (the sums are bit for bit the same).
        row.withUnsafeBufferPointer { x in
            means.withUnsafeMutableBufferPointer { mean in
                deviation.withUnsafeMutableBufferPointer { d in
                    for a in 0..<p {
                        d[a] = x[a] - mean[a]
                        mean[a] += d[a] / n
                    }
                    crossProducts.withUnsafeMutableBufferPointer { c in
                        for a in 0..<p {
                            let after = x[a] - mean[a]
                            for b in a..<p { c[b * p + a] += d[b] * after }
                        }
                    }
                }
            }
        }
        // Only the lower triangle is updated per row; `symmetric` fills the rest when read.
    }

    /// C with both triangles filled.
    var symmetricCrossProducts: [Double] {
        let p = columnCount
        var c = crossProducts
        for a in 0..<p { for b in (a + 1)..<max(p, a + 1) { c[a * p + b] = c[b * p + a] } }
        return c
    }
}

extension CompletedDataSummary {
    /// The summary of the rows `moments` accumulated.
    public init(_ moments: CompletedDataMoments) {
        let p = moments.columnCount, n = moments.rowCount
        let cross = moments.symmetricCrossProducts
        var correlations = [Double](repeating: 1, count: p * p)
        for a in 0..<p { for b in (a + 1)..<max(p, a + 1) {
            let r = cross[a * p + b] / (cross[a * p + a] * cross[b * p + b]).squareRoot()
            correlations[a * p + b] = r
            correlations[b * p + a] = r
        } }
        self.init(rowCount: n, means: moments.means,
                  standardDeviations: (0..<p).map { (cross[$0 * p + $0] / Double(max(n - 1, 1))).squareRoot() },
                  correlations: correlations)
    }
}

extension LinearRegression {
    /// The least-squares fit of y = column `response` on an intercept and `predictors`, from
    /// the moments of the rows: on the centred cross products, β = C_xx⁻¹ C_xy, the intercept
    /// ȳ − β·x̄, σ² = (C_yy − β·C_xy)/(n − k), Var β = σ² C_xx⁻¹ and Var of the intercept
    /// σ² (1/n + x̄ᵀ C_xx⁻¹ x̄). Centring keeps the system as well conditioned as the QR of
    /// the centred design.
    ///
    /// - Throws: as `init(_:response:predictors:)`; `.rankDeficient` when C_xx is not
    ///   numerically positive definite.
    public init(_ moments: CompletedDataMoments, response: Int, predictors: [Int]) throws(RegressionError) {
        let p = moments.columnCount, n = moments.rowCount, q = predictors.count, k = q + 1
        let columns = [response] + predictors
        guard columns.allSatisfy({ (0..<p).contains($0) }) else { throw .columnOutOfRange }
        guard Set(columns).count == columns.count else { throw .repeatedColumn }
        guard n > k else { throw .tooFewRows(rows: n, coefficients: k) }
        let cross = moments.symmetricCrossProducts, mean = moments.means
        guard columns.allSatisfy({ mean[$0].isFinite && cross[$0 * p + $0].isFinite }) else { throw .nonFiniteValue }
        var cxx = [Double](repeating: 0, count: q * q), cxy = [Double](repeating: 0, count: q)
        for (a, i) in predictors.enumerated() {
            cxy[a] = cross[i * p + response]
            for (b, j) in predictors.enumerated() { cxx[a * q + b] = cross[i * p + j] }
        }
        var inverse: [Double] = []
        if q > 0 {
            // A predictor whose centred norm vanishes next to its size is collinear with the intercept.
            for (a, i) in predictors.enumerated() {
                let size = max(abs(mean[i]), cxx[a * q + a].squareRoot() / Double(n).squareRoot(), .leastNormalMagnitude)
                guard cxx[a * q + a].squareRoot() > 1e-12 * Double(n).squareRoot() * size else { throw .rankDeficient }
            }
            guard let factor = try? CholeskyFactorization(cxx, order: q), factor.lower.allSatisfy(\.isFinite) else { throw .rankDeficient }
            // Relative pivots: a predictor (nearly) a combination of the others.
            for a in 0..<q where factor.lower[a * q + a] <= 1e-12 * cxx[a * q + a].squareRoot() { throw .rankDeficient }
            inverse = factor.inverse
        }
        var beta = [Double](repeating: 0, count: k)
        for a in 0..<q {
            var s = 0.0
            for b in 0..<q { s += inverse[a * q + b] * cxy[b] }
            beta[a + 1] = s
        }
        var intercept = mean[response]
        for a in 0..<q { intercept -= beta[a + 1] * mean[predictors[a]] }
        beta[0] = intercept
        var rss = cross[response * p + response]
        for a in 0..<q { rss -= beta[a + 1] * cxy[a] }
        let sigma2 = max(rss, 0) / Double(n - k)
        var variances = [Double](repeating: 0, count: k)
        var quadratic = 0.0
        for a in 0..<q {
            variances[a + 1] = sigma2 * inverse[a * q + a]
            for b in 0..<q { quadratic += mean[predictors[a]] * inverse[a * q + b] * mean[predictors[b]] }
        }
        variances[0] = sigma2 * (1 / Double(n) + quadratic)
        self.init(coefficients: beta, variances: variances, residualDegreesOfFreedom: n - k)
    }
}
