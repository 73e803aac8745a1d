import Foundation

/// Maximum-likelihood (or, with a ridge, posterior-mode) estimation of a multivariate
/// normal from data with missing cells, by the EM algorithm, and imputation of every
/// missing cell by its conditional mean.
///
/// ```swift
/// let data = try IncompleteMatrix(rows: [[1, 2], [2, nil], [3, 7], [nil, 4], [4, 5]])
/// let fit = try GaussianEM().fit(data)
/// fit.mean, fit.covariance, fit.logLikelihood, fit.hasConverged
/// let completed = try fit.completed(data)
/// ```
///
/// Each iteration takes one E-step over rows grouped by missingness pattern (conditional
/// means, plus the conditional covariance added into the cross-products) and one M-step
/// (μ = T₁/n, Σ = T₂/n − μμᵀ). The work is done on standardised columns and mapped back.
public struct GaussianEM: Sendable {
    /// The settings.
    public var options: EMOptions

    /// A relative Cholesky pivot of Σ below this (a variable with less than 1e-8 of its variance
    /// unexplained by the others) is reported as a near-singular covariance.
    public static let nearSingularThreshold = 1e-8

    /// The most modelled columns accepted (the per-iteration cost grows as p³).
    public static let maximumColumnCount = 2000

    /// An engine with the given settings.
    public init(options: EMOptions = EMOptions()) {
        self.options = options
    }

    /// Fits the model to `data`.
    ///
    /// The options and the data are checked in this order, the first problem being thrown:
    /// the options; at least one column and at most `maximumColumnCount`; no column with
    /// nothing observed; enough usable rows (rows with an observed cell): at least two, and
    /// more than p without a ridge prior; no constant column.
    ///
    /// - Parameters:
    ///   - data: n×p cells, NaN where missing.
    ///   - progress: called after every iteration (on the calling thread).
    /// - Throws: `EMOptionsError` when an option is out of range; `EMError` when the data
    ///   cannot identify the model (a column with nothing observed, too few rows, a constant
    ///   column, linearly dependent columns), or when an imputed value is beyond the range
    ///   of a Double.
    /// - Complexity: per iteration O(n·p² + Σ_patterns |m|³), where |m| is a pattern's
    ///   number of missing columns.
    public func fit(_ data: IncompleteMatrix, progress: ((IterationRecord) -> Void)? = nil) throws -> EMResult {
        try fit(data, monitor: progress.map { progress in { if $0.start == 0 { progress($0.record) }; return true } })
    }

    /// Fits the model to `data` as `fit(_:progress:)` does, telling `shouldContinue` where it
    /// stands after every iteration of every start (on the calling thread); when it answers
    /// false the fit stops there and throws `EMError.cancelled`. A long fit is cancelled this way,
    /// e.g. `{ _ in !Task.isCancelled }` or a deadline.
    ///
    /// - Throws: as `fit(_:progress:)`, and `EMError.cancelled(start:iteration:)`.
    public func fit(_ data: IncompleteMatrix, shouldContinue: (FitProgress) -> Bool) throws -> EMResult {
        try withoutActuallyEscaping(shouldContinue) { try fit(data, monitor: $0) }
    }

    private func fit(_ data: IncompleteMatrix, monitor: ((FitProgress) -> Bool)?) throws -> EMResult {
        try options.validate()
        let clock = ContinuousClock()
        let began = clock.now
        let p = data.columnCount
        guard p > 0 else { throw EMError.noData }
        guard p <= Self.maximumColumnCount else { throw EMError.tooManyColumns(count: p, limit: Self.maximumColumnCount) }

        let scaling = ColumnScaling(data)
        for j in 0..<p where scaling.observedCounts[j] == 0 {
            throw EMError.columnEntirelyMissing(column: data.columnNames[j])
        }
        let layout = PatternLayout(data)
        let standardized = StandardizedData(data, layout: layout, scaling: scaling)
        let n = standardized.rowCount
        guard n > 0 else { throw EMError.noData }
        // Before constancy: with one row every column is "constant", which hides the cause.
        if n < 2 || (options.ridge == 0 && n <= p) { throw EMError.tooFewRows(rows: n, columns: p) }
        for j in 0..<p where !(scaling.scale[j] > 0) || !scaling.scale[j].isFinite {
            throw EMError.constantColumn(column: data.columnNames[j])
        }

        let threads = options.threads ?? ProcessInfo.processInfo.activeProcessorCount
        let problem = Problem(step: ExpectationStep(data: standardized, threads: threads), options: options,
                              names: data.columnNames, scaling: scaling, began: began, clock: clock)

        let (best, starts, startsAgree) = try Self.runStarts(problem, options: options, monitor: monitor)

        let model: GaussianModel
        do {
            model = try GaussianModel(
                columnNames: data.columnNames,
                mean: (0..<p).map { scaling.center[$0] + scaling.scale[$0] * best.theta.mean[$0] },
                scale: scaling.scale,
                standardizedCovariance: Matrix(checkedRowCount: p, columnCount: p, storage: best.theta.covariance))
        } catch {
            // A mean beyond the largest Double (extrapolating from values near it) makes the
            // conditional mean of every missing cell of its column so: name the first. (A
            // column without missing cells has its sample mean, computed without overflow.)
            guard case .nonFiniteMean(let column) = error, let j = data.columnNames.firstIndex(of: column),
                  let i = (0..<data.rowCount).first(where: { data.values[$0 * p + j].isNaN }) else { throw error }
            throw EMError.imputationOutOfRange(column: column, row: i + 1)
        }
        let imputed: ImputedCells
        do {
            imputed = try model.imputedCells(for: data, layout: layout)
        } catch {
            // Unreachable in practice: the E-step has just solved every pattern with an
            // observed cell under the same Σ, and the pattern with none needs no solve.
            if case .illConditioned(let columns) = error {
                throw EMError.singularCovariance(columns: columns, iteration: best.history.records.count)
            }
            throw error
        }
        try imputed.checkFinite(columnNames: data.columnNames)

        let nothingObserved = data.rowCount - n
        var warnings = Self.warnings(best: best, problem: problem, options: options, starts: starts, startsAgree: startsAgree,
                                     rowsWithNothingObserved: nothingObserved)
        warnings += Self.identifierWarnings(data)

        return Self.result(of: best, problem: problem, model: model, starts: starts, startsAgree: startsAgree,
                           imputedCells: imputed, rowsUsed: n, rowsWithNothingObserved: nothingObserved,
                           patternGroups: layout.groupsByFrequency, warnings: warnings,
                           fitted: FittedData(data))
    }
}
