import EMImputeCore
import Foundation

/// Little's MCAR test as the JSON report writes it (`littleTest`).
public struct LittleTestReport: Codable, Sendable {
    /// One pattern's part of d².
    public struct Pattern: Codable, Sendable {
        /// The missing modelled columns.
        public var missing: [String]
        /// Rows with this pattern.
        public var rows: Int
        /// |O_g| (the block's rank when it was pseudo-inverted).
        public var degreesOfFreedom: Int
        /// The pattern's contribution to d².
        public var contribution: Double
        /// Whether Σ̂_gg was singular and pseudo-inverted.
        public var pseudoInverse: Bool
    }

    /// d².
    public var statistic: Double
    /// The statistic's degrees of freedom, Σ_g |O_g| − p.
    public var degreesOfFreedom: Int
    /// null when df ≤ 0 (a single pattern).
    public var pValue: Double?
    /// Patterns with an observed cell, most rows first.
    public var patterns: [Pattern]

    /// The report of `test` over the modelled columns `names`.
    public init(_ test: LittleMCARTest, columnNames names: [String]) {
        statistic = test.statistic
        degreesOfFreedom = test.degreesOfFreedom
        pValue = test.pValue
        patterns = test.patterns.map {
            Pattern(missing: $0.missingColumns.map { names[$0] }, rows: $0.rowCount, degreesOfFreedom: $0.degreesOfFreedom,
                    contribution: $0.contribution, pseudoInverse: $0.usesPseudoInverse)
        }
    }

    /// Encodes every key, a nil p-value as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(statistic, forKey: .statistic)
        try c.encode(degreesOfFreedom, forKey: .degreesOfFreedom)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(patterns, forKey: .patterns)
    }
}

/// Standard errors of μ̂ and Σ̂ from the observed information (`standardErrors`).
public struct StandardErrorReport: Codable, Sendable {
    /// Standard errors of μ̂, per modelled column.
    public var mean: [Double]
    /// Standard errors of Σ̂, p×p.
    public var covariance: [[Double]]
    /// The fraction of missing information of each μ̂ⱼ.
    public var meanFractionMissing: [Double]
    /// The fraction of missing information of each Σ̂ⱼₖ, p×p.
    public var covarianceFractionMissing: [[Double]]

    /// The report of `errors`.
    public init(_ errors: StandardErrors) {
        mean = errors.mean
        covariance = errors.covariance.rows
        meanFractionMissing = errors.meanFractionMissing
        covarianceFractionMissing = errors.covarianceFractionMissing.rows
    }
}

/// One pooled quantity as the report writes it.
public struct PooledReport: Codable, Sendable {
    /// What is pooled: a column name, `a ~ b` for a correlation, or a regression term.
    public var name: String
    /// The pooled estimate (the mean of the M estimates).
    public var estimate: Double
    /// √ of `totalVariance`.
    public var standardError: Double
    /// Ū, the mean of the M within-imputation variances.
    public var withinVariance: Double
    /// B, the variance of the M estimates.
    public var betweenVariance: Double
    /// T = Ū + (1 + 1/M) B.
    public var totalVariance: Double
    /// Complete-data degrees of freedom (null for ∞).
    public var completeDataDegreesOfFreedom: Double?
    /// Barnard–Rubin degrees of freedom.
    public var degreesOfFreedom: Double
    /// mice's `riv`.
    public var relativeIncreaseInVariance: Double
    /// mice's `lambda`.
    public var proportionOfVarianceMissing: Double
    /// mice's `fmi`.
    public var fractionOfMissingInformation: Double
    /// The estimate over its standard error.
    public var tStatistic: Double
    /// The two-sided p-value of `tStatistic` on `degreesOfFreedom`.
    public var pValue: Double
    /// The lower end of the 95% interval.
    public var lower95: Double
    /// The upper end of the 95% interval.
    public var upper95: Double

