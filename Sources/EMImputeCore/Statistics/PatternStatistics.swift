/// Everything EM needs from a table's rows under a multivariate normal model, summarised
/// per missingness pattern, built in one streaming pass and mergeable.
///
/// For the rows of one pattern the conditional means of the missing cells are affine in the
/// observed ones, so the E-step's contributions to Σx and Σxxᵀ, and the pattern's
/// observed-data log-likelihood, follow exactly from three numbers: the pattern's row count,
/// the mean of its observed variables and their centred cross-products (comoments). A
/// pattern with few rows keeps its rows instead (`PatternGroupStatistics`), which costs less
/// than |O| + |O|² numbers.
///
/// ```swift
/// var batch = PatternStatistics(columnNames: ["x", "y"])
/// try batch.add(row: [1, 2]); try batch.add(row: [2, .nan])
/// var total = PatternStatistics(columnNames: ["x", "y"])
/// try total.merge(batch)                   // any number of batches, in any grouping
/// let fit = try GaussianEM().fit(total)    // the same MLE as a fit on the rows
/// ```
///
/// Means and comoments are updated by Welford's recurrence and merged by Chan et al.'s
/// pairwise formula, both numerically stable. Values are stored divided by a per-column
/// power of two chosen from the column's first observed value when it is beyond 2^±64, so
/// columns of magnitude near 1e300 neither overflow nor lose precision (division by a power
/// of two is exact).
public struct PatternStatistics: Sendable, Equatable, Codable {
    /// The columns, in order.
    public let columnNames: [String]
    /// Rows added, including rows with nothing observed.
    public private(set) var rowCount: Int = 0
    /// Per column, the power of two that stored values are divided by (1 until a first
    /// observed value beyond 2^±64 sets it).
    public private(set) var units: [Double]
    /// The groups, by pattern.
    public private(set) var groups: [MissingnessPattern: PatternGroupStatistics] = [:]
    /// A pattern keeps its rows while it has at most this many; beyond, its moments.
    public let rowLimit: RowLimit

    /// When a pattern keeps its rows.
    public enum RowLimit: Sendable, Equatable, Codable {
        /// While the rows cost less memory than the moments: n·|O| ≤ |O| + |O|(|O|+1)/2,
        /// about |O|/2 rows.
        case automatic
        /// Always keep rows (the row-wise engine; for tests and for row-level models).
        case always
        /// Never keep rows beyond the first (moments from the start).
        case never

        func keepsRows(count n: Int, observed o: Int) -> Bool {
            switch self {
            case .automatic: return n * o <= o + o * (o + 1) / 2
            case .always: return true
            case .never: return false
            }
        }
    }

    /// Empty statistics over `columnNames`.
    public init(columnNames: [String], rowLimit: RowLimit = .automatic) {
        self.columnNames = columnNames
        self.rowLimit = rowLimit
        units = [Double](repeating: 1, count: columnNames.count)
        unitIsSet = [Bool](repeating: false, count: columnNames.count)
        keyWords = [UInt64](repeating: 0, count: MissingnessPattern.wordCount(columnNames.count))
    }

    /// Whether the kept rows' cells have been moved to a `KeptRowStorage`
    /// (`moveKeptRows(to:)`): the kept groups then hold their counts but not their cells.
    public internal(set) var keptRowsAreElsewhere = false
    /// Whether each column's unit has been chosen.
    private var unitIsSet: [Bool]
    /// Scratch for the pattern key of the row being added (not part of the value).
    private var keyWords: [UInt64]

    /// Number of columns.
    public var columnCount: Int { columnNames.count }

    /// Whether both summarise the same rows the same way (the key scratch aside).
    public static func == (a: Self, b: Self) -> Bool {
        a.columnNames == b.columnNames && a.rowCount == b.rowCount && a.units == b.units && a.unitIsSet == b.unitIsSet
            && a.rowLimit == b.rowLimit && a.groups == b.groups
    }

    /// Adds one row; NaN marks a missing cell.
    /// - Throws: `DataError.columnCountMismatch` for a row of another length,
    ///   `DataError.infiniteValue` for an infinite cell (row index: rows added so far).
    /// - Complexity: O(|O|²) for a pattern kept as moments, O(|O|) while it keeps rows.
    public mutating func add(row: [Double]) throws(DataError) {
        guard row.count == columnCount else { throw .columnCountMismatch(count: row.count, expected: columnCount) }
        try row.withUnsafeBufferPointer { (r) throws(DataError) in try add(r) }
    }

