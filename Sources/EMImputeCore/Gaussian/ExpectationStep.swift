import Dispatch
import Foundation

/// The data as the E-step walks it, on the standardised scale: rows kept one by one,
/// grouped by missingness pattern and stored contiguously, and patterns summarised by their
/// moments (`StandardizedMoments`). Rows and patterns with nothing observed are left out.
struct StandardizedData {
    let p: Int
    /// Standardised cells of the kept rows, group after group; NaN where missing (empty when
    /// the rows come from `kept`).
    let values: [Double]
    /// Kept rows of per-pattern statistics, read from their storage (nil: they are `values`).
    var kept: KeptRowSource?
    /// The standardisation of `kept` and `moments` (nil for rows in `values`, already standardised).
    var scaling: ColumnScaling?
    /// The groups of kept rows: the range of rows of `values` each occupies.
    let groups: [(start: Int, count: Int)]
    /// Missing columns of each group of kept rows (ascending).
    let missing: [[Int]]
    /// Each group's pattern: its index in the `PatternLayout` (or in the statistics' patterns).
    let patternIndex: [Int]
    /// Patterns summarised by moments.
    let moments: [StandardizedMoments]
    /// Kept rows.
    let rowCount: Int

    /// Index of the first group whose rows extend past row `row` (binary search).
    func firstGroup(endingAfter row: Int) -> Int {
        var (lo, hi) = (0, groups.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if groups[mid].start + groups[mid].count <= row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Every row of `data` kept, in `layout` order.
    init(_ data: IncompleteMatrix, layout: PatternLayout, scaling: ColumnScaling) {
        p = data.columnCount
        var groups: [(Int, Int)] = []
        var missing: [[Int]] = []
        var patternOfGroup: [Int] = []
        var rows = 0
        for g in layout.patterns.indices where !layout.observed[g].isEmpty {
            groups.append((rows, layout.rowCount(ofPattern: g)))
            missing.append(layout.missing[g])
            patternOfGroup.append(g)
            rows += layout.rowCount(ofPattern: g)
        }
        self.groups = groups
        self.missing = missing
        patternIndex = patternOfGroup
        moments = []
        rowCount = rows
        var values = [Double](repeating: .nan, count: rows * p)
        let p = self.p
        values.withUnsafeMutableBufferPointer { out in
            data.values.withUnsafeBufferPointer { x in
                for (k, (start, count)) in groups.enumerated() {
                    let g = patternOfGroup[k]
                    for r in 0..<count {
                        let source = x.baseAddress! + layout.order[layout.groupStart[g] + r] * p
                        let target = out.baseAddress! + (start + r) * p
                        for j in 0..<p where !source[j].isNaN { target[j] = scaling.standardize(source[j], column: j) }
                    }
                }
            }
        }
        self.values = values
    }

    /// The groups of `statistics` (in its units), standardised by `scaling` (in the same units),
    /// with the kept rows read from `keptRows` (the statistics' own when nil). Nothing is
    /// copied: kept rows and moments are standardised as the E-step reads them.
    init(_ statistics: PatternStatistics, scaling: ColumnScaling, keptRows: (any KeptRowStorage)? = nil) {
        p = statistics.columnCount
        var groups: [(Int, Int)] = []
        var patterns: [MissingnessPattern] = []
        var cellStart: [Int] = []
        var moments: [StandardizedMoments] = []
        var rows = 0, cells = 0
        // Per group, only its pattern (shared with the statistics' key) is kept: its columns
        // are listed as the E-step reaches it, so memory does not grow with them.
        for pattern in statistics.expectationOrder {
            let group = statistics.groups[pattern]!
            guard group.observedCount > 0, group.count > 0 else { continue }
            if group.keepsRows {
                groups.append((rows, group.count))
                patterns.append(pattern)
                cellStart.append(cells)
                rows += group.count
                cells += group.count * group.observedCount
            } else {
                moments.append(StandardizedMoments(group, pattern: pattern))
            }
        }
        self.groups = groups
        missing = []
        patternIndex = []
        self.moments = moments
        values = []
        rowCount = rows
        kept = KeptRowSource(storage: keptRows ?? KeptRowsInMemory(statistics), cellStart: cellStart, patterns: patterns)
        self.scaling = scaling
    }
}

/// The kept rows of per-pattern statistics, read from a storage as the E-step walks them.
struct KeptRowSource {
    let storage: any KeptRowStorage
    /// Per group of kept rows, where its cells begin in the storage, and its pattern.
    let cellStart: [Int]
    let patterns: [MissingnessPattern]
}

/// One pattern's rows summarised by count, mean of the observed variables and their comoment
/// matrix, in the statistics' units (the arrays are the statistics' own, shared): the E-step
/// standardises them as it reads them.
struct StandardizedMoments {
    let count: Int
    let pattern: MissingnessPattern
    /// Mean of the observed variables (|O|), in the statistics' units.
    let mean: [Double]
    /// Comoment, in the statistics' units: |O|×|O| row-major, or its upper triangle row by
    /// row when `isPacked` (`PatternGroupStatistics.storedComoment`).
    let comoment: [Double]
    let isPacked: Bool

    /// The moments of `group`, which keeps moments (not rows).
    init(_ group: PatternGroupStatistics, pattern: MissingnessPattern) {
        count = group.count
        self.pattern = pattern
        mean = group.mean!
        comoment = group.storedComoment!
        isPacked = group.comomentIsPacked
    }
}

/// A shareable pointer for workers that write disjoint slots.
private struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Runs `body(0..<count)` on the calling thread and `count − 1` threads of its own, and
/// returns when all are done. Plain threads: a dispatch pool may run fewer at once.
enum WorkerThreads {
    static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else { if count == 1 { body(0) }; return }
        let group = DispatchGroup()
        for worker in 1..<count {
            group.enter()
            Thread.detachNewThread { body(worker); group.leave() }
        }
        body(0)
        group.wait()
    }
}

/// One E-step over all rows, in parallel over fixed row blocks.
///
/// The blocks depend only on n and p, and their statistics are added in block order, so
/// the result is bit-identical for any number of threads.
struct ExpectationStep {
    let data: StandardizedData
    let threads: Int
    /// Rows per block and rows per BLAS call.
    let blockRows: Int
    let chunkRows: Int

