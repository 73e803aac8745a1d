import Foundation

/// Multiple imputation by EM with Bayesian-bootstrap weights (Amelia's EMB, with weights in
/// place of a resample): M completed data sets whose imputed cells are *proper* draws,
/// reflecting both the residual noise and the uncertainty of the estimates.
///
/// ```swift
/// let data = try IncompleteMatrix(rows: rows, columnNames: ["x", "y", "z"])
/// let result = try MultipleImputation(count: 5).impute(data)
/// for completed in try result.completed(data) { /* analyse each, then pool with RubinPooling */ }
/// ```
///
/// For imputation m = 1 … M:
/// 1. every usable row i gets a weight wᵢ ~ Exp(1), normalised to sum to the number of usable
///    rows (a Bayesian bootstrap, Rubin 1981), from `options.seed`, m and i only;
/// 2. weighted EM, warm-started at the full-data estimate θ̂, gives θ̃ₘ (a draw from the
///    approximate posterior of θ); the ridge prior, tolerance and iteration cap are the fit's;
/// 3. each row's missing block is drawn from N(E[x_m | x_o, θ̃ₘ], Cov[x_m | x_o, θ̃ₘ]), with
///    normal deviates from `options.seed`, m and the row only.
///
/// The M imputations run in parallel (`options.threads`); each is computed by one thread
/// from its own seeds, so the result is bit-identical for any thread count.
public struct MultipleImputation: Sendable {
    /// M ≥ 2.
    public var count: Int
    /// The fit settings (tolerance, iteration cap, ridge, seed, threads).
    public var options: EMOptions
    /// Per modelled column, an optional range the drawn values must fall in (Amelia's bounds):
    /// a block with a draw outside is redrawn, up to `maximumRedraws` times, after which the
    /// value is set to the nearest bound. nil: no bounds.
    public var bounds: [ClosedRange<Double>?]?
    /// The redraw cap for `bounds`.
    public static let maximumRedraws = 100
    /// The most imputations accepted.
    public static let maximumCount = 1000

    /// An engine for `count` imputations.
    public init(count: Int, options: EMOptions = EMOptions(), bounds: [ClosedRange<Double>?]? = nil) {
        self.count = count
        self.options = options
        self.bounds = bounds
    }

    /// Fits θ̂ by `GaussianEM` (unless `fit` is given) and draws the M imputations.
    ///
    /// - Parameters:
    ///   - data: the matrix to impute.
    ///   - fit: the full-data fit of `data` by `GaussianEM` with the same options, if already
    ///     computed (it is the warm start).
    /// - Throws: `MultipleImputationError` for a count below 2 (or above `maximumCount`), or
    ///   bounds not one per column; `DataError.notTheFittedData` when `fit` is not a fit of `data`;
    ///   `EMOptionsError` and `EMError` as `GaussianEM.fit`, and
    ///   `EMError.singularCovariance` when a weighted fit becomes singular.
    /// - Complexity: M × (weighted EM from a warm start, O(n·p²) per iteration, + one draw pass).
    public func impute(_ data: IncompleteMatrix, fit: EMResult? = nil) throws -> MultipleImputationResult {
        let fit = try validated(data, fit: fit)
        let problem = WeightedProblem(data: data, model: fit.model, options: options, bounds: bounds)
        let imputations = try inParallel { try problem.imputation($0) }
        return MultipleImputationResult(fit: fit, imputations: imputations, columnNames: data.columnNames,
                                        fitted: FittedData(data))
    }

    /// `impute(_:fit:)` that hands each imputation, on the thread that drew it, to `body` as
    /// soon as it is drawn — to analyse or write it and let its values go — and returns the
    /// full-data fit and what `body` returned, m = 1 … M. Imputations m, m + T, m + 2T, … (T
    /// threads) are drawn and handed over in turn by one thread, so `body` runs on up to T
    /// threads at once; the imputations are the same for any thread count.
    ///
    /// - Throws: as `impute(_:fit:)`, and the first (lowest m) error `body` throws.
    public func impute<T>(_ data: IncompleteMatrix, fit: EMResult? = nil,
                          each body: @escaping @Sendable (Imputation) throws -> T) throws -> (fit: EMResult, results: [T]) {
        let result = try validated(data, fit: fit)
        let problem = WeightedProblem(data: data, model: result.model, options: options, bounds: bounds)
        return (result, try inParallel { try body(try problem.imputation($0)) })
    }

    /// Fits θ̂ (unless `fit` is given) and draws the M parameter draws θ̃ₘ (steps 1–2), in
    /// parallel, without drawing any cell: each draw's `rowDrawer()` then draws the rows (step
    /// 3) wherever and in whatever order they are met — one pass over a file for all M.
    ///
    /// - Throws: as `impute(_:fit:)`.
    public func parameterDraws(_ data: IncompleteMatrix, fit: EMResult? = nil) throws -> (fit: EMResult, draws: [ImputationDraw]) {
        let result = try validated(data, fit: fit)
        let problem = WeightedProblem(data: data, model: result.model, options: options, bounds: bounds)
        return (result, try inParallel { try problem.parameterDraw($0) })
    }