    /// Adds one row given as a buffer of `columnCount` cells; NaN marks a missing cell.
    ///
    /// Allocates nothing but a new pattern's group (and the amortised growth of a group's
    /// kept rows): the pattern key is built in a reused word buffer and the observed cells
    /// in stack scratch.
    public mutating func add(_ row: UnsafeBufferPointer<Double>) throws(DataError) {
        let p = columnCount
        guard row.count == p else { throw .columnCountMismatch(count: row.count, expected: p) }
        try withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * max(p, 1)) { (scratch) throws(DataError) in
            let observed = scratch.baseAddress!, delta = observed + p
            var o = 0
            // Up to 64 columns the key is one word, held inline; beyond, the words are
            // written in place (unique unless the last key was kept by a new group, and then
            // copied once).
            var word: UInt64 = 0
            for j in 0..<p {
                let v = row[j]
                if v.isNaN {
                    word |= 1 << UInt64(j & 63)
                } else {
                    guard v.isFinite else { throw .infiniteValue(row: rowCount, column: j) }
                    if !unitIsSet[j] { setUnit(j, from: v) }
                    observed[o] = v / units[j]
                    o += 1
                }
                if p > 64, j & 63 == 63 || j == p - 1 { keyWords[j >> 6] = word; word = 0 }
            }
            rowCount += 1
            let pattern = p <= 64 ? MissingnessPattern(word: word, columnCount: p) : MissingnessPattern(words: keyWords, columnCount: p)
            if o == 0 { groups[pattern, default: PatternGroupStatistics(observedCount: 0)].count += 1; return }
            // In place: one hash lookup, no copy of the group.
            let limit = rowLimit, x = UnsafeBufferPointer(start: observed, count: o)
            Self.update(&groups[pattern, default: PatternGroupStatistics(observedCount: o)]) { group in
                group.add(x, keepingRows: limit.keepsRows(count: group.count + 1, observed: o), scratch: delta)
            }
        }
    }

    private static func update(_ group: inout PatternGroupStatistics, _ change: (inout PatternGroupStatistics) -> Void) {
        change(&group)
    }

    /// Adds every row of `data`.
    public init(_ data: IncompleteMatrix, rowLimit: RowLimit = .automatic) {
        self.init(columnNames: data.columnNames, rowLimit: rowLimit)
        let p = data.columnCount
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<data.rowCount {
                // An IncompleteMatrix holds no infinite value and has the right width.
                try! add(UnsafeBufferPointer(rebasing: x[(i * p)..<((i + 1) * p)]))
            }
        }
    }

    /// Folds `other` (statistics of other rows over the same columns) into these, as if its
    /// rows had been added here.
    /// - Throws: `DataError.columnsDiffer` when the columns are not the same, in order.
    public mutating func merge(_ other: PatternStatistics) throws(DataError) {
        precondition(!keptRowsAreElsewhere && !other.keptRowsAreElsewhere, "restore the kept rows before merging")
        guard other.columnNames == columnNames else {
            throw .columnsDiffer(missing: columnNames.filter { !other.columnNames.contains($0) },
                                 unexpected: other.columnNames.filter { !columnNames.contains($0) })
        }
        // A column's unit is the first one set; other's values are rescaled to it (exactly:
        // both are powers of two).
        var factor = [Double](repeating: 1, count: columnCount)
        for j in 0..<columnCount where other.unitIsSet[j] {
            if !unitIsSet[j] { unitIsSet[j] = true; units[j] = other.units[j] }
            factor[j] = other.units[j] / units[j]
        }
        rowCount += other.rowCount
        // Each pattern merges on its own, so the order of the patterns (hash order here) does
        // not change the result.
        let rescales = factor.contains { $0 != 1 }
        // At most one growth (rehash) for the whole merge instead of one per doubling.
        groups.reserveCapacity(groups.count + other.groups.count)
        for (pattern, group) in other.groups {
            var incoming = group
            if rescales { incoming.rescale(by: pattern.observedColumns.map { factor[$0] }) }
            fold(incoming, into: pattern)
        }
    }

    /// The statistics of the same rows over the columns `kept` only (ascending indices): the
    /// other columns are marginalised out — dropped from each group's rows or moments, and
    /// groups that then share a pattern merged. Exact: a streaming reader can model every
    /// column that looks numeric and drop those that turn out to be text at the end.
    public func keepingColumns(_ kept: [Int]) -> PatternStatistics {
        var out = PatternStatistics(columnNames: kept.map { columnNames[$0] }, rowLimit: rowLimit)
        out.rowCount = rowCount
        out.units = kept.map { units[$0] }
        out.unitIsSet = kept.map { unitIsSet[$0] }
        for pattern in patterns {
            let group = groups[pattern]!
            let observed = pattern.observedColumns
            // Positions, within the group's observed variables, of the kept observed columns.
            let positions = observed.enumerated().filter { kept.contains($0.element) }.map(\.offset)
            let missing = kept.enumerated().filter { pattern.isMissing($0.element) }.map(\.offset)
            let reduced = MissingnessPattern(missingColumns: missing, columnCount: kept.count)
            let part = group.keepingVariables(positions)
            if positions.isEmpty {
                out.groups[reduced, default: PatternGroupStatistics(observedCount: 0)].count += group.count
                continue
            }
            out.fold(part, into: reduced)
        }
        return out
    }

    /// Folds `incoming` (rows of `pattern`) into the pattern's group. A pattern new here takes
    /// the group as it is — exactly, where merging into an empty group would round the mean
    /// (δ·n/n) — unless it keeps more rows than the row limit allows.
    private mutating func fold(_ incoming: PatternGroupStatistics, into pattern: MissingnessPattern) {
        let limit = rowLimit
        // One lookup for a pattern already here, merged in place through the index.
        if let index = groups.index(forKey: pattern) {
            groups.values[index].merge(incoming, keepingRows: limit.keepsRows(count: groups.values[index].count + incoming.count,
                                                                              observed: incoming.observedCount))
            return
        }
        if !incoming.keepsRows || limit.keepsRows(count: incoming.count, observed: incoming.observedCount) {
            groups[pattern] = incoming
            return
        }
        var group = PatternGroupStatistics(observedCount: incoming.observedCount)
        group.merge(incoming, keepingRows: limit.keepsRows(count: incoming.count, observed: incoming.observedCount))
        groups[pattern] = group
    }

    /// Hands the kept rows' cells to `write` (in `KeptRowStorage` order, one group's cells per
    /// call) and drops them from memory: the groups keep their counts, and
    /// `keptRowsAreElsewhere` is set. Such statistics are fitted with the storage that holds
    /// the cells (`GaussianEM.fit(_:keptRows:progress:)`) and get them back with
    /// `restoreKeptRows(from:)` before anything else reads their rows (moments, merging,
    /// encoding).
    ///
    /// - Throws: what `write` throws.
    /// - Complexity: O(kept cells); the cells are dropped group by group as they are written.
    public mutating func moveKeptRows(to write: (UnsafeBufferPointer<Double>) throws -> Void) rethrows {
        for pattern in keptRowPatterns {
            let index = groups.index(forKey: pattern)!
            try groups.values[index].rows!.withUnsafeBufferPointer { try write($0) }
            groups.values[index].dropRows()
        }
        keptRowsAreElsewhere = true
    }

    /// Reads the kept rows' cells back from `storage` (which holds them in `KeptRowStorage`
    /// order): the inverse of `moveKeptRows(to:)`.
    /// - Throws: `DataError.keptRowsDiffer` when `storage` holds another number of cells,
    ///   and what reading it throws.
    public mutating func restoreKeptRows(from storage: any KeptRowStorage) throws {
        guard keptRowsAreElsewhere else { return }
        guard storage.cellCount == keptCellCount else { throw DataError.keptRowsDiffer(cells: storage.cellCount, expected: keptCellCount) }
        var start = 0
        for pattern in keptRowPatterns {
            let index = groups.index(forKey: pattern)!
            let cells = groups.values[index].count * groups.values[index].observedCount
            let rows = try [Double](unsafeUninitializedCapacity: cells) { buffer, initialized in
                try storage.readCells(start..<(start + cells), into: buffer.baseAddress!)
                initialized = cells
            }
            groups.values[index].restoreRows(rows)
            start += cells
        }
        keptRowsAreElsewhere = false
    }

    /// The patterns, in `MissingnessPattern` order (complete rows first).
    public var patterns: [MissingnessPattern] { groups.keys.sorted() }

    private mutating func setUnit(_ j: Int, from v: Double) {
        unitIsSet[j] = true
        let magnitude = abs(v)
        guard magnitude > 0x1p64 || (magnitude < 0x1p-64 && magnitude > 0) else { return }
        units[j] = Double(sign: .plus, exponent: magnitude.exponent, significand: 1)
    }
}

