/// Imputes rows under a `GaussianModel`: each missing cell becomes its conditional mean given
/// the row's observed cells. Reuse one imputer for many rows (it factorises the covariance
/// once); it is not thread-safe.
///
/// Rows are matched to the model's columns by position: `row[j]` is column
/// `model.columnNames[j]`.
///
/// ```swift
/// let imputer = ConditionalImputer(model)
/// for k in rows.indices { try imputer.impute(row: &rows[k]) }
/// ```
public final class ConditionalImputer {
    private let model: GaussianModel
    // Used once per row by the one thread that owns the imputer: no dynamic exclusivity checks.
    @exclusivity(unchecked) private var solver: ConditionalSolver
    /// Whether K = Σ⁻¹ (standardised) is finite: not so when S, though positive definite, is
    /// so close to singular that its inverse overflows; every pattern then fails to prepare.
    private let hasFinitePrecision: Bool
    /// The pattern last prepared successfully, nil before the first or after a failure: the
    /// solver's buffers hold that pattern's solution only while this is set.
    @exclusivity(unchecked) private var prepared: [Int]?
    /// Whether that pattern has nothing observed: its conditional distribution is then the
    /// marginal N(μ, Σ), used as it is, without a solve that rounding could defeat.
    private var preparedIsMarginal = false
    // Owned buffers, zero-initialised: the solver keeps pointers to the precision and the
    // pattern between `prepare` and the fills that follow.
    private let precision: UnsafeMutablePointer<Double>
    private let missing: UnsafeMutablePointer<Int>
    private let deviation: UnsafeMutablePointer<Double>
    private let conditional: UnsafeMutablePointer<Double>
    private let work: UnsafeMutablePointer<Double>
    /// The observed columns of the row in hand (`impute(row:deviations:)`).
    private let observed: UnsafeMutablePointer<Int>

    /// An imputer for `model`.
    /// - Complexity: O(p³) (Σ is factorised and inverted once).
    public init(_ model: GaussianModel) {
        self.model = model
        let p = model.dimension
        // A model is validated when it is made, so S factorises; should it not, the NaN
        // precision fails every `prepare` with a typed error.
        let factor = try? CholeskyFactorization(model.standardizedCovariance.storage, order: p)
        let k = factor?.inverse ?? [Double](repeating: .nan, count: p * p)
        hasFinitePrecision = k.allSatisfy(\.isFinite)
        precision = .allocate(capacity: max(1, p * p))
        precision.initialize(repeating: 0, count: max(1, p * p))
        precision.update(from: k, count: p * p)
        missing = .allocate(capacity: max(1, p))
        missing.initialize(repeating: 0, count: max(1, p))
        deviation = .allocate(capacity: max(1, p))
        deviation.initialize(repeating: 0, count: max(1, p))
        conditional = .allocate(capacity: max(1, p))
        conditional.initialize(repeating: 0, count: max(1, p))
        work = .allocate(capacity: max(1, p))
        work.initialize(repeating: 0, count: max(1, p))
        observed = .allocate(capacity: max(1, p))
        observed.initialize(repeating: 0, count: max(1, p))
        solver = ConditionalSolver(columnCount: p)
    }

    deinit {
        precision.deallocate()
        missing.deallocate()
        deviation.deallocate()
        conditional.deallocate()
        work.deallocate()
        observed.deallocate()
    }

    /// Solves for the pattern with missing columns `m` (ascending); a pattern with nothing
    /// observed needs no solve (its conditional distribution is the marginal one).
    /// - Throws: `GaussianModelError.illConditioned` when K_mm is not numerically positive
    ///   definite (or K is not finite); nothing is prepared then.
    func prepare(missing m: [Int]) throws(GaussianModelError) {
        prepared = nil
        preparedIsMarginal = m.count == model.dimension
        if preparedIsMarginal {
            prepared = m
            return
        }
        for (a, j) in m.enumerated() { missing[a] = j }
        try solveMissing(count: m.count)
        prepared = m
    }

    /// Solves for the pattern whose `count` missing columns (ascending, fewer than all) are in
    /// `missing`.
    private func solveMissing(count: Int) throws(GaussianModelError) {
        guard hasFinitePrecision, solver.solve(precision: precision, missing: UnsafeBufferPointer(start: missing, count: count)) else {
            throw .illConditioned(missingColumns: (0..<count).map { model.columnNames[missing[$0]] })
        }
    }

    /// Fills the missing cells of `row` for the pattern last prepared.
    /// - Precondition: `prepare(missing: m)` succeeded last (a programmer error otherwise).
    func fillPrepared(_ row: inout [Double], observed o: [Int], missing m: [Int]) {
        precondition(prepared == m, "fillPrepared without a successful prepare of this pattern")
        let mu = model.mean, s = model.scale
        if preparedIsMarginal {
            for j in m { row[j] = mu[j] }
            return
        }
        deviation.update(repeating: 0, count: row.count)
        for j in o { deviation[j] = row[j] / s[j] - mu[j] / s[j] }
        solver.conditionalDeviations(deviation, into: conditional, work: work)
        for (a, j) in m.enumerated() { row[j] = mu[j] + s[j] * conditional[a] }
    }