    /// The report of `pooled`, named `name`.
    public init(name: String, _ pooled: PooledEstimate) {
        self.name = name
        estimate = pooled.estimate
        standardError = pooled.standardError
        withinVariance = pooled.withinVariance
        betweenVariance = pooled.betweenVariance
        totalVariance = pooled.totalVariance
        completeDataDegreesOfFreedom = pooled.completeDataDegreesOfFreedom.isFinite ? pooled.completeDataDegreesOfFreedom : nil
        degreesOfFreedom = pooled.degreesOfFreedom
        relativeIncreaseInVariance = pooled.relativeIncreaseInVariance
        proportionOfVarianceMissing = pooled.proportionOfVarianceMissing
        fractionOfMissingInformation = pooled.fractionOfMissingInformation
        tStatistic = pooled.tStatistic
        pValue = pooled.pValue
        lower95 = pooled.lowerBound95
        upper95 = pooled.upperBound95
    }

    /// Encodes every key, a nil complete-data degrees of freedom as null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(estimate, forKey: .estimate)
        try c.encode(standardError, forKey: .standardError)
        try c.encode(withinVariance, forKey: .withinVariance)
        try c.encode(betweenVariance, forKey: .betweenVariance)
        try c.encode(totalVariance, forKey: .totalVariance)
        try c.encode(completeDataDegreesOfFreedom, forKey: .completeDataDegreesOfFreedom)
        try c.encode(degreesOfFreedom, forKey: .degreesOfFreedom)
        try c.encode(relativeIncreaseInVariance, forKey: .relativeIncreaseInVariance)
        try c.encode(proportionOfVarianceMissing, forKey: .proportionOfVarianceMissing)
        try c.encode(fractionOfMissingInformation, forKey: .fractionOfMissingInformation)
        try c.encode(tStatistic, forKey: .tStatistic)
        try c.encode(pValue, forKey: .pValue)
        try c.encode(lower95, forKey: .lower95)
        try c.encode(upper95, forKey: .upper95)
    }
}

/// The `multipleImputation` section of the report: the draws' diagnostics and the pooled results.
public struct MultipleImputationReport: Codable, Sendable {
    /// One imputation's weighted-EM diagnostics.
    public struct Draw: Codable, Sendable {
        /// m, 1-based.
        public var imputation: Int
        /// Weighted-EM iterations from the warm start.
        public var iterations: Int
        /// Whether the weighted EM converged.
        public var converged: Bool
        /// Cells redrawn because a draw fell outside its bounds.
        public var redrawnCells: Int
        /// Cells set to the nearest bound.
        public var cellsSetToBound: Int
        /// μ̃ₘ, the parameter draw's mean.
        public var mean: [Double]
    }

    /// One pooled regression.
    public struct Regression: Codable, Sendable {
        /// As given, e.g. `Ozone ~ Wind + Temp`.
        public var formula: String
        /// The response column.
        public var response: String
        /// The predictor columns.
        public var predictors: [String]
        /// `(Intercept)`, then the predictors.
        public var terms: [PooledReport]
    }

    /// M.
    public var imputations: Int
    /// The method, in words.
    public var method: String
    /// Whether draws were redrawn until inside each column's observed range (`--bounded-draws`).
    public var boundedDraws: Bool
    /// Each imputation's diagnostics, m = 1 … M.
    public var draws: [Draw]
    /// Standard deviation over the imputations of each column's μ̃ₘ.
    public var meanSpread: [Double]
    /// Each modelled column's pooled mean.
    public var pooledMeans: [PooledReport]
    /// Each modelled column's pooled standard deviation.
    public var pooledStandardDeviations: [PooledReport]
    /// One per pair of modelled columns (`a ~ b`); only pairs whose correlation could be pooled.
    public var pooledCorrelations: [PooledReport]
    /// The pooled regressions, as asked for.
    public var regressions: [Regression]

    /// The section for `result`, pooled as `analysis` and `regressions` (with their formulas).
    public init(_ result: MultipleImputationResult, analysis: PooledAnalysis, regressions: [(formula: String, PooledAnalysis.Regression)],
                boundedDraws: Bool) {
        self.init(imputations: result.imputations, columnNames: result.columnNames, method: nil, analysis: analysis,
                  regressions: regressions, boundedDraws: boundedDraws)
    }