/// The rows of one missingness pattern: their count and either the rows themselves or the
/// mean and comoment matrix of their observed variables (in the statistics' units).
///
/// The comoment is stored as its upper triangle while it is exactly symmetric — always after
/// Welford's updates, which write each entry and its mirror alike — and in full once Chan's
/// merge has made it not so ((w·δ_a)·δ_b and (w·δ_b)·δ_a may round apart). Every reader sees
/// the same numbers as the full matrix: the packed form only halves the memory.
public struct PatternGroupStatistics: Sendable, Equatable, Codable {
    /// Observed variables of the pattern (|O|).
    public let observedCount: Int
    /// Rows of the pattern.
    public fileprivate(set) var count: Int = 0
    /// The rows' observed cells, row after row, while the group keeps its rows; nil once
    /// it keeps moments.
    public private(set) var rows: [Double]?
    /// Mean of the observed variables (|O|), when the group keeps moments.
    public private(set) var mean: [Double]?
    /// Σ (x − x̄)(x − x̄)ᵀ over the rows, when the group keeps moments: |O|×|O| row-major, or
    /// (`comomentIsPacked`) its upper triangle row by row, |O|(|O| + 1)/2 values.
    private(set) var storedComoment: [Double]?

    /// Σ (x − x̄)(x − x̄)ᵀ over the rows, |O|×|O| row-major, when the group keeps moments.
    /// - Complexity: O(|O|²): the full matrix is made from the stored triangle when packed.
    public var comoment: [Double]? {
        guard let c = storedComoment else { return nil }
        guard comomentIsPacked else { return c }
        let o = observedCount
        var full = [Double](repeating: 0, count: o * o)
        var i = 0
        for a in 0..<o {
            for b in a..<o { full[a * o + b] = c[i]; full[b * o + a] = c[i]; i += 1 }
        }
        return full
    }