    /// The checks of `impute(_:fit:)`, and the fit.
    private func validated(_ data: IncompleteMatrix, fit: EMResult?) throws -> EMResult {
        guard count >= 2, count <= Self.maximumCount else { throw MultipleImputationError.invalidCount(count) }
        try options.validate()  // also when `fit` is given: the weighted fits use the options
        if let bounds, bounds.count != data.columnCount {
            throw MultipleImputationError.boundsCountMismatch(bounds: bounds.count, columns: data.columnCount)
        }
        if let fit {
            // A fit on `PatternStatistics` has no fingerprint of the cells: its shape and
            // column names are what can be checked.
            let sameShape = (fit.fitted.rowCount, fit.fitted.columnCount) == (data.rowCount, data.columnCount)
                && fit.model.columnNames == data.columnNames
            let sameCells = fit.fitted.fingerprint.map { $0 == data.fingerprint } ?? true
            if !sameShape || !sameCells { throw DataError.notTheFittedData }
        }
        return try fit ?? GaussianEM(options: options).fit(data)
    }

    /// `work(m)` for m = 1 … `count` on up to `options.threads` threads (m, m + T, … on
    /// worker m − 1), the results in order; rethrows the lowest m's error.
    func inParallel<T>(_ work: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let count = self.count
        let threads = max(1, min(count, options.threads ?? ProcessInfo.processInfo.activeProcessorCount))
        var slots = [Result<T, Error>?](repeating: nil, count: count)
        slots.withUnsafeMutableBufferPointer { buffer in
            let out = UncheckedPointer(base: buffer.baseAddress!)
            WorkerThreads.run(threads) { worker in
                var m = worker
                while m < count {
                    out.base[m] = Result { try work(m + 1) }
                    m += threads
                }
            }
        }
        return try slots.map { try $0!.get() }
    }
}

/// A pointer for workers that write disjoint slots.
private struct UncheckedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Why multiple imputation cannot run.
public enum MultipleImputationError: Error, Equatable, Sendable, LocalizedError {
    /// M must be between 2 and `MultipleImputation.maximumCount`: one draw is not multiple imputation.
    case invalidCount(Int)
    /// One bound (or nil) per column is needed.
    case boundsCountMismatch(bounds: Int, columns: Int)

    /// What is wrong, in the library's terms.
    public var errorDescription: String? {
        switch self {
        case .invalidCount(let m):
            "multiple imputation needs between 2 and \(MultipleImputation.maximumCount) imputations, not \(m) (one draw carries no between-imputation variance)"
        case .boundsCountMismatch(let b, let c): "\(b) bound(s) for \(c) column(s)"
        }
    }
}

/// One of the M imputations: its parameter draw θ̃ₘ, its weighted-EM diagnostics and its
/// drawn cells.
public struct Imputation: Sendable {
    /// m, 1-based.
    public let index: Int
    /// The drawn value of every missing cell of the imputed matrix, each with its row and
    /// column.
    public let imputedCells: ImputedCells
    /// θ̃ₘ: the weighted-EM estimate the cells were drawn from.
    public let model: GaussianModel
    /// Weighted-EM iterations from the warm start.
    public let iterations: Int
    /// Whether the weighted EM met the tolerance within the cap.
    public let hasConverged: Bool
    /// Cells whose block was redrawn because a draw fell outside its bounds.
    public let redrawnCells: Int
    /// Cells set to the nearest bound after `MultipleImputation.maximumRedraws` redraws.
    public let cellsSetToBound: Int

    /// This imputation without its drawn values (`imputedCells` empty): its diagnostics, kept
    /// once the values have been written or analysed.
    public func droppingValues() -> Imputation {
        Imputation(index: index, imputedCells: ImputedCells(rowCount: imputedCells.rowCount, columnCount: imputedCells.columnCount),
                   model: model, iterations: iterations, hasConverged: hasConverged,
                   redrawnCells: redrawnCells, cellsSetToBound: cellsSetToBound)
    }
}

/// The outcome of `MultipleImputation.impute`: the full-data fit and the M imputations.
public struct MultipleImputationResult: Sendable {
    /// The full-data fit (θ̂, the warm start).
    public let fit: EMResult
    /// The M imputations, m = 1 … M.
    public let imputations: [Imputation]
    /// The modelled columns.
    public let columnNames: [String]
    /// The matrix that was imputed.
    let fitted: FittedData

    /// M.
    public var count: Int { imputations.count }

    /// The standard deviation over m of each column's mean in θ̃ₘ (original units): how far
    /// the parameter draws spread (0 would mean improper draws).
    public var meanSpread: [Double] {
        let p = columnNames.count, m = Double(count)
        return (0..<p).map { j in
            let values = imputations.map { $0.model.mean[j] }
            let average = values.reduce(0, +) / m
            return (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / (m - 1)).squareRoot()
        }
    }

    /// The M completed matrices: `data` with its missing cells replaced by each imputation's draws.
    ///
    /// - Parameter data: the matrix that was imputed.
    /// - Throws: `DataError.shapeMismatch` or `DataError.notTheFittedData` for other data.
    /// - Complexity: O(M·n·p).
    public func completed(_ data: IncompleteMatrix) throws(DataError) -> [Matrix] {
        try fitted.check(data)
        var out: [Matrix] = []
        for imputation in imputations { out.append(try imputation.imputedCells.completing(data)) }
        return out
    }
}