    init(data: StandardizedData, threads: Int) {
        self.data = data
        self.threads = max(1, threads)
        let p = max(data.p, 1)
        chunkRows = max(16, min(4096, 65_536 / p))
        // At most enough blocks to keep two p×p accumulators per block under ~64 MB.
        let maxBlocks = max(1, min(256, 4_000_000 / (p * p)))
        let blocks = max(1, min(maxBlocks, (data.rowCount + chunkRows - 1) / chunkRows))
        blockRows = max(1, (data.rowCount + blocks - 1) / blocks)
    }

    var blockCount: Int { data.rowCount == 0 ? 0 : (data.rowCount + blockRows - 1) / blockRows }

    /// Accumulates the statistics at `theta` whose precision is `precision` (row-major p×p).
    /// Returns nil if some pattern's K_mm is not positive definite.
    /// - Throws: what reading the kept rows from their storage throws.
    func run(mean: [Double], precision: [Double]) throws -> SufficientStatistics? {
        let p = data.p, rowBlocks = blockCount, blocks = rowBlocks + momentBlockCount
        var perBlock = [SufficientStatistics?](repeating: nil, count: blocks)
        var failures = [(any Error)?](repeating: nil, count: blocks)
        perBlock.withUnsafeMutableBufferPointer { slots in failures.withUnsafeMutableBufferPointer { failureSlots in
            let out = SendablePointer(base: slots.baseAddress!), failed = SendablePointer(base: failureSlots.baseAddress!)
            let workers = min(threads, blocks)
            // Worker w takes blocks w, w + workers, …: which thread computes a block never
            // changes its result, and the blocks are added in order below.
            let work: @Sendable (Int) -> Void = { worker in
                var solver = ConditionalSolver(columnCount: p)
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: chunkRows * p)
                let workspace = UnsafeMutablePointer<Double>.allocate(capacity: 3 * p * p + 2 * p)
                let columns = UnsafeMutablePointer<Int>.allocate(capacity: 2 * max(p, 1))
                defer { scratch.deallocate(); workspace.deallocate(); columns.deallocate() }
                var b = worker
                while b < blocks {
                    do {
                        out.base[b] = b < rowBlocks
                            ? try accumulate(block: b, mean: mean, precision: precision, solver: &solver, scratch: scratch,
                                             columns: columns)
                            : mean.withUnsafeBufferPointer { mu in
                                precision.withUnsafeBufferPointer { k in
                                    accumulate(momentBlock: b - rowBlocks, mean: mu.baseAddress!, precision: k.baseAddress!,
                                               solver: &solver, workspace: workspace, columns: columns)
                                }
                            }
                    } catch {
                        failed.base[b] = error
                    }
                    b += workers
                }
            }
            WorkerThreads.run(workers, work)
        } }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
        var total = SufficientStatistics(columnCount: p)
        for s in perBlock {
            guard let s else { return nil }
            total.add(s)
        }
        return total
    }