    /// Whether `storedComoment` holds the upper triangle only (the matrix is exactly symmetric).
    var comomentIsPacked: Bool { storedComoment.map { $0.count != observedCount * observedCount } ?? false }

    /// Where row `a` of the upper triangle begins in a packed |O|×|O| comoment.
    @inline(__always)
    static func packedRowStart(_ a: Int, order o: Int) -> Int { a * (2 * o - a + 1) / 2 }

    /// Entry (a, b) of the comoment (the group keeps moments).
    @inline(__always)
    func comomentEntry(_ a: Int, _ b: Int) -> Double {
        let o = observedCount
        guard comomentIsPacked else { return storedComoment![a * o + b] }
        let (i, j) = a <= b ? (a, b) : (b, a)
        return storedComoment![Self.packedRowStart(i, order: o) + j - i]
    }

    /// Stores the full comoment `c` as its upper triangle when it is exactly symmetric (bit for
    /// bit), so that the packed form reads the same numbers.
    private mutating func storeComoment(_ c: [Double]) {
        let o = observedCount
        for a in 0..<o {
            for b in (a + 1)..<o where c[a * o + b].bitPattern != c[b * o + a].bitPattern {
                storedComoment = c
                return
            }
        }
        var packed = [Double]()
        packed.reserveCapacity(o * (o + 1) / 2)
        for a in 0..<o { packed.append(contentsOf: c[(a * o + a)..<((a + 1) * o)]) }
        storedComoment = packed
    }

