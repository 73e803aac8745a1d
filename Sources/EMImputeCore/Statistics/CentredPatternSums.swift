/// For each missingness pattern with an observed column, the sums that Little's test and the
/// observed information need from its rows, on the model's standardised scale and centred at
/// its mean: z = (x − μ̂)/s, Σz over the rows and Σzzᵀ, over the pattern's observed columns.
///
/// They come from the rows (`init(_:model:)`) or, without the rows, from per-pattern
/// statistics (`init(_:model:)` with `PatternStatistics`): with x̄ and C = Σ(x − x̄)(x − x̄)ᵀ,
/// Σz = n(x̄ − μ̂)/s and Σzzᵀ = (C + n(x̄ − μ̂)(x̄ − μ̂)ᵀ)/(s sᵀ). The two agree to rounding.
/// From statistics, each pattern's sums are made when `forEach` reaches it and let go after:
/// the |O|² squares of every pattern are never held at once.
struct CentredPatternSums {
    struct Pattern {
        /// Missing and observed columns (model order).
        var missing: [Int]
        var observed: [Int]
        /// Rows of the pattern.
        var count: Int
        /// Σz over the rows (|O|).
        var sum: [Double]
        /// Σzzᵀ over the rows (|O|×|O|, row-major).
        var squares: [Double]
    }

    /// The patterns with an observed column, in `MissingnessPattern` order (from rows), or
    /// the statistics they are made from, one at a time.
    private var patterns: [Pattern] = []
    private var source: (statistics: PatternStatistics, model: GaussianModel)?

    /// Calls `body` with each pattern with an observed column, in `MissingnessPattern` order;
    /// `squares` is empty unless `needsSquares`.
    func forEach(needsSquares: Bool, _ body: (Pattern) throws -> Void) rethrows {
        guard let (statistics, model) = source else {
            for pattern in patterns { try body(pattern) }
            return
        }
        for pattern in statistics.patterns {
            if let sums = Self.sums(of: pattern, in: statistics, model: model, needsSquares: needsSquares) { try body(sums) }
        }
    }

    /// The sums of the rows of `data` (columns matched to the model's as in `GaussianModel.completed(_:)`).
    init(_ data: IncompleteMatrix, model: GaussianModel) throws(DataError) {
        let p = model.dimension, n = data.rowCount
        let position = try model.positions(of: data) ?? Array(0..<p)
        var groups: [MissingnessPattern: Pattern] = [:]
        var row = [Double](repeating: 0, count: p)
        for i in 0..<n {
            var missing: [Int] = []
            for k in 0..<p {
                let v = data.values[i * data.columnCount + position[k]]
                row[k] = v
                if v.isNaN { missing.append(k) }
            }
            guard missing.count < p else { continue }
            let key = MissingnessPattern(missingColumns: missing, columnCount: p)
            if groups[key] == nil {
                let o = key.observedColumns
                groups[key] = Pattern(missing: missing, observed: o, count: 0, sum: [Double](repeating: 0, count: o.count),
                                      squares: [Double](repeating: 0, count: o.count * o.count))
            }
            let o = groups[key]!.observed, k = o.count
            let z = o.map { row[$0] / model.scale[$0] - model.mean[$0] / model.scale[$0] }
            groups[key]!.count += 1
            for a in 0..<k {
                groups[key]!.sum[a] += z[a]
                for b in 0..<k { groups[key]!.squares[a * k + b] += z[a] * z[b] }
            }
        }
        patterns = groups.keys.sorted().map { groups[$0]! }
    }

    /// The sums from per-pattern statistics of the model's columns.
    init(_ statistics: PatternStatistics, model: GaussianModel) throws(DataError) {
        precondition(!statistics.keptRowsAreElsewhere, "restore the kept rows first")
        guard statistics.columnNames == model.columnNames else {
            let known = Set(model.columnNames), given = Set(statistics.columnNames)
            throw .columnsDiffer(missing: model.columnNames.filter { !given.contains($0) },
                                 unexpected: statistics.columnNames.filter { !known.contains($0) })
        }
        source = (statistics, model)
    }

    /// One pattern's sums from its statistics; nil when nothing is observed.
    private static func sums(of pattern: MissingnessPattern, in statistics: PatternStatistics, model: GaussianModel,
                             needsSquares: Bool) -> Pattern? {
        let group = statistics.groups[pattern]!
        let o = pattern.observedColumns, k = o.count
        guard k > 0, group.count > 0 else { return nil }
        let (mean, comoment) = needsSquares ? group.moments : (group.diagonalMoments.mean, [])
        let n = Double(group.count)
        // d = (x̄ − μ̂)/s per observed column; the statistics hold values in `units`.
        let d = (0..<k).map { a in (mean[a] * statistics.units[o[a]] - model.mean[o[a]]) / model.scale[o[a]] }
        var squares: [Double] = []
        if needsSquares {
            let scale = (0..<k).map { a in statistics.units[o[a]] / model.scale[o[a]] }
            squares = [Double](repeating: 0, count: k * k)
            for a in 0..<k { for b in 0..<k {
                squares[a * k + b] = comoment[a * k + b] * scale[a] * scale[b] + n * d[a] * d[b]
            } }
        }
        return Pattern(missing: pattern.missingColumns, observed: o, count: group.count, sum: d.map { n * $0 }, squares: squares)
    }
}
