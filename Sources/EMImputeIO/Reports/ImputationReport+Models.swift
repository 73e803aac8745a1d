import EMImputeCore
import Foundation

/// The `model` section of the report: which model was fitted and what only that kind has.
/// Every key is always present; the section of the other kind is `null`.
public struct ModelReport: Codable, Sendable {
    /// Which model was fitted (`gaussian`, `mixture` or `t` in the JSON).
    public var kind: ModelKind
    /// The mixture's parameters and diagnostics (kind `mixture`).
    public var mixture: MixtureReport?
    /// The t's parameters and diagnostics (kind `t`).
    public var t: TReport?

    /// Encodes every key, a nil value as `null` (so that every key is always present).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(mixture, forKey: .mixture)
        try c.encode(t, forKey: .t)
    }
}

/// A mixture fit in the report.
public struct MixtureReport: Codable, Sendable {
    /// K.
    public var components: Int
    /// πₖ.
    public var weights: [Double]
    /// Σᵢ rᵢₖ: each component's expected number of rows.
    public var componentSizes: [Double]
    /// μₖ, in the order of the report's `columns`.
    public var means: [[Double]]
    /// Σₖ (divisor Nₖ).
    public var covariances: [[[Double]]]
    /// K − 1 + K·p + K·p(p+1)/2.
    public var parameterCount: Int
    /// −2ℓ + parameterCount · log(rowsUsed).
    public var bayesianInformationCriterion: Double
    /// The covariance floor (standardised scale).
    public var covarianceFloor: Double
    /// Every start's final log-likelihood.
    public var starts: [MixtureStartOutcome]
    /// Starts that reached the best log-likelihood (within 1e-6 relative).
    public var startsReachingBest: Int
    /// 1-based components with less than one row's worth of responsibility.
    public var emptyComponents: [Int]
    /// 1-based components the covariance floor acted on.
    public var flooredComponents: [Int]
    /// With `--components auto`: K, log-likelihood, parameters and BIC of every K tried; null otherwise.
    public var selection: [ComponentCountFit]?

    /// Encodes every key, a nil value as `null` (so that every key is always present).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(components, forKey: .components)
        try c.encode(weights, forKey: .weights)
        try c.encode(componentSizes, forKey: .componentSizes)
        try c.encode(means, forKey: .means)
        try c.encode(covariances, forKey: .covariances)
        try c.encode(parameterCount, forKey: .parameterCount)
        try c.encode(bayesianInformationCriterion, forKey: .bayesianInformationCriterion)
        try c.encode(covarianceFloor, forKey: .covarianceFloor)
        try c.encode(starts, forKey: .starts)
        try c.encode(startsReachingBest, forKey: .startsReachingBest)
        try c.encode(emptyComponents, forKey: .emptyComponents)
        try c.encode(flooredComponents, forKey: .flooredComponents)
        try c.encode(selection, forKey: .selection)
    }
}