    /// The section for draws under a mixture or a t (`MultipleImputation.impute(_:mixture:)`, `impute(_:t:)`).
    public init(_ result: MultipleImputationDraws, analysis: PooledAnalysis, regressions: [(formula: String, PooledAnalysis.Regression)],
                boundedDraws: Bool) {
        self.init(imputations: result.imputations, columnNames: result.columnNames, method: result.method, analysis: analysis,
                  regressions: regressions, boundedDraws: boundedDraws)
    }

    /// The section for `imputations` (their values are not read: `Imputation.droppingValues()`
    /// will do) drawn as `method` says (nil: the normal model's EMB).
    public init(imputations: [Imputation], columnNames names: [String], method: String?, analysis: PooledAnalysis,
                regressions: [(formula: String, PooledAnalysis.Regression)], boundedDraws: Bool) {
        self.init(draws: imputations.map {
            Draw(imputation: $0.index, iterations: $0.iterations, converged: $0.hasConverged, redrawnCells: $0.redrawnCells,
                 cellsSetToBound: $0.cellsSetToBound, mean: $0.model.mean)
        }, columnNames: names, method: method, analysis: analysis, regressions: regressions, boundedDraws: boundedDraws)
    }

    /// The section for the parameter draws `draws`, whose rows were drawn with `counts` redraws
    /// (one per draw), drawn as `method` says (nil: the normal model's EMB).
    public init(draws: [ImputationDraw], counts: [RowDrawer.Counts], columnNames names: [String], method: String?,
                analysis: PooledAnalysis, regressions: [(formula: String, PooledAnalysis.Regression)], boundedDraws: Bool) {
        self.init(draws: zip(draws, counts).map { draw, counts in
            Draw(imputation: draw.index, iterations: draw.iterations, converged: draw.hasConverged, redrawnCells: counts.redrawn,
                 cellsSetToBound: counts.setToBound, mean: draw.model.mean)
        }, columnNames: names, method: method, analysis: analysis, regressions: regressions, boundedDraws: boundedDraws)
    }

    private init(draws: [Draw], columnNames names: [String], method: String?, analysis: PooledAnalysis,
                 regressions: [(formula: String, PooledAnalysis.Regression)], boundedDraws: Bool) {
        let meanSpread = names.indices.map { j in
            let values = draws.map { $0.mean[j] }
            let average = values.reduce(0, +) / Double(values.count)
            return (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count - 1)).squareRoot()
        }
        let method = method ?? "EM with Bayesian-bootstrap row weights (Amelia's EMB), warm-started at the full-data estimate; each row's missing cells drawn from their conditional normal distribution"
        imputations = draws.count
        self.method = method
        self.boundedDraws = boundedDraws
        self.draws = draws
        self.meanSpread = meanSpread
        pooledMeans = zip(names, analysis.means).map { PooledReport(name: $0, $1) }
        pooledStandardDeviations = zip(names, analysis.standardDeviations).map { PooledReport(name: $0, $1) }
        pooledCorrelations = analysis.correlations.compactMap { pair in
            pair.estimate.map { PooledReport(name: "\(names[pair.first]) ~ \(names[pair.second])", $0) }
        }
        self.regressions = regressions.map { formula, r in
            Regression(formula: formula, response: r.response, predictors: r.predictors,
                       terms: r.terms.map { PooledReport(name: $0.name, $0.estimate) })
        }
    }
}

extension LittleTestReport {
    /// The test in one sentence, as the text summary and the HTML report give it.
    package var sentence: String {
        guard let p = pValue else {
            return "Little's MCAR test: not applicable (a single missingness pattern)"
        }
        return "Little's MCAR test: d² = \(NumberText.fixed(statistic, 3)), df = \(degreesOfFreedom), p \(NumberText.pValue(p))\(p < 0.05 ? " (evidence at the 5% level that the cells are not missing completely at random)" : "")"
    }
}
