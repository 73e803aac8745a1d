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
        try self.init(summaries: matrices.map(CompletedDataSummary.init))
    }

    /// Pools M ≥ 2 summaries of completed versions of one matrix (so that the matrices need
    /// not be held at once).
    ///
    /// - Throws: `PoolingError` when fewer than two are given, they have fewer than 4 rows,
    ///   or a statistic is not finite.
    public init(summaries: [CompletedDataSummary]) throws(PoolingError) {
        guard summaries.count >= 2 else { throw .tooFewImputations(summaries.count) }
        let p = summaries[0].means.count, n = summaries[0].rowCount
        guard n > 3 else { throw .tooFewRows(n) }
        let dfcom = Double(n - 1)
        means = try (0..<p).map { j throws(PoolingError) in
            try RubinPooling.pool(estimates: summaries.map { $0.means[j] },
                                  variances: summaries.map { $0.standardDeviations[j] * $0.standardDeviations[j] / Double(n) },
                                  completeDataDegreesOfFreedom: dfcom)
        }
        standardDeviations = try (0..<p).map { j throws(PoolingError) in
            try RubinPooling.pool(estimates: summaries.map { $0.standardDeviations[j] },
                                  variances: summaries.map { $0.standardDeviations[j] * $0.standardDeviations[j] / (2 * dfcom) },
                                  completeDataDegreesOfFreedom: dfcom)
        }
        var pairs: [(first: Int, second: Int, estimate: PooledEstimate?)] = []
        for a in 0..<p { for b in (a + 1)..<max(p, a + 1) {
            pairs.append((a, b, try? RubinPooling.poolCorrelation(summaries.map { $0.correlations[a * p + b] }, rowCount: n)))
        } }
        correlations = pairs
    }

    /// Fits y ~ x₁ + … + x_k on each matrix and pools the coefficients.
    ///
    /// - Parameters:
    ///   - matrices: M ≥ 2 completed matrices.
    ///   - columnNames: the names of their columns.
    ///   - response: the column of y; `predictors`: the columns of the x's.
    /// - Throws: `RegressionError` or `PoolingError`.
    public static func regression(_ matrices: [Matrix], columnNames: [String], response: Int, predictors: [Int]) throws -> Regression {
        try regression(fits: matrices.map { try LinearRegression($0, response: response, predictors: predictors) },
                       columnNames: columnNames, response: response, predictors: predictors)
    }

    /// Pools regressions already fitted on each completed matrix (in imputation order).
    ///
    /// - Throws: `PoolingError`.
    public static func regression(fits: [LinearRegression], columnNames: [String], response: Int, predictors: [Int]) throws -> Regression {
        guard let first = fits.first else { throw PoolingError.tooFewImputations(0) }
        let names = ["(Intercept)"] + predictors.map { columnNames[$0] }
        let terms = try names.indices.map { t in
            (name: names[t], estimate: try RubinPooling.pool(estimates: fits.map { $0.coefficients[t] }, variances: fits.map { $0.variances[t] },
                                                            completeDataDegreesOfFreedom: Double(first.residualDegreesOfFreedom)))
        }
        return Regression(response: columnNames[response], predictors: predictors.map { columnNames[$0] }, terms: terms)
    }
}

/// What `PooledAnalysis` needs of one completed matrix: each column's mean and standard
/// deviation (divisor n − 1) and the correlations.
public struct CompletedDataSummary: Sendable {
    /// n.
    public let rowCount: Int
    /// Column means.
    public let means: [Double]
    /// Column standard deviations, divisor n − 1.
    public let standardDeviations: [Double]
    /// Correlations, p×p row-major (NaN where a column is constant).
    public let correlations: [Double]

    /// A summary from its parts.
    init(rowCount: Int, means: [Double], standardDeviations: [Double], correlations: [Double]) {
        self.rowCount = rowCount
        self.means = means
        self.standardDeviations = standardDeviations
        self.correlations = correlations
    }

    /// Summarises `matrix` (complete).
    /// - Complexity: O(n·p²).
    public init(_ x: Matrix) {
        let p = x.columnCount
        self.init(rowCount: x.rowCount, columnCount: p) { start, count, block in
            x.storage.withUnsafeBufferPointer { v in block.update(from: v.baseAddress! + start * p, count: count * p) }
        }
    }

    /// Summarises `data` completed by `imputedCells` (as `Imputation.imputedCells`) without
    /// building the completed matrix.
    /// - Throws: as `ImputedCells.completing(_:)`, when the cells are not exactly the
    ///   missing cells of `data`.
    /// - Complexity: O(n·p²), O(p) memory beyond a block of rows.
    public init(_ data: IncompleteMatrix, imputedCells: ImputedCells) throws(DataError) {
        try imputedCells.checkFills(data)
        let p = data.columnCount
        var k = 0
        self.init(rowCount: data.rowCount, columnCount: p) { start, count, block in
            if start == 0 { k = 0 }  // each pass starts again
            data.values.withUnsafeBufferPointer { v in block.update(from: v.baseAddress! + start * p, count: count * p) }
            k = imputedCells.write(offsets: start * p, count: count * p, into: block, from: k)
        }
    }

    /// The summary of n rows that `fill(start, count, block)` writes a block at a time
    /// (row-major), asked for twice in order: for the means, then for the centred cross products.
    private init(rowCount n: Int, columnCount p: Int, fill: (Int, Int, UnsafeMutablePointer<Double>) -> Void) {
        var mean = [Double](repeating: 0, count: p)
        var cross = [Double](repeating: 0, count: p * p)
        let blockRows = 512
        let block = UnsafeMutablePointer<Double>.allocate(capacity: blockRows * max(p, 1))
        defer { block.deallocate() }
        var start = 0
        while start < n {
            let rows = min(blockRows, n - start)
            fill(start, rows, block)
            for r in 0..<rows { for a in 0..<p { mean[a] += block[r * p + a] } }
            start += rows
        }
        for a in 0..<p { mean[a] /= Double(max(n, 1)) }
        // The centred rows, a block at a time, into one dsyrk each (upper triangle).
        cross.withUnsafeMutableBufferPointer { c in
            var start = 0
            while start < n {
                let rows = min(blockRows, n - start)
                fill(start, rows, block)
                for r in 0..<rows { for a in 0..<p { block[r * p + a] -= mean[a] } }
                BLAS.addGram(of: block, rows: rows, columns: p, into: c.baseAddress!)
                start += rows
            }
        }
        var correlations = [Double](repeating: 1, count: p * p)
        for a in 0..<p { for b in (a + 1)..<max(p, a + 1) {
            let r = cross[a * p + b] / (cross[a * p + a] * cross[b * p + b]).squareRoot()
            correlations[a * p + b] = r
            correlations[b * p + a] = r
        } }
        rowCount = n
        means = mean
        standardDeviations = (0..<p).map { (cross[$0 * p + $0] / Double(max(n - 1, 1))).squareRoot() }
        self.correlations = correlations
    }
}