/// A multivariate-t fit in the report.
public struct TReport: Codable, Sendable {
    /// A weight quantile.
    public struct Quantile: Codable, Sendable {
        /// The probability (0 is the smallest weight, 1 the largest).
        public var probability: Double
        /// The weight.
        public var weight: Double
    }
    /// A row weighted down.
    public struct Row: Codable, Sendable {
        /// 1-based data row.
        public var row: Int
        /// wᵢ = (ν + oᵢ)/(ν + δᵢ²).
        public var weight: Double
        /// δᵢ².
        public var squaredDistance: Double
        /// oᵢ.
        public var observedCells: Int
    }
    /// A bin of the weights' histogram: the rows with lower ≤ w < upper (the last bin
    /// includes its upper end).
    public struct Bin: Codable, Sendable, Equatable {
        /// The bin's lower end.
        public var lower: Double
        /// The bin's upper end.
        public var upper: Double
        /// Rows whose weight falls in the bin.
        public var rows: Int
    }
    /// ν; +∞ for the normal (`--df inf`), which the JSON writes as `null` with
    /// `degreesOfFreedomIsInfinite` true (JSON has no infinity).
    public var degreesOfFreedom: Double
    /// Whether ν = +∞.
    public var degreesOfFreedomIsInfinite: Bool { degreesOfFreedom == .infinity }
    /// Whether ν was estimated (false: fixed by `--df`).
    public var degreesOfFreedomEstimated: Bool
    /// Whether the estimate is a bound of the search range (0.1…10000).
    public var degreesOfFreedomAtBound: Bool
    /// The rows' weights at probabilities 0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75 and 1.
    public var weightQuantiles: [Quantile]
    /// The rows' weights in `weightHistogramBins` equal bins from 0 to max(1, largest weight).
    public var weightHistogram: [Bin]
    /// The mean weight the model expects, E[wᵢ] = E[E[τᵢ | x_o]] = E[τᵢ] = 1 for every ν:
    /// a histogram whose mass sits well below it shows rows the model treats as outliers.
    public var expectedWeight: Double
    /// The rows with the smallest weights (likely outliers), smallest first, at most 10.
    public var mostDownweightedRows: [Row]

    /// Bins of `weightHistogram`.
    public static let weightHistogramBins = 25

    /// The report section of a t fit whose rows have the weights `weights` (NaN for rows
    /// that did not enter the fit, which are left out).
    init(degreesOfFreedom: Double, degreesOfFreedomEstimated: Bool, degreesOfFreedomAtBound: Bool, weights rowWeights: [Double],
         mostDownweightedRows: [Row]) {
        let weights = rowWeights.filter { !$0.isNaN }.sorted()
        self.degreesOfFreedom = degreesOfFreedom
        self.degreesOfFreedomEstimated = degreesOfFreedomEstimated
        self.degreesOfFreedomAtBound = degreesOfFreedomAtBound
        weightQuantiles = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1].map { q in
            Quantile(probability: q, weight: weights.isEmpty ? .nan : weights[Int((q * Double(weights.count - 1)).rounded())])
        }
        let bins = Self.weightHistogramBins
        let top = max(1, weights.last ?? 1)
        var counts = [Int](repeating: 0, count: bins)
        for w in weights { counts[min(bins - 1, max(0, Int(w / top * Double(bins))))] += 1 }
        weightHistogram = (0..<bins).map { Bin(lower: top * Double($0) / Double(bins), upper: top * Double($0 + 1) / Double(bins), rows: counts[$0]) }
        expectedWeight = 1
        self.mostDownweightedRows = mostDownweightedRows
    }

    enum CodingKeys: String, CodingKey {
        case degreesOfFreedom, degreesOfFreedomIsInfinite, degreesOfFreedomEstimated, degreesOfFreedomAtBound, weightQuantiles,
             weightHistogram, expectedWeight, mostDownweightedRows
    }

    /// Writes every key; ν = +∞ as `degreesOfFreedom: null` with `degreesOfFreedomIsInfinite: true`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(degreesOfFreedomIsInfinite ? nil : degreesOfFreedom, forKey: .degreesOfFreedom)
        try c.encode(degreesOfFreedomIsInfinite, forKey: .degreesOfFreedomIsInfinite)
        try c.encode(degreesOfFreedomEstimated, forKey: .degreesOfFreedomEstimated)
        try c.encode(degreesOfFreedomAtBound, forKey: .degreesOfFreedomAtBound)
        try c.encode(weightQuantiles, forKey: .weightQuantiles)
        try c.encode(weightHistogram, forKey: .weightHistogram)
        try c.encode(expectedWeight, forKey: .expectedWeight)
        try c.encode(mostDownweightedRows, forKey: .mostDownweightedRows)
    }

    /// Reads what `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let infinite = try c.decode(Bool.self, forKey: .degreesOfFreedomIsInfinite)
        degreesOfFreedom = infinite ? .infinity : try c.decode(Double.self, forKey: .degreesOfFreedom)
        degreesOfFreedomEstimated = try c.decode(Bool.self, forKey: .degreesOfFreedomEstimated)
        degreesOfFreedomAtBound = try c.decode(Bool.self, forKey: .degreesOfFreedomAtBound)
        weightQuantiles = try c.decode([Quantile].self, forKey: .weightQuantiles)
        weightHistogram = try c.decode([Bin].self, forKey: .weightHistogram)
        expectedWeight = try c.decode(Double.self, forKey: .expectedWeight)
        mostDownweightedRows = try c.decode([Row].self, forKey: .mostDownweightedRows)
    }
}