    /// Patterns summarised by moments per block: fixed, so the sums do not depend on threads.
    static let momentsPerBlock = 64
    var momentBlockCount: Int { (data.moments.count + Self.momentsPerBlock - 1) / Self.momentsPerBlock }

    /// The E-step contributions of the patterns kept as moments, exactly as their rows would
    /// give them. For a pattern with n rows, observed mean ȳ and comoment S, write d = ȳ − μ_o
    /// and A = −K_mm⁻¹ K_mo, so that each row's z = (z_o, A z_o) with z_o = x_o − μ_o. Then
    /// Σ z = n (d, A d) and Σ z zᵀ = L (S + n d dᵀ) Lᵀ with L = (I; A), to which the
    /// conditional covariance n K_mm⁻¹ is added on the missing block.
    ///
    /// `workspace` has room for 3p² + 2p values and `columns` for 2p; nothing is allocated
    /// per pattern.
    private func accumulate(momentBlock b: Int, mean mu: UnsafePointer<Double>, precision: UnsafePointer<Double>,
                            solver: inout ConditionalSolver, workspace: UnsafeMutablePointer<Double>,
                            columns: UnsafeMutablePointer<Int>) -> SufficientStatistics? {
        let p = data.p
        var stats = SufficientStatistics(columnCount: p)
        let a = workspace, gram = workspace + p * p, ag = workspace + 2 * p * p
        let d = workspace + 3 * p * p, ad = d + p
        let lo = b * Self.momentsPerBlock, hi = min(data.moments.count, lo + Self.momentsPerBlock)
        guard lo < hi, let scaling = data.scaling else { return stats }
        let scale = scaling.scale
        var logDeterminantSum = 0.0
        let ok = stats.sum.withUnsafeMutableBufferPointer { sumBuffer in
            stats.crossProduct.withUnsafeMutableBufferPointer { crossBuffer -> Bool in
                let sum = sumBuffer.baseAddress!, cross = crossBuffer.baseAddress!
                // Adds to the upper triangle of Σ z zᵀ.
                @inline(__always) func add(_ u: Int, _ v: Int, _ value: Double) {
                    if u <= v { cross[u * p + v] += value } else { cross[v * p + u] += value }
                }
                for g in lo..<hi {
                    let group = data.moments[g]
                    let nm = group.pattern.split(missing: columns, observed: columns + p)
                    let m = UnsafeBufferPointer(start: columns, count: nm), ob = UnsafeBufferPointer(start: columns + p, count: p - nm)
                    let solved = { () -> Bool in
                        guard solver.solve(precision: precision, missing: m) else { return false }
                        do {
                            group.mean.withUnsafeBufferPointer { ybar in
                                group.comoment.withUnsafeBufferPointer { comoment in
                                    let o = ob.baseAddress!
                                    let no = ob.count, n = Double(group.count)
                                    // A = −C K_mo, |m|×|o| row-major.
                                    let cc = solver.conditionalCovariance
                                    for r in 0..<nm {
                                        let ar = a + r * no
                                        for c in 0..<no { ar[c] = 0 }
                                        for t in 0..<nm {
                                            let crt = cc[r * nm + t]
                                            let row = precision + m[t] * p
                                            for c in 0..<no { ar[c] -= crt * row[o[c]] }
                                        }
                                    }
                                    // G = S + n d dᵀ, standardising ȳ and S as they are read (the
                                    // same operations, in the same order, as standardising first).
                                    for x in 0..<no { d[x] = scaling.standardize(ybar[x], column: o[x]) - mu[o[x]] }
                                    if group.isPacked {
                                        // Entry (x, y) of the symmetric comoment read from the
                                        // triangle: the same numbers as from the full matrix.
                                        for x in 0..<no {
                                            let nd = n * d[x], sx = scale[o[x]]
                                            let rowX = PatternGroupStatistics.packedRowStart(x, order: no) - x
                                            for y in 0..<x {
                                                let c = comoment[PatternGroupStatistics.packedRowStart(y, order: no) + x - y]
                                                gram[x * no + y] = c / sx / scale[o[y]] + nd * d[y]
                                            }
                                            for y in x..<no { gram[x * no + y] = comoment[rowX + y] / sx / scale[o[y]] + nd * d[y] }
                                        }
                                    } else {
                                        for x in 0..<no {
                                            let nd = n * d[x], sx = scale[o[x]]
                                            for y in 0..<no { gram[x * no + y] = comoment[x * no + y] / sx / scale[o[y]] + nd * d[y] }
                                        }
                                    }
                                    // AG (|m|×|o|) and A d.
                                    for r in 0..<nm {
                                        let agr = ag + r * no, ar = a + r * no
                                        for y in 0..<no { agr[y] = 0 }
                                        var s = 0.0
                                        for c in 0..<no {
                                            let arc = ar[c]
                                            s += arc * d[c]
                                            let gc = gram + c * no
                                            for y in 0..<no { agr[y] += arc * gc[y] }
                                        }
                                        ad[r] = s
                                    }
                                    for x in 0..<no {
                                        sum[o[x]] += n * d[x]
                                        let row = cross + o[x] * p, gx = gram + x * no
                                        // o ascending: o[x] ≤ o[y] for y ≥ x.
                                        for y in x..<no { row[o[y]] += gx[y] }
                                    }
                                    for r in 0..<nm {
                                        sum[m[r]] += n * ad[r]
                                        let agr = ag + r * no
                                        for y in 0..<no { add(m[r], o[y], agr[y]) }
                                        let row = cross + m[r] * p
                                        for r2 in r..<nm {
                                            // m ascending: m[r] ≤ m[r2].
                                            row[m[r2]] += n * cc[r * nm + r2] + ConditionalSolver.dot(agr, a + r2 * no, no)
                                        }
                                    }
                                    logDeterminantSum += n * solver.logDeterminantKmm
                                }
                            }
                        }
                        return true
                    }()
                    guard solved else { return false }
                    stats.rowCount += group.count
                    stats.observedCells += group.count * (p - nm)
                    stats.missingCells += group.count * nm
                }
                return true
            }
        }
        guard ok else { return nil }
        stats.logDeterminantSum = logDeterminantSum
        return stats
    }

