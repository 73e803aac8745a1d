import EMImputeCore
import Foundation

/// The diagnostics of one `impute` run, as written by `--report` (schema in Docs/Report.md).
/// Every key is always present; absent values are `null`.
public struct ImputationReport: Encodable, Sendable {
    /// Version of this schema; bumped on any incompatible change.
    public static let currentSchemaVersion = 1

    /// The input file.
    public struct Input: Codable, Sendable {
        /// The path as given (`-` for standard input).
        public var path: String
        /// Data rows.
        public var rows: Int
        /// Bytes read.
        public var bytes: Int
    }

    /// Every setting that affects the result.
    public struct Options: Codable, Sendable {
        /// The stopping tolerance (`EMOptions.tolerance`).
        public var tolerance: Double
        /// The iteration cap.
        public var maxIterations: Int
        /// The stopping rule, in words.
        public var criterion: String
        /// The ridge prior strength λ (0: none).
        public var ridge: Double
        /// Extra random starts.
        public var starts: Int
        /// The seed of the random starts.
        public var seed: UInt64
        /// `none` or `squarem`.
        public var acceleration: String
        /// The missing-value codes the input was read with.
        public var missingTokens: [String]
        /// The field delimiter.
        public var delimiter: String
        /// Whether the first line was a header.
        public var header: Bool
        /// The modelled columns.
        public var modelledColumns: [String]
        /// The columns left out of the model by choice.
        public var excludedColumns: [String]
        /// The columns read as text (copied through).
        public var textColumns: [String]
        /// Imputed cells of all-integer columns rounded (`--round-integers`).
        public var roundIntegers: Bool
        /// Imputed cells clamped to the observed range (`--clamp`).
        public var clampToObservedRange: Bool
    }

    /// One input column.
    public struct ColumnSummary: Codable, Sendable {
        /// The column's name.
        public var name: String
        /// 1-based position in the input.
        public var position: Int
        /// `numeric` (modelled), `text` or `excluded`.
        public var type: ColumnProfile.Kind
        /// Cells that are not missing-value codes.
        public var observed: Int
        /// Cells that are missing-value codes.
        public var missing: Int
        /// Share of missing cells, in percent.
        public var percentMissing: Double
        /// Modelled columns only: mean and standard deviation (divisor n − 1) of the observed
        /// cells and of the imputed cells (null when there are fewer than 1 or 2 of them).
        public var observedMean: Double?
        /// Standard deviation of the observed cells.
        public var observedStandardDeviation: Double?
        /// Mean of the imputed cells, as written.
        public var imputedMean: Double?
        /// Standard deviation of the imputed cells, as written.
        public var imputedStandardDeviation: Double?
        /// Modelled columns only: the estimated μ and √Σⱼⱼ.
        public var estimatedMean: Double?
        /// The estimated √Σⱼⱼ.
        public var estimatedStandardDeviation: Double?
    }

    /// One missingness pattern of the modelled columns.
    public struct Pattern: Codable, Sendable {
        /// Names of the missing modelled columns (empty: complete rows).
        public var missing: [String]
        /// Rows with exactly this pattern.
        public var rows: Int

        /// A pattern from its missing columns and row count.
        public init(missing: [String], rows: Int) {
            self.missing = missing
            self.rows = rows
        }
    }

    /// Seconds spent per phase.
    public struct Timings: Codable, Sendable {
        /// Reading the input.
        public var load: Double
        /// The fit.
        public var em: Double
        /// Writing the outputs.
        public var write: Double

        /// Timings from their parts.
        public init(load: Double, em: Double, write: Double) {
            self.load = load
            self.em = em
            self.write = write
        }
    }