extension GaussianMixtureModel {
    /// The single normal with the mixture's mean Σ πₖ μₖ and covariance Σ πₖ (Σₖ + (μₖ − μ)(μₖ − μ)ᵀ).
    func momentMatchedNormal() throws -> GaussianModel {
        let p = dimension, mu = mean
        var total = Matrix(rowCount: p, columnCount: p)
        for (w, c) in zip(weights, components) {
            let sigma = c.covariance
            for i in 0..<p { for j in 0...i { total[i, j] += w * (sigma[i, j] + (c.mean[i] - mu[i]) * (c.mean[j] - mu[j])) } }
        }
        for i in 0..<p { for j in 0..<i { total[j, i] = total[i, j] } }
        return try GaussianModel(columnNames: columnNames, mean: mu, covariance: total)
    }
}

/// What the report needs from a fit of any kind.
package struct FitFacts {
    struct Settings {
        var tolerance: Double
        var maxIterations: Int
        var criterion: String
        var ridge: Double
        var starts: Int
        var seed: UInt64
        var acceleration: String
    }
    var options: Settings
    /// The normal the column estimates, `mean` and `covariance` describe.
    var model: GaussianModel
    var patternGroups: [PatternGroup]
    var logLikelihood: Double
    var objective: Double
    var iterations: Int
    var expectationSteps: Int
    var hasConverged: Bool
    var stopReason: StopReason
    var isMonotone: Bool
    var history: ConvergenceHistory
    var rateOfConvergence: Double?
    var starts: [StartOutcome]
    var startsAgree: Bool?
    var rowsUsed: Int
    var rowsWithNothingObserved: Int
    var warnings: [EMWarning]
    var report: ModelReport

    package init(_ r: EMResult) {
        options = Settings(
            tolerance: r.options.tolerance, maxIterations: r.options.maxIterations,
            criterion: "largest absolute change of any entry of the mean vector or covariance matrix between iterations, on the standardised scale, below tolerance, and the objective rising by at most tolerance × max(1, |objective|) in that iteration",
            ridge: r.options.ridge, starts: r.options.starts, seed: r.options.seed, acceleration: r.options.acceleration.rawValue)
        model = r.model
        patternGroups = r.patternGroups
        logLikelihood = r.logLikelihood
        objective = r.objective
        iterations = r.iterations
        expectationSteps = r.expectationSteps
        hasConverged = r.hasConverged
        stopReason = r.stopReason
        isMonotone = r.isMonotone
        history = r.history
        rateOfConvergence = r.largestFractionOfMissingInformation
        starts = r.starts
        startsAgree = r.startsAgree
        rowsUsed = r.rowsUsed
        rowsWithNothingObserved = r.rowsWithNothingObserved
        warnings = r.warnings
        report = ModelReport(kind: .gaussian)
    }

    init(_ groups: [PatternGroup], mixture r: GaussianMixtureResult, selection: [ComponentCountFit]?) throws {
        let mixture = MixtureReport(
            components: r.model.componentCount, weights: r.model.weights, componentSizes: r.componentSizes,
            means: r.model.components.map(\.mean), covariances: r.model.components.map { $0.covariance.rows },
            parameterCount: r.parameterCount, bayesianInformationCriterion: r.bayesianInformationCriterion,
            covarianceFloor: r.options.covarianceFloor, starts: r.starts, startsReachingBest: r.startsReachingBest,
            emptyComponents: r.emptyComponents.map { $0 + 1 }, flooredComponents: r.regularizedComponents.map { $0 + 1 },
            selection: selection)
        self.init(
            options: Settings(
                tolerance: r.options.tolerance, maxIterations: r.options.maxIterations,
                criterion: "largest absolute change of any mixing weight or entry of a component's mean vector or covariance matrix between iterations, on the standardised scale, below tolerance, and the log-likelihood rising by at most tolerance × max(1, |log-likelihood|) in that iteration",
                ridge: 0, starts: r.options.components == 1 ? 0 : r.options.starts - 1, seed: r.options.seed, acceleration: "none"),
            model: try r.model.momentMatchedNormal(), groups: groups,
            logLikelihood: r.logLikelihood, iterations: r.iterations, hasConverged: r.hasConverged, stopReason: r.stopReason,
            isMonotone: r.isMonotone, history: r.history, rowsUsed: r.rowsUsed, rowsWithNothingObserved: r.rowsWithNothingObserved,
            warnings: r.warnings, report: ModelReport(kind: .mixture, mixture: mixture))
    }

    init(_ groups: [PatternGroup], t r: MultivariateTResult) {
        let t = TReport(
            degreesOfFreedom: r.degreesOfFreedom, degreesOfFreedomEstimated: r.isDegreesOfFreedomEstimated,
            degreesOfFreedomAtBound: r.isDegreesOfFreedomAtBound, weights: r.rowWeights,
            mostDownweightedRows: r.mostDownweightedRows.prefix(10).map {
                TReport.Row(row: $0.row + 1, weight: $0.weight, squaredDistance: $0.squaredDistance, observedCells: $0.observedCount)
            })
        self.init(
            options: Settings(
                tolerance: r.options.tolerance, maxIterations: r.options.maxIterations,
                criterion: "largest absolute change of any entry of the location vector or scatter matrix (standardised scale) or of log ν between iterations below tolerance, and the log-likelihood rising by at most tolerance × max(1, |log-likelihood|) in that iteration",
                ridge: 0, starts: 0, seed: 0, acceleration: "none"),
            model: r.model.location, groups: groups,
            logLikelihood: r.logLikelihood, iterations: r.iterations, hasConverged: r.hasConverged, stopReason: r.stopReason,
            isMonotone: r.isMonotone, history: r.history, rowsUsed: r.rowsUsed, rowsWithNothingObserved: r.rowsWithNothingObserved,
            warnings: r.warnings, report: ModelReport(kind: .t, t: t))
    }

    /// What a mixture and a t fit share in the report: the log-likelihood is the objective,
    /// one E-step per iteration plus the first, and neither a rate of convergence nor start
    /// outcomes of the normal engine's kind.
    private init(options: Settings, model: GaussianModel, groups: [PatternGroup], logLikelihood: Double,
                 iterations: Int, hasConverged: Bool, stopReason: StopReason, isMonotone: Bool, history: ConvergenceHistory,
                 rowsUsed: Int, rowsWithNothingObserved: Int, warnings: [EMWarning], report: ModelReport) {
        self.options = options
        self.model = model
        patternGroups = groups
        self.logLikelihood = logLikelihood
        objective = logLikelihood
        self.iterations = iterations
        expectationSteps = iterations + 1
        self.hasConverged = hasConverged
        self.stopReason = stopReason
        self.isMonotone = isMonotone
        self.history = history
        rateOfConvergence = nil
        starts = []
        startsAgree = nil
        self.rowsUsed = rowsUsed
        self.rowsWithNothingObserved = rowsWithNothingObserved
        self.warnings = warnings
        self.report = report
    }
}
