import Foundation

/// Little's (1988) test of the hypothesis that the data are missing completely at random,
/// at the maximum-likelihood estimates:
///
///   d² = Σ_g n_g (ȳ_g − μ̂_g)ᵀ Σ̂_gg⁻¹ (ȳ_g − μ̂_g),   df = Σ_g |O_g| − p,
///
/// over the missingness patterns g with an observed column, where ȳ_g is the mean of the
/// pattern's observed cells, μ̂_g and Σ̂_gg the ML mean and covariance (divisor n) of its
/// observed columns O_g. Under MCAR d² is asymptotically χ²(df).
///
/// ```swift
/// let fit = try GaussianEM().fit(data)
/// let test = try LittleMCARTest(data, model: fit.model)
/// test.statistic, test.degreesOfFreedom, test.pValue
/// ```
///
/// A block Σ̂_gg that Cholesky rejects (near-singular Σ̂) is inverted by the pseudo-inverse,
/// and the pattern then adds its rank, not |O_g|, to df; `patterns` says which.
public struct LittleMCARTest: Sendable, Equatable, Codable {
    /// One pattern's part of d².
    public struct PatternContribution: Sendable, Equatable, Codable {
        /// The pattern's missing columns (indices into the model's columns).
        public let missingColumns: [Int]
        /// n_g.
        public let rowCount: Int
        /// |O_g|, or the block's rank when the pseudo-inverse was used.
        public let degreesOfFreedom: Int
        /// n_g (ȳ_g − μ̂_g)ᵀ Σ̂_gg⁻¹ (ȳ_g − μ̂_g).
        public let contribution: Double
        /// Whether Σ̂_gg was inverted by its pseudo-inverse.
        public let usesPseudoInverse: Bool
    }

    /// d².
    public let statistic: Double
    /// Σ_g |O_g| − p (ranks for pseudo-inverted blocks).
    public let degreesOfFreedom: Int
    /// P(χ²_df ≥ d²); nil when df ≤ 0 (a single pattern: nothing to compare).
    public let pValue: Double?
    /// Every pattern with an observed column, most rows first.
    public let patterns: [PatternContribution]

    /// Computes the test for `data` at `model`'s estimates (which should be the ML fit of `data`).
    ///
    /// - Throws: `DataError` when `data`'s columns are not the model's (matched as in
    ///   `GaussianModel.completed(_:)`).
    /// - Complexity: O(n·p + Σ_g |O_g|³).
    public init(_ data: IncompleteMatrix, model: GaussianModel) throws(DataError) {
        self.init(try CentredPatternSums(data, model: model), model: model)
    }

    /// Computes the test from per-pattern statistics of the model's columns, without the
    /// rows: the same test as `init(_:model:)` on the rows they summarise (to rounding).
    ///
    /// - Throws: `DataError.columnsDiffer` when the statistics are not of the model's columns.
    /// - Complexity: O(Σ_g |O_g|³).
    public init(_ statistics: PatternStatistics, model: GaussianModel) throws(DataError) {
        self.init(try CentredPatternSums(statistics, model: model), model: model)
    }

    private init(_ sums: CentredPatternSums, model: GaussianModel) {
        let p = model.dimension
        let s = model.standardizedCovariance.storage
        var total = 0.0, df = 0
        var patterns: [PatternContribution] = []
        sums.forEach(needsSquares: false) { g in
            let o = g.observed, k = o.count
            let ng = Double(g.count)
            let ybar = g.sum.map { $0 / ng }  // − μ̂ = 0 on this scale
            var block = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k { block[a * k + b] = s[o[a] * p + o[b]] } }
            var quadratic = 0.0, rank = k, pseudo = false
            if let factor = try? CholeskyFactorization(block, order: k) {
                var x = ybar
                factor.solve(&x)
                for a in 0..<k { quadratic += ybar[a] * x[a] }
            } else {
                let (inverse, r) = SymmetricEigen(block, order: k).pseudoInverse()
                rank = r
                pseudo = true
                for a in 0..<k { for b in 0..<k { quadratic += ybar[a] * inverse[a * k + b] * ybar[b] } }
            }
            let contribution = ng * quadratic
            total += contribution
            df += rank
            patterns.append(PatternContribution(missingColumns: g.missing, rowCount: g.count,
                                                degreesOfFreedom: rank, contribution: contribution, usesPseudoInverse: pseudo))
        }
        df -= p
        statistic = total
        degreesOfFreedom = df
        pValue = df > 0 ? Distributions.chiSquareSurvival(total, degreesOfFreedom: Double(df)) : nil
        self.patterns = patterns.sorted { $0.rowCount != $1.rowCount ? $0.rowCount > $1.rowCount : $0.missingColumns.lexicographicallyPrecedes($1.missingColumns) }
    }
}