    /// `currentSchemaVersion` when written.
    public var schemaVersion: Int
    /// The version of EMImpute that wrote the report.
    public var emimputeVersion: String
    /// The input file.
    public var input: Input
    /// Every setting that affects the result.
    public var options: Options
    /// Names of the modelled columns, in order; `mean`, `covariance`, … follow this order.
    public var columns: [String]
    /// Every input column, in input order.
    public var columnSummary: [ColumnSummary]
    /// The missingness patterns of the modelled columns, most frequent first.
    public var patterns: [Pattern]
    /// μ, in the order of `columns`.
    public var mean: [Double]
    /// Σ, maximum-likelihood divisor n.
    public var covariance: [[Double]]
    /// The correlation matrix of Σ.
    public var correlation: [[Double]]
    /// Observed-data log-likelihood at the estimates, full constant included.
    public var logLikelihood: Double
    /// ℓ plus the ridge prior's log density; equals logLikelihood without a ridge.
    public var objective: Double
    /// Whether `logLikelihood` is at the MLE (false with a ridge: a posterior mode).
    public var isMaximumLikelihood: Bool
    /// M-steps (accelerated cycles with SQUAREM).
    public var iterations: Int
    /// E-steps.
    public var expectationSteps: Int
    /// Whether the stopping rule was met before the cap.
    public var converged: Bool
    /// `tolerance` or `maxIterations`.
    public var stopReason: String
    /// Whether ℓ (the objective) never decreased.
    public var monotone: Bool
    /// One record per iteration.
    public var history: [IterationRecord]
    /// Estimated largest fraction of missing information (rate of convergence of EM).
    public var rateOfConvergence: Double?
    /// Each start's outcome (empty without random starts).
    public var starts: [StartOutcome]
    /// Whether the starts reached the same estimates (null without random starts).
    public var startsAgree: Bool?
    /// Rows in the likelihood (with at least one observed modelled cell).
    public var rowsUsed: Int
    /// Rows with every modelled cell missing (imputed with μ).
    public var rowsWithNothingObserved: Int
    /// Cells imputed (and written).
    public var imputedCells: Int
    /// The reader's warnings first, then the fit's, then the adjustment's; each with the remedy
    /// set by `setRemedies(_:)` (empty until then).
    public var warnings: [Warning]
    /// Seconds spent per phase.
    public var timings: Timings
    /// Which model was fitted, and what only that kind has (`kind` is `gaussian`,
    /// `mixture` or `t`). For a mixture, `mean`, `covariance` and the column estimates above
    /// are the mixture's overall mean and covariance; for a t, its location and scatter.
    public var model: ModelReport
    /// Little's MCAR test at the estimates (null when it cannot be computed).
    public var littleTest: LittleTestReport?
    /// Standard errors from the observed information (null beyond
    /// `StandardErrors.maximumColumnCount` columns or when the information is singular).
    public var standardErrors: StandardErrorReport?
    /// Set by `impute --imputations M`; null otherwise.
    public var multipleImputation: MultipleImputationReport?

    /// The report of a run: the fit, and the table it completed (`facts`).
    package init(facts: TableFacts, fit result: FitFacts, timings: Timings, adjustment: ImputedValueAdjustment?) {
        self.init(input: facts.input, read: facts.options, columns: facts.columns, observed: facts.observedMoments,
                  imputed: facts.imputedMoments, imputedCells: facts.imputedCellCount, fit: result,
                  inputWarnings: facts.warnings, timings: timings, adjustment: adjustment)
    }

    /// The shared assembly: a fit on data described by `columns` (every input column; the
    /// numeric ones modelled, in order), with the moments of each modelled column's observed
    /// and imputed cells, and `imputedCells` cells imputed; `inputWarnings` are the reader's.
    init(input: Input, read: CSVReadOptions, columns profiles: [ColumnProfile], observed: [ColumnMoments.Moment],
         imputed: [ColumnMoments.Moment], imputedCells: Int, fit result: FitFacts, inputWarnings: [CSVWarning],
         timings: Timings, adjustment: ImputedValueAdjustment?) {
        schemaVersion = Self.currentSchemaVersion
        emimputeVersion = EMImputeVersion.current
        self.input = input
        let names = result.model.columnNames
        let modelledColumns = profiles.indices.filter { profiles[$0].kind == .numeric }
        options = Options(
            tolerance: result.options.tolerance, maxIterations: result.options.maxIterations,
            criterion: result.options.criterion,
            ridge: result.options.ridge, starts: result.options.starts, seed: result.options.seed,
            acceleration: result.options.acceleration, missingTokens: read.missingTokens,
            delimiter: String(decoding: [read.delimiter], as: UTF8.self), header: read.hasHeader,
            modelledColumns: names,
            excludedColumns: profiles.filter { $0.kind == .excluded }.map(\.name),
            textColumns: profiles.filter { $0.kind == .text }.map(\.name),
            roundIntegers: adjustment?.roundsIntegers ?? false,
            clampToObservedRange: adjustment?.clampsToObservedRange ?? false)
        self.columns = names
        let model = result.model
        columnSummary = profiles.map { c in
            var s = ColumnSummary(name: c.name, position: c.position, type: c.kind, observed: c.observed,
                                  missing: c.missing, percentMissing: c.percentMissing)
            if let k = modelledColumns.firstIndex(of: c.position - 1) {
                s.observedMean = observed[k].mean
                s.observedStandardDeviation = observed[k].standardDeviation
                s.imputedMean = imputed[k].mean
                s.imputedStandardDeviation = imputed[k].standardDeviation
                s.estimatedMean = model.mean[k]
                s.estimatedStandardDeviation = model.standardDeviations[k]
            }
            return s
        }
        patterns = result.patternGroups.map { g in
            Pattern(missing: g.pattern.missingColumns.map { names[$0] }, rows: g.rowCount)
        }
        mean = model.mean
        covariance = model.covariance.rows
        correlation = model.correlation.rows
        logLikelihood = result.logLikelihood
        objective = result.objective
        isMaximumLikelihood = result.options.ridge == 0
        iterations = result.iterations
        expectationSteps = result.expectationSteps
        converged = result.hasConverged
        stopReason = result.stopReason.rawValue
        monotone = result.isMonotone
        history = result.history.records
        rateOfConvergence = result.rateOfConvergence
        starts = result.starts
        startsAgree = result.startsAgree
        rowsUsed = result.rowsUsed
        rowsWithNothingObserved = result.rowsWithNothingObserved
        self.imputedCells = imputedCells
        // The reader's first: a misread input matters more than anything about the fit.
        let typed = inputWarnings.map(ReportWarning.input) + result.warnings.map(ReportWarning.fit)
            + [ReportWarning(adjustment, columns: names)].compactMap { $0 }
        warnings = typed.map { Warning($0, remedy: "") }
        self.timings = timings
        self.model = result.report
        littleTest = nil
        standardErrors = nil
        multipleImputation = nil
    }

