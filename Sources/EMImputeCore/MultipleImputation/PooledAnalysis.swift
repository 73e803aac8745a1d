import Foundation

/// Pooled descriptive statistics and regressions over the M completed matrices, by
/// Rubin's rules: what `emimpute impute --imputations M` reports.
public struct PooledAnalysis: Sendable {
    /// One pooled regression, y ~ x₁ + … + x_k with an intercept.
    public struct Regression: Sendable {
        /// The response column's name.
        public let response: String
        /// The predictors' names, in order.
        public let predictors: [String]
        /// `(Intercept)` and the predictors, each pooled (ν_com = n − k − 1).
        public let terms: [(name: String, estimate: PooledEstimate)]
    }

    /// Per column: the pooled mean (within variance s²/n, ν_com = n − 1).
    public let means: [PooledEstimate]
    /// Per column: the pooled standard deviation (within variance s²/(2(n − 1)), the
    /// large-sample variance of s, ν_com = n − 1).
    public let standardDeviations: [PooledEstimate]
    /// Per pair a < b, row-major: the pooled correlation through Fisher's z (nil when a
    /// completed column is constant).
    public let correlations: [(first: Int, second: Int, estimate: PooledEstimate?)]

    /// Pools the column statistics of `matrices` (M ≥ 2 completed versions of one matrix).
    ///
    /// - Throws: `PoolingError` when fewer than two matrices are given or a statistic is not finite.
    /// - Complexity: O(M·n·p²).
    public init(_ matrices: [Matrix]) throws(PoolingError) {
        guard matrices.count >= 2 else { throw .tooFewImputations(matrices.count) }
        let p = matrices[0].columnCount, n = matrices[0].rowCount
        guard n > 3 else { throw .tooFewRows(n) }
        var meanEstimates = [[Double]](repeating: [], count: p)
        var sdEstimates = [[Double]](repeating: [], count: p)
        var correlationEstimates = [[Double]](repeating: [], count: p * p)
        for x in matrices {
            let mean = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
            var cross = [Double](repeating: 0, count: p * p)
            for i in 0..<n { for a in 0..<p { let da = x[i, a] - mean[a]; for b in a..<p { cross[a * p + b] += da * (x[i, b] - mean[b]) } } }
            for j in 0..<p {
                meanEstimates[j].append(mean[j])
                sdEstimates[j].append((cross[j * p + j] / Double(n - 1)).squareRoot())
            }
            for a in 0..<p { for b in (a + 1)..<max(p, a + 1) {
                correlationEstimates[a * p + b].append(cross[a * p + b] / (cross[a * p + a] * cross[b * p + b]).squareRoot())
            } }
        }
        let dfcom = Double(n - 1)
        means = try (0..<p).map { j throws(PoolingError) in
            try RubinPooling.pool(estimates: meanEstimates[j], variances: sdEstimates[j].map { $0 * $0 / Double(n) },
                                  completeDataDegreesOfFreedom: dfcom)
        }
        standardDeviations = try (0..<p).map { j throws(PoolingError) in
            try RubinPooling.pool(estimates: sdEstimates[j], variances: sdEstimates[j].map { $0 * $0 / (2 * dfcom) },
                                  completeDataDegreesOfFreedom: dfcom)
        }
        var pairs: [(Int, Int, PooledEstimate?)] = []
        for a in 0..<p { for b in (a + 1)..<max(p, a + 1) {
            pairs.append((a, b, try? RubinPooling.poolCorrelation(correlationEstimates[a * p + b], rowCount: n)))
        } }
        correlations = pairs.map { (first: $0.0, second: $0.1, estimate: $0.2) }
    }

    /// Fits y ~ x₁ + … + x_k on each matrix and pools the coefficients.
    ///
    /// - Parameters:
    ///   - matrices: M ≥ 2 completed matrices.
    ///   - columnNames: the names of their columns.
    ///   - response: the column of y; `predictors`: the columns of the x's.
    /// - Throws: `RegressionError` or `PoolingError`.
    public static func regression(_ matrices: [Matrix], columnNames: [String], response: Int, predictors: [Int]) throws -> Regression {
        let fits = try matrices.map { try LinearRegression($0, response: response, predictors: predictors) }
        guard let first = fits.first else { throw PoolingError.tooFewImputations(0) }
        let names = ["(Intercept)"] + predictors.map { columnNames[$0] }
        let terms = try names.indices.map { t in
            (name: names[t], estimate: try RubinPooling.pool(estimates: fits.map { $0.coefficients[t] }, variances: fits.map { $0.variances[t] },
                                                            completeDataDegreesOfFreedom: Double(first.residualDegreesOfFreedom)))
        }
        return Regression(response: columnNames[response], predictors: predictors.map { columnNames[$0] }, terms: terms)
    }
}