    /// Replaces the NaN cells of `row` by their conditional means.
    ///
    /// - Throws: `DataError.columnCountMismatch` when `row.count` is not the model's
    ///   dimension, `DataError.infiniteValue` when a cell is ±∞,
    ///   `GaussianModelError.illConditioned` when Σ is too close to singular for the row's
    ///   missing columns. `row` is unchanged then.
    public func impute(row: inout [Double]) throws {
        let (o, m) = try split(row)
        guard !m.isEmpty else { return }
        try prepare(missing: m)
        fillPrepared(&row, observed: o, missing: m)
    }

    /// The conditional standard deviation of each NaN cell of `row` (0 for observed cells).
    /// - Throws: as `impute(row:)`.
    public func conditionalStandardDeviations(row: [Double]) throws -> [Double] {
        let (_, m) = try split(row)
        var out = [Double](repeating: 0, count: row.count)
        guard !m.isEmpty else { return out }
        try prepare(missing: m)
        if preparedIsMarginal { return model.standardDeviations }
        for (a, j) in m.enumerated() {
            out[j] = model.scale[j] * solver.conditionalCovariance[a * m.count + a].squareRoot()
        }
        return out
    }

    /// Replaces the NaN cells of the model's `dimension` values at `row` by their conditional
    /// means and, when `deviations` is given, writes there each NaN cell's conditional standard
    /// deviation (0 for observed cells): the numbers of `conditionalStandardDeviations(row:)`
    /// and `impute(row:)` — the same operations in the same order — with nothing allocated
    /// (the writer's path, once per row).
    ///
    /// - Throws: `DataError.infiniteValue` when a cell is ±∞, `GaussianModelError.illConditioned`
    ///   as `impute(row:)`; nothing is written then.
    package func impute(row: UnsafeMutablePointer<Double>, deviations: UnsafeMutablePointer<Double>?) throws {
        let p = model.dimension
        var no = 0, nm = 0
        for j in 0..<p {
            let v = row[j]
            if v.isNaN { missing[nm] = j; nm += 1 } else if v.isInfinite { throw DataError.infiniteValue(row: 0, column: j) } else { observed[no] = j; no += 1 }
        }
        if let deviations { deviations.update(repeating: 0, count: p) }
        guard nm > 0 else { return }
        prepared = nil
        let mu = model.mean, s = model.scale
        if nm == p {
            // Nothing observed: the marginal distribution, as `prepare` and `fillPrepared` use it.
            if let deviations { for (j, sd) in model.standardDeviations.enumerated() { deviations[j] = sd } }
            for j in 0..<p { row[j] = mu[j] }
            return
        }
        try solveMissing(count: nm)
        if let deviations {
            for a in 0..<nm { deviations[missing[a]] = s[missing[a]] * solver.conditionalCovariance[a * nm + a].squareRoot() }
        }
        deviation.update(repeating: 0, count: p)
        for b in 0..<no {
            let j = observed[b]
            deviation[j] = row[j] / s[j] - mu[j] / s[j]
        }
        solver.conditionalDeviations(deviation, into: conditional, work: work)
        for a in 0..<nm {
            let j = missing[a]
            row[j] = mu[j] + s[j] * conditional[a]
        }
    }

    /// Replaces the NaN cells of `row` by their conditional means (the label of `GaussianModel`'s
    /// `impute(row:)` is the one to use).
    @available(*, deprecated, renamed: "impute(row:)")
    public func impute(_ row: inout [Double]) throws { try impute(row: &row) }

    /// The conditional standard deviation of each NaN cell of `row`.
    @available(*, deprecated, renamed: "conditionalStandardDeviations(row:)")
    public func conditionalStandardDeviations(_ row: [Double]) throws -> [Double] { try conditionalStandardDeviations(row: row) }

    private func split(_ row: [Double]) throws(DataError) -> (observed: [Int], missing: [Int]) {
        guard row.count == model.dimension else {
            throw .columnCountMismatch(count: row.count, expected: model.dimension)
        }
        // Room for every column at once: growing by appends reallocated several times a row.
        var o: [Int] = [], m: [Int] = []
        o.reserveCapacity(row.count)
        m.reserveCapacity(row.count)
        for (j, v) in row.enumerated() {
            if v.isNaN { m.append(j) } else if v.isInfinite { throw .infiniteValue(row: 0, column: j) } else { o.append(j) }
        }
        return (o, m)
    }
}