    /// Whether both hold the same rows or the same moments (the comoment compared in full,
    /// whichever form each stores).
    public static func == (x: Self, y: Self) -> Bool {
        x.observedCount == y.observedCount && x.count == y.count && x.rows == y.rows && x.mean == y.mean
            && (x.comomentIsPacked == y.comomentIsPacked ? x.storedComoment == y.storedComoment : x.comoment == y.comoment)
    }

    private enum CodingKeys: String, CodingKey { case observedCount, count, rows, mean, comoment }

    /// Decodes a group (the comoment in full, row-major).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        observedCount = try c.decode(Int.self, forKey: .observedCount)
        count = try c.decode(Int.self, forKey: .count)
        rows = try c.decodeIfPresent([Double].self, forKey: .rows)
        mean = try c.decodeIfPresent([Double].self, forKey: .mean)
        if let full = try c.decodeIfPresent([Double].self, forKey: .comoment) {
            guard full.count == observedCount * observedCount else {
                throw DecodingError.dataCorruptedError(forKey: .comoment, in: c, debugDescription: "expected \(observedCount)×\(observedCount) values")
            }
            storeComoment(full)
        }
    }

    /// Encodes the group (the comoment in full, row-major).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(observedCount, forKey: .observedCount)
        try c.encode(count, forKey: .count)
        try c.encodeIfPresent(rows, forKey: .rows)
        try c.encodeIfPresent(mean, forKey: .mean)
        try c.encodeIfPresent(comoment, forKey: .comoment)
    }

    init(observedCount: Int) {
        self.observedCount = observedCount
        rows = []
    }

    /// Whether the group keeps its rows.
    public var keepsRows: Bool { rows != nil }

    /// The group's mean and comoment, computed from its rows when it keeps them.
    public var moments: (mean: [Double], comoment: [Double]) {
        if let mean, let comoment { return (mean, comoment) }  // made in full from the triangle
        var m = Self(observedCount: observedCount)
        m.convertToMoments()
        let o = observedCount
        let r = rows ?? []
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(o, 1)) { scratch in
            r.withUnsafeBufferPointer { r in
                for i in 0..<count { m.add(UnsafeBufferPointer(rebasing: r[(i * o)..<((i + 1) * o)]), keepingRows: false, scratch: scratch.baseAddress!) }
            }
        }
        return (m.mean ?? [Double](repeating: 0, count: o), m.comoment ?? [Double](repeating: 0, count: o * o))
    }

    /// The group's mean and the diagonal of its comoment: for a group that keeps its rows, the
    /// same numbers as `moments` gives (the diagonal of Welford's recurrence does not involve
    /// the other entries), at O(|O|) per row instead of O(|O|²).
    var diagonalMoments: (mean: [Double], comomentDiagonal: [Double]) {
        let o = observedCount
        if let mean, storedComoment != nil { return (mean, (0..<o).map { comomentEntry($0, $0) }) }
        return Self.diagonalMoments(ofRows: rows ?? [], count: count, observed: o)
    }

    /// `diagonalMoments` of `count` rows of `o` observed cells, row after row.
    static func diagonalMoments(ofRows r: [Double], count: Int, observed o: Int) -> (mean: [Double], comomentDiagonal: [Double]) {
        var mean = [Double](repeating: 0, count: o), diagonal = [Double](repeating: 0, count: o)
        for i in 0..<count {
            let n = Double(i + 1), w = (n - 1) / n
            for a in 0..<o {
                let delta = r[i * o + a] - mean[a]
                mean[a] += delta / n
                diagonal[a] += w * delta * delta
            }
        }
        return (mean, diagonal)
    }

    /// Adds one row's observed cells `x` (|O| of them); `scratch` has room for |O| values.
    mutating func add(_ x: UnsafeBufferPointer<Double>, keepingRows: Bool, scratch delta: UnsafeMutablePointer<Double>) {
        let o = observedCount
        if rows != nil, !keepingRows { convertToMoments() }
        count += 1
        if rows != nil { rows!.append(contentsOf: x); return }
        // Welford: δ = x − x̄ₙ₋₁; x̄ₙ = x̄ₙ₋₁ + δ/n; Mₙ = Mₙ₋₁ + (n−1)/n · δδᵀ.
        let n = Double(count)
        mean!.withUnsafeMutableBufferPointer { mean in
            for a in 0..<o { delta[a] = x[a] - mean[a]; mean[a] += delta[a] / n }
        }
        let w = (n - 1) / n
        if comomentIsPacked {
            // The upper triangle, row by row: the same operations on the same entries as below.
            storedComoment!.withUnsafeMutableBufferPointer { c in
                var i = 0
                for a in 0..<o {
                    let wa = w * delta[a]
                    for b in a..<o { c[i] += wa * delta[b]; i += 1 }
                }
            }
            return
        }
        // The upper triangle is updated and each new entry copied to its mirror at once (one
        // pass over the matrix instead of a second, strided one: the same numbers).
        storedComoment!.withUnsafeMutableBufferPointer { c in
            let base = c.baseAddress!
            for a in 0..<o {
                let wa = w * delta[a], row = base + a &* o
                row[a] += wa * delta[a]
                var mirror = row + (a &+ o)  // (b, a) for b = a + 1, a + 2, …
                for b in (a + 1)..<o {
                    let v = row[b] + wa * delta[b]
                    row[b] = v
                    mirror.pointee = v
                    mirror += o
                }
            }
        }
    }

    /// Adds the rows of `other` (same pattern, same units).
    mutating func merge(_ other: PatternGroupStatistics, keepingRows: Bool) {
        let o = observedCount
        if keepingRows, rows != nil, let r = other.rows {
            rows!.append(contentsOf: r)
            count += other.count
            return
        }
        if rows != nil { convertToMoments() }
        if let r = other.rows {
            withUnsafeTemporaryAllocation(of: Double.self, capacity: max(o, 1)) { scratch in
                r.withUnsafeBufferPointer { r in
                    for i in 0..<other.count {
                        add(UnsafeBufferPointer(rebasing: r[(i * o)..<((i + 1) * o)]), keepingRows: false, scratch: scratch.baseAddress!)
                    }
                }
            }
            return
        }
        // Chan et al.: δ = x̄_b − x̄_a; x̄ = x̄_a + δ·n_b/n; M = M_a + M_b + δδᵀ·n_a·n_b/n.
        let na = Double(count), nb = Double(other.count), n = na + nb
        guard nb > 0 else { return }
        let w = na * nb / n
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(o, 1)) { scratch in
            let delta = scratch.baseAddress!
            other.mean!.withUnsafeBufferPointer { otherMean in
                mean!.withUnsafeMutableBufferPointer { mean in
                    for a in 0..<o { delta[a] = otherMean[a] - mean[a]; mean[a] += delta[a] * nb / n }
                }
            }
            // The result is in general not exactly symmetric: kept in full.
            if comomentIsPacked { storedComoment = comoment }
            let otherComoment = other.comoment!
            otherComoment.withUnsafeBufferPointer { otherComoment in
                storedComoment!.withUnsafeMutableBufferPointer { c in
                    for a in 0..<o {
                        let wa = w * delta[a]
                        for b in 0..<o { c[a * o + b] += otherComoment[a * o + b] + wa * delta[b] }
                    }
                }
            }
        }
        count += other.count
    }

    /// The same rows over the variables at `positions` only.
    func keepingVariables(_ positions: [Int]) -> PatternGroupStatistics {
        let o = observedCount, k = positions.count
        var out = PatternGroupStatistics(observedCount: k)
        out.count = count
        if let r = rows {
            out.rows = []
            out.rows!.reserveCapacity(count * k)
            for i in 0..<count { for a in positions { out.rows!.append(r[i * o + a]) } }
        } else {
            out.rows = nil
            out.mean = positions.map { mean![$0] }
            out.storeComoment(positions.flatMap { a in positions.map { b in comomentEntry(a, b) } })
        }
        return out
    }

    /// Multiplies variable a's values by `factor[a]` (powers of two: exact).
    mutating func rescale(by factor: [Double]) {
        guard factor.contains(where: { $0 != 1 }) else { return }
        let o = observedCount
        if rows != nil { for i in 0..<count { for a in 0..<o { rows![i * o + a] *= factor[a] } } }
        if mean != nil { for a in 0..<o { mean![a] *= factor[a] } }
        if comomentIsPacked {
            // Entry (a, b) scaled by factor[a]·factor[b], as in full (the product commutes exactly).
            var i = 0
            for a in 0..<o { for b in a..<o { storedComoment![i] *= factor[a] * factor[b]; i += 1 } }
        } else if storedComoment != nil {
            for a in 0..<o { for b in 0..<o { storedComoment![a * o + b] *= factor[a] * factor[b] } }
        }
    }

    private mutating func convertToMoments() {
        let o = observedCount
        let kept = rows ?? []
        let n = count
        rows = nil
        count = 0
        mean = [Double](repeating: 0, count: o)
        // Welford's updates keep it exactly symmetric: packed from the start.
        storedComoment = [Double](repeating: 0, count: o * (o + 1) / 2)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(o, 1)) { scratch in
            kept.withUnsafeBufferPointer { r in
                for i in 0..<n { add(UnsafeBufferPointer(rebasing: r[(i * o)..<((i + 1) * o)]), keepingRows: false, scratch: scratch.baseAddress!) }
            }
        }
    }
}

