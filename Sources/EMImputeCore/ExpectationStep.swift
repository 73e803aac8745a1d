import Dispatch
import Foundation

/// The data as the E-step walks it: rows with at least one observed variable, standardised,
/// grouped by missingness pattern and stored contiguously in that order.
struct StandardizedData {
    let p: Int
    let layout: PatternLayout
    /// Standardised cells of the rows in `layout.order` order (rows with nothing observed
    /// left out); NaN where missing.
    let values: [Double]
    /// Pattern indices that enter the E-step (at least one observed variable), with the
    /// range of rows of `values` each occupies.
    let groups: [(pattern: Int, start: Int, count: Int)]
    var rowCount: Int { values.count / max(p, 1) }

    /// Index of the first group whose rows extend past row `row` (binary search).
    func firstGroup(endingAfter row: Int) -> Int {
        var (lo, hi) = (0, groups.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if groups[mid].start + groups[mid].count <= row { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    init(_ data: IncompleteMatrix, layout: PatternLayout, scaling: ColumnScaling) {
        p = data.columnCount
        self.layout = layout
        var groups: [(Int, Int, Int)] = []
        var rows = 0
        for g in layout.patterns.indices where !layout.observed[g].isEmpty {
            groups.append((g, rows, layout.rowCount(ofPattern: g)))
            rows += layout.rowCount(ofPattern: g)
        }
        self.groups = groups
        var values = [Double](repeating: .nan, count: rows * p)
        let p = self.p
        values.withUnsafeMutableBufferPointer { out in
            data.values.withUnsafeBufferPointer { x in
                for (g, start, count) in groups {
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
    func run(mean: [Double], precision: [Double]) -> SufficientStatistics? {
        let p = data.p, blocks = blockCount
        var perBlock = [SufficientStatistics?](repeating: nil, count: blocks)
        perBlock.withUnsafeMutableBufferPointer { slots in
            let out = SendablePointer(base: slots.baseAddress!)
            let workers = min(threads, blocks)
            // Worker w takes blocks w, w + workers, …: which thread computes a block never
            // changes its result, and the blocks are added in order below.
            let work: @Sendable (Int) -> Void = { worker in
                var solver = ConditionalSolver(columnCount: p)
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: chunkRows * p)
                defer { scratch.deallocate() }
                var b = worker
                while b < blocks {
                    out.base[b] = accumulate(block: b, mean: mean, precision: precision, solver: &solver, scratch: scratch)
                    b += workers
                }
            }
            WorkerThreads.run(workers, work)
        }
        var total = SufficientStatistics(columnCount: p)
        for s in perBlock {
            guard let s else { return nil }
            total.add(s)
        }
        return total
    }

    private func accumulate(block b: Int, mean: [Double], precision: [Double],
                            solver: inout ConditionalSolver, scratch: UnsafeMutablePointer<Double>) -> SufficientStatistics? {
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

        var g = data.firstGroup(endingAfter: lo)
        let ok: Bool = data.values.withUnsafeBufferPointer { x in
            precision.withUnsafeBufferPointer { k in
                mean.withUnsafeBufferPointer { mu in
                    while g < data.groups.count, data.groups[g].start < hi {
                        let group = data.groups[g]
                        let m = data.layout.missing[group.pattern]
                        let nm = m.count, no = p - nm
                        let from = max(lo, group.start), to = min(hi, group.start + group.count)
                        let solved = m.withUnsafeBufferPointer { mp -> Bool in
                            guard solver.solve(precision: k.baseAddress!, missing: mp) else { return false }
                            let missingIndex = mp.baseAddress!
                            for r in from..<to {
                                if filled == chunkRows { flush() }
                                let source = x.baseAddress! + r * p
                                let z = scratch + filled * p
                                // z = x − μ, zero where missing (the NaNs of x).
                                for j in 0..<p {
                                    let d = source[j] - mu[j]
                                    z[j] = d.isNaN ? 0 : d
                                }
                                // z_m = −C (K_m· z), all computed before any is written into z.
                                solver.conditionalDeviations(z, into: conditionalDeviation, work: work)
                                for a in 0..<nm { z[missingIndex[a]] = conditionalDeviation[a] }
                                filled += 1
                            }
                            return true
                        }
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
