import Foundation

/// Amelia's overimputation check (Honaker, King & Blackwell 2011): observed cells are treated
/// as missing one at a time, each is predicted from the rest of its row under the fitted model
/// with a central interval, and the predictions are compared with the values that were there.
/// If the model describes the data, about `level` of the intervals cover the observed values,
/// and the points scatter about the line y = x.
///
/// ```swift
/// let check = try Overimputation(data, model: fit.model, cellsPerColumn: 200, seed: 1)
/// check.coverage   // ≈ 0.9 when the model fits
/// ```
///
/// For cell (i, j) with the row's other observed cells O: the prediction is E[x_j | x_O] under
/// N(μ, Σ) and the interval E[x_j | x_O] ± z_{(1+level)/2} · √Var[x_j | x_O], the parameters
/// taken as known (the interval ignores their uncertainty, which is small beside the residual
/// spread for a moderate n). The row's missing cells stay missing.
public struct Overimputation: Sendable {
    /// One overimputed cell.
    public struct Cell: Sendable, Equatable {
        /// 0-based row and column of the cell in the data.
        public let row: Int
        /// The cell's column (0-based).
        public let column: Int
        /// The value that was observed.
        public let observed: Double
        /// E[x_j | the row's other observed cells].
        public let predicted: Double
        /// The interval's ends.
        public let lower: Double
        /// The upper end of the interval.
        public let upper: Double

        /// Whether the interval holds the observed value.
        public var isCovered: Bool { lower <= observed && observed <= upper }
    }

    /// The nominal coverage of the intervals, in (0, 1).
    public let level: Double
    /// The overimputed cells, column by column, rows ascending within a column.
    public let cells: [Cell]

    /// The share of `cells` whose interval covers the observed value (NaN without cells).
    public var coverage: Double {
        cells.isEmpty ? .nan : Double(cells.filter(\.isCovered).count) / Double(cells.count)
    }

    /// The share of column `j`'s cells covered, or nil when none of its cells was overimputed.
    public func coverage(ofColumn j: Int) -> Double? {
        let mine = cells.filter { $0.column == j }
        return mine.isEmpty ? nil : Double(mine.filter(\.isCovered).count) / Double(mine.count)
    }

    /// Overimputes up to `cellsPerColumn` observed cells of each of `columns`, chosen at random
    /// (seeded) among the column's observed cells whose row has another observed cell.
    ///
    /// - Parameters:
    ///   - data: the matrix `model` was fitted to (its columns, in order).
    ///   - model: the fitted normal.
    ///   - columns: the columns to check (default: every column).
    ///   - cellsPerColumn: the largest sample per column (≥ 1); every eligible cell when there are fewer.
    ///   - level: the intervals' nominal coverage, in (0, 1).
    ///   - seed: the sample's random stream.
    /// - Throws: `DataError.columnsDiffer` when `data`'s columns are not the model's;
    ///   `GaussianModelError.illConditioned` when Σ is too close to singular for a row.
    /// - Complexity: O(Σ cells · p³) at worst (one conditional per distinct pattern in the sample).
    public init(_ data: IncompleteMatrix, model: GaussianModel, columns: [Int]? = nil, cellsPerColumn: Int = 200,
                level: Double = 0.9, seed: UInt64 = 1) throws {
        precondition(level > 0 && level < 1, "the level is in (0, 1)")
        precondition(cellsPerColumn >= 1, "at least one cell per column")
        guard data.columnNames == model.columnNames else {
            throw DataError.columnsDiffer(missing: model.columnNames.filter { !data.columnNames.contains($0) },
                                          unexpected: data.columnNames.filter { !model.columnNames.contains($0) })
        }
        self.level = level
        let p = data.columnCount, n = data.rowCount, values = data.values
        let z = Distributions.studentTQuantile((1 + level) / 2, degreesOfFreedom: .infinity)
        let imputer = ConditionalImputer(model)
        var cells: [Cell] = []
        for j in columns ?? Array(0..<p) {
            // Eligible rows: x_j observed and something else observed to predict it from.
            var eligible: [Int] = []
            for i in 0..<n where !values[i * p + j].isNaN {
                if (0..<p).contains(where: { $0 != j && !values[i * p + $0].isNaN }) { eligible.append(i) }
            }
            // A seeded partial Fisher–Yates shuffle picks the sample; its rows are then sorted.
            var generator = SeededGenerator(seed: seed ^ (0x9E37_79B9_7F4A_7C15 &* UInt64(j + 1)))
            let take = min(cellsPerColumn, eligible.count)
            for a in 0..<take {
                let b = a + Int(generator.next() % UInt64(eligible.count - a))
                eligible.swapAt(a, b)
            }
            for i in eligible.prefix(take).sorted() {
                var row = Array(values[(i * p)..<((i + 1) * p)])
                let observed = row[j]
                row[j] = .nan
                let sd = try imputer.conditionalStandardDeviations(row)[j]
                try imputer.impute(&row)
                let predicted = row[j]
                cells.append(Cell(row: i, column: j, observed: observed, predicted: predicted,
                                  lower: predicted - z * sd, upper: predicted + z * sd))
            }
        }
        self.cells = cells
    }
}