// MARK: - Coding

/// A documented, deterministic encoding (the synthesized one would write the groups in hash
/// order, which changes from run to run):
///
/// ```json
/// { "columns": ["x", "y"], "rowCount": 3, "units": [1, 1], "rowLimit": "automatic",
///   "groups": [ { "missing": [],  "count": 2, "mean": [1.5, 2], "comoment": [[0.5, 0], [0, 0]] },
///               { "missing": [1], "count": 1, "rows": [[2]] } ] }
/// ```
///
/// Groups come in `MissingnessPattern` order; `missing` lists a group's missing columns
/// (0-based); a group has either `rows` (each row's observed cells, in column order) or `mean`
/// and `comoment` (over its observed columns). Values are in the column's unit: the number
/// meant is the stored one times `units[j]` (a power of two, 1 unless the column's values are
/// beyond 2^±64).
extension PatternStatistics {
    private enum CodingKeys: String, CodingKey { case columns, rowCount, units, rowLimit, groups }
    fileprivate enum GroupKeys: String, CodingKey { case missing, count, rows, mean, comoment }

    /// Decodes statistics, checking that every group fits the columns.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let names = try c.decode([String].self, forKey: .columns)
        let limit: RowLimit
        switch try c.decode(String.self, forKey: .rowLimit) {
        case "automatic": limit = .automatic
        case "always": limit = .always
        case "never": limit = .never
        case let other: throw DecodingError.dataCorruptedError(forKey: .rowLimit, in: c, debugDescription: "unknown row limit '\(other)'")
        }
        self.init(columnNames: names, rowLimit: limit)
        let p = names.count
        rowCount = try c.decode(Int.self, forKey: .rowCount)
        units = try c.decode([Double].self, forKey: .units)
        guard units.count == p, units.allSatisfy({ $0 > 0 && $0.isFinite && $0.significandBitPattern == 0 }) else {
            throw DecodingError.dataCorruptedError(forKey: .units, in: c, debugDescription: "expected \(p) positive powers of two")
        }
        var list = try c.nestedUnkeyedContainer(forKey: .groups)
        var total = 0
        while !list.isAtEnd {
            let g = try list.nestedContainer(keyedBy: GroupKeys.self)
            let missing = try g.decode([Int].self, forKey: .missing)
            guard missing.allSatisfy({ $0 >= 0 && $0 < p }), Set(missing).count == missing.count else {
                throw DecodingError.dataCorruptedError(forKey: .missing, in: g, debugDescription: "a missing column lies outside 0..<\(p) or repeats")
            }
            let pattern = MissingnessPattern(missingColumns: missing, columnCount: p)
            guard groups[pattern] == nil else {
                throw DecodingError.dataCorruptedError(forKey: .missing, in: g, debugDescription: "the pattern appears twice")
            }
            let o = p - missing.count
            var group = PatternGroupStatistics(observedCount: o)
            group.count = try g.decode(Int.self, forKey: .count)
            guard group.count > 0 else { throw DecodingError.dataCorruptedError(forKey: .count, in: g, debugDescription: "a group has no rows") }
            if let rows = try g.decodeIfPresent([[Double]].self, forKey: .rows) {
                guard rows.count == group.count, rows.allSatisfy({ $0.count == o && $0.allSatisfy(\.isFinite) }) else {
                    throw DecodingError.dataCorruptedError(forKey: .rows, in: g, debugDescription: "expected \(group.count) rows of \(o) finite values")
                }
                group.setRows(rows.flatMap { $0 })
            } else if o > 0 {
                let mean = try g.decode([Double].self, forKey: .mean)
                let comoment = try g.decode([[Double]].self, forKey: .comoment)
                guard mean.count == o, comoment.count == o, comoment.allSatisfy({ $0.count == o }),
                      mean.allSatisfy(\.isFinite), comoment.joined().allSatisfy(\.isFinite) else {
                    throw DecodingError.dataCorruptedError(forKey: .comoment, in: g, debugDescription: "expected a mean of \(o) and a \(o)×\(o) comoment, finite")
                }
                group.setMoments(mean: mean, comoment: Array(comoment.joined()))
            }
            for j in pattern.observedColumns { unitIsSet[j] = true }
            total += group.count
            groups[pattern] = group
        }
        guard total == rowCount else {
            throw DecodingError.dataCorruptedError(forKey: .rowCount, in: c, debugDescription: "the groups hold \(total) rows, not \(rowCount)")
        }
    }

    /// Encodes the statistics as documented above.
    public func encode(to encoder: any Encoder) throws {
        precondition(!keptRowsAreElsewhere, "restore the kept rows before encoding")
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(columnNames, forKey: .columns)
        try c.encode(rowCount, forKey: .rowCount)
        try c.encode(units, forKey: .units)
        let limit: String
        switch rowLimit {
        case .automatic: limit = "automatic"
        case .always: limit = "always"
        case .never: limit = "never"
        }
        try c.encode(limit, forKey: .rowLimit)
        var list = c.nestedUnkeyedContainer(forKey: .groups)
        for group in encodedGroups { try list.encode(group) }
    }

    /// The groups as `encode(to:)` writes them, one at a time and in the same order: for a
    /// writer that streams the groups instead of encoding them all at once (with
    /// `withoutGroups` for the rest).
    public var encodedGroups: some Sequence<EncodedGroup> {
        patterns.lazy.map { EncodedGroup(pattern: $0, group: self.groups[$0]!) }
    }

    /// These statistics with no group (the same columns, row count, units and row limit):
    /// what a streaming writer encodes around the groups it writes itself.
    public var withoutGroups: PatternStatistics {
        var copy = self
        copy.groups = [:]
        return copy
    }

    /// One group, encoded as an element of the `groups` list of the format above.
    public struct EncodedGroup: Encodable {
        let pattern: MissingnessPattern
        let group: PatternGroupStatistics

        /// Encodes `missing`, `count` and the rows or the moments.
        public func encode(to encoder: any Encoder) throws {
            precondition(!group.keepsRows || group.rows!.count == group.count * group.observedCount, "restore the kept rows before encoding")
            var g = encoder.container(keyedBy: GroupKeys.self)
            let o = group.observedCount
            try g.encode(pattern.missingColumns, forKey: .missing)
            try g.encode(group.count, forKey: .count)
            if o == 0 {
                return  // rows with nothing observed: their count says it all
            } else if let rows = group.rows {
                try g.encode((0..<group.count).map { Array(rows[($0 * o)..<(($0 + 1) * o)]) }, forKey: .rows)
            } else if let mean = group.mean, let comoment = group.comoment {  // in full
                try g.encode(mean, forKey: .mean)
                try g.encode((0..<o).map { Array(comoment[($0 * o)..<(($0 + 1) * o)]) }, forKey: .comoment)
            }
        }
    }
}

extension PatternGroupStatistics {
    fileprivate mutating func setRows(_ values: [Double]) { rows = values; mean = nil; storedComoment = nil }
    fileprivate mutating func setMoments(mean m: [Double], comoment c: [Double]) { rows = nil; mean = m; storeComoment(c) }
    /// Drops the kept rows' cells, keeping the count (`PatternStatistics.moveKeptRows(to:)`).
    mutating func dropRows() { rows = [] }
    /// Puts back the kept rows' cells (`PatternStatistics.restoreKeptRows(from:)`).
    mutating func restoreRows(_ values: [Double]) { rows = values }
}