    /// The report as pretty-printed JSON with sorted keys. Non-finite numbers (a variance
    /// beyond the Double range) are written as the strings "Infinity", "-Infinity", "NaN".
    public func json() throws -> String {
        try JSONOutput.encode(self)
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, emimputeVersion, input, options, columns, columnSummary, patterns, mean, covariance, correlation, logLikelihood, objective, isMaximumLikelihood, iterations, expectationSteps, converged, stopReason, monotone, history, rateOfConvergence, starts, startsAgree, rowsUsed, rowsWithNothingObserved, imputedCells, warnings, timings, model, littleTest, standardErrors, multipleImputation
    }

    /// Writes every key: optionals as null rather than left out, so every key is always present.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(emimputeVersion, forKey: .emimputeVersion)
        try c.encode(input, forKey: .input)
        try c.encode(options, forKey: .options)
        try c.encode(columns, forKey: .columns)
        try c.encode(columnSummary, forKey: .columnSummary)
        try c.encode(patterns, forKey: .patterns)
        try c.encode(mean, forKey: .mean)
        try c.encode(covariance, forKey: .covariance)
        try c.encode(correlation, forKey: .correlation)
        try c.encode(logLikelihood, forKey: .logLikelihood)
        try c.encode(objective, forKey: .objective)
        try c.encode(isMaximumLikelihood, forKey: .isMaximumLikelihood)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(expectationSteps, forKey: .expectationSteps)
        try c.encode(converged, forKey: .converged)
        try c.encode(stopReason, forKey: .stopReason)
        try c.encode(monotone, forKey: .monotone)
        try c.encode(history, forKey: .history)
        try c.encode(rateOfConvergence, forKey: .rateOfConvergence)
        try c.encode(starts, forKey: .starts)
        try c.encode(startsAgree, forKey: .startsAgree)
        try c.encode(rowsUsed, forKey: .rowsUsed)
        try c.encode(rowsWithNothingObserved, forKey: .rowsWithNothingObserved)
        try c.encode(imputedCells, forKey: .imputedCells)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(timings, forKey: .timings)
        try c.encode(model, forKey: .model)
        try c.encode(littleTest, forKey: .littleTest)
        try c.encode(standardErrors, forKey: .standardErrors)
        try c.encode(multipleImputation, forKey: .multipleImputation)
    }
}

extension ImputationReport.ColumnSummary {
    /// Writes every key, `null` for absent values.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(position, forKey: .position)
        try c.encode(type, forKey: .type)
        try c.encode(observed, forKey: .observed)
        try c.encode(missing, forKey: .missing)
        try c.encode(percentMissing, forKey: .percentMissing)
        try c.encode(observedMean, forKey: .observedMean)
        try c.encode(observedStandardDeviation, forKey: .observedStandardDeviation)
        try c.encode(imputedMean, forKey: .imputedMean)
        try c.encode(imputedStandardDeviation, forKey: .imputedStandardDeviation)
        try c.encode(estimatedMean, forKey: .estimatedMean)
        try c.encode(estimatedStandardDeviation, forKey: .estimatedStandardDeviation)
    }
}