    /// - Throws: what reading kept rows from their storage throws.
    private func accumulate(block b: Int, mean: [Double], precision: [Double],
                            solver: inout ConditionalSolver, scratch: UnsafeMutablePointer<Double>,
                            columns: UnsafeMutablePointer<Int>) throws -> SufficientStatistics? {
        let p = data.p
        let lo = b * blockRows, hi = min(data.rowCount, lo + blockRows)
        var stats = SufficientStatistics(columnCount: p)
        let sum = UnsafeMutablePointer<Double>.allocate(capacity: p)
        let cross = UnsafeMutablePointer<Double>.allocate(capacity: p * p)
        let conditionalDeviation = UnsafeMutablePointer<Double>.allocate(capacity: max(p, 1))
        let work = UnsafeMutablePointer<Double>.allocate(capacity: max(p, 1))
        sum.initialize(repeating: 0, count: p)
        cross.initialize(repeating: 0, count: p * p)
        defer { sum.deallocate(); cross.deallocate(); conditionalDeviation.deallocate(); work.deallocate() }
        var filled = 0

        // Adds the rows waiting in `scratch` to Σ z and, by one dsyrk, to Σ z zᵀ.
        func flush() {
            for r in 0..<filled {
                let z = scratch + r * p
                for j in 0..<p { sum[j] += z[j] }
            }
            BLAS.addGram(of: scratch, rows: filled, columns: p, into: cross)
            filled = 0
        }

        // Room for chunkRows kept rows read from their storage.
        let cells = data.kept == nil ? nil : UnsafeMutablePointer<Double>.allocate(capacity: chunkRows * max(p, 1))
        defer { cells?.deallocate() }
        var g = data.firstGroup(endingAfter: lo)
        let ok: Bool = try data.values.withUnsafeBufferPointer { x in
            try precision.withUnsafeBufferPointer { k in
                try mean.withUnsafeBufferPointer { mu in
                    while g < data.groups.count, data.groups[g].start < hi {
                        let group = data.groups[g]
                        // The missing columns: listed by the layout, or (kept rows) from the pattern.
                        let m: UnsafeBufferPointer<Int>
                        if let kept = data.kept {
                            m = UnsafeBufferPointer(start: columns, count: kept.patterns[g].split(missing: columns, observed: columns + p))
                        } else {
                            for (a, j) in data.missing[g].enumerated() { columns[a] = j }
                            m = UnsafeBufferPointer(start: columns, count: data.missing[g].count)
                        }
                        let nm = m.count, no = p - nm
                        let from = max(lo, group.start), to = min(hi, group.start + group.count)
                        let mp = m
                        let solved = try { () throws -> Bool in
                            guard solver.solve(precision: k.baseAddress!, missing: mp) else { return false }
                            let missingIndex = mp.baseAddress!
                            // z_m = −C (K_m· z), all computed before any is written into z.
                            @inline(__always) func complete(_ z: UnsafeMutablePointer<Double>) {
                                solver.conditionalDeviations(z, into: conditionalDeviation, work: work)
                                for a in 0..<nm { z[missingIndex[a]] = conditionalDeviation[a] }
                                filled += 1
                            }
                            guard let kept = data.kept, let scaling = data.scaling, let cells else {
                                for r in from..<to {
                                    if filled == chunkRows { flush() }
                                    let source = x.baseAddress! + r * p
                                    let z = scratch + filled * p
                                    // z = x − μ, zero where missing (the NaNs of x).
                                    for j in 0..<p {
                                        let d = source[j] - mu[j]
                                        z[j] = d.isNaN ? 0 : d
                                    }
                                    complete(z)
                                }
                                return true
                            }
                            // Kept rows from their storage, chunkRows rows per read, standardised
                            // as the rows in memory are: z = (x/s − c/s) − μ, zero where missing.
                            do {
                                let observed = columns + p
                                var r = from
                                while r < to {
                                    let piece = min(to - r, chunkRows)
                                    let first = kept.cellStart[g] + (r - group.start) * no
                                    try kept.storage.readCells(first..<(first + piece * no), into: cells)
                                    for i in 0..<piece {
                                        if filled == chunkRows { flush() }
                                        let z = scratch + filled * p, source = cells + i * no
                                        z.update(repeating: 0, count: p)
                                        for a in 0..<no {
                                            let j = observed[a]
                                            z[j] = scaling.standardize(source[a], column: j) - mu[j]
                                        }
                                        complete(z)
                                    }
                                    r += piece
                                }
                            }
                            return true
                        }()
                        if !solved { return false }
                        // The conditional covariance correction, once per pattern segment.
                        let rows = to - from
                        let weight = Double(rows)
                        let cc = solver.conditionalCovariance
                        for a in 0..<nm {
                            for c in a..<nm { cross[m[a] * p + m[c]] += weight * cc[a * nm + c] }
                        }
                        stats.rowCount += rows
                        stats.observedCells += rows * no
                        stats.missingCells += rows * nm
                        stats.logDeterminantSum += weight * solver.logDeterminantKmm
                        g += 1
                    }
                    return true
                }
            }
        }
        guard ok else { return nil }
        flush()
        stats.sum = Array(UnsafeBufferPointer(start: sum, count: p))
        stats.crossProduct = Array(UnsafeBufferPointer(start: cross, count: p * p))
        return stats
    }
}
