/// One imputation's parameter draw θ̃ₘ (the weighted refit of `MultipleImputation`) and the
/// means to draw any row's missing cells under it, one row at a time: a completed data set
/// can be streamed row by row, on any threads, without holding its drawn values.
///
/// Every random number of row i comes from (`EMOptions.seed`, m, i) only, so a row's draws do
/// not depend on the order, the thread or the batch in which rows are drawn.
///
/// ```swift
/// let draws = try MultipleImputation(count: 5).parameterDraws(data, fit: fit).draws
/// let drawer = draws[0].rowDrawer()            // one per thread
/// var row: [Double] = [1.5, .nan, 3]           // row 17 of `data`, NaN where missing
/// _ = try drawer.draw(row: 17, values: &row)   // its missing cells, drawn
/// ```
public struct ImputationDraw: Sendable {
    /// m, 1-based.
    public let index: Int
    /// θ̃ₘ as a normal (for a mixture or a t, its overall mean and covariance).
    public let model: GaussianModel
    /// Weighted-EM iterations from the warm start.
    public let iterations: Int
    /// Whether the weighted EM met the tolerance within the cap.
    public let hasConverged: Bool
    let source: Source

    enum Source: @unchecked Sendable {
        case normal(WeightedProblem, NormalTheta)
        case model(WeightedModelProblem, ModelTheta)
    }

    /// A drawer of rows under this draw (not thread-safe: one per thread).
    public func rowDrawer() -> RowDrawer { RowDrawer(self) }

    /// The imputation of every row of `values` (n×p row-major, NaN where missing): the
    /// library's `Imputation`, each drawn cell stored with its position.
    func imputation(of values: [Double], rowCount: Int, isStandardized: Bool) throws -> Imputation {
        let drawer = rowDrawer()
        let p = model.dimension
        var offsets: [Int] = [], drawn: [Double] = []
        var redrawn = 0, setToBound = 0
        try values.withUnsafeBufferPointer { x in
            for i in 0..<rowCount {
                let counts = try drawer.draw(row: i, x.baseAddress! + i * p, isStandardized: isStandardized) { j, v in
                    offsets.append(i * p + j)
                    drawn.append(v)
                }
                redrawn += counts.redrawn
                setToBound += counts.setToBound
            }
        }
        let cells = ImputedCells(rowCount: rowCount, columnCount: p, offsets: offsets, values: drawn)
        return Imputation(index: index, imputedCells: cells, model: model, iterations: iterations, hasConverged: hasConverged,
                          redrawnCells: redrawn, cellsSetToBound: setToBound)
    }
}

/// Draws rows' missing cells under one `ImputationDraw`. Not thread-safe: make one per thread
/// (`ImputationDraw.rowDrawer()`).
public final class RowDrawer {
    private enum Engine {
        case normal(NormalRowDraws)
        case model(ModelRowDraws)
    }

    private let engine: Engine
    /// The number of modelled columns.
    public let dimension: Int

    init(_ draw: ImputationDraw) {
        dimension = draw.model.dimension
        switch draw.source {
        case .normal(let problem, let theta): engine = .normal(NormalRowDraws(problem: problem, theta: theta, imputation: draw.index))
        case .model(let problem, let theta): engine = .model(ModelRowDraws(problem: problem, theta: theta, imputation: draw.index))
        }
    }

    /// What drawing a row did besides drawing: cells redrawn because a draw fell outside its
    /// bounds, and cells set to the nearest bound after `MultipleImputation.maximumRedraws`.
    public struct Counts: Sendable, Equatable {
        /// Cells of blocks redrawn for their bounds.
        public var redrawn = 0
        /// Cells set to a bound.
        public var setToBound = 0

        /// No redraws.
        public init() {}
    }

    /// Replaces the NaN cells of `values` (row `row` of the imputed data, from 0, the model's
    /// columns in order) by draws from their conditional distribution under the draw's θ̃.
    ///
    /// - Throws: `DataError.columnCountMismatch` for a row of another length,
    ///   `EMError.singularCovariance` when the row's conditional covariance is singular, and
    ///   (mixture, t) `DataError.notTheFittedData` for a pattern the fitted data does not have.
    public func draw(row: Int, values: inout [Double]) throws -> Counts {
        guard values.count == dimension else { throw DataError.columnCountMismatch(count: values.count, expected: dimension) }
        var cells: [(Int, Double)] = []
        let counts = try values.withUnsafeBufferPointer { x in
            try draw(row: row, x.baseAddress!, isStandardized: false) { j, v in cells.append((j, v)) }
        }
        for (j, v) in cells { values[j] = v }
        var result = Counts()
        result.redrawn = counts.redrawn
        result.setToBound = counts.setToBound
        return result
    }

    /// Draws the NaN cells of row `i` (`x`: `dimension` values, NaN where missing; on the
    /// problem's standardised scale when `isStandardized`), handing each drawn cell to `out`
    /// (column, value in original units) in column order.
    package func draw(row i: Int, _ x: UnsafePointer<Double>, isStandardized: Bool,
              into out: (_ column: Int, _ value: Double) -> Void) throws -> (redrawn: Int, setToBound: Int) {
        switch engine {
        case .normal(let d): return try d.draw(row: i, x, isStandardized: isStandardized, into: out)
        case .model(let d): return try d.draw(row: i, x, isStandardized: isStandardized, into: out)
        }
    }
}
