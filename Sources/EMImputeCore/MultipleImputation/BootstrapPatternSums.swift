import Foundation

/// What the Bayesian-bootstrap sums of every imputation share: the usable missingness
/// patterns (ascending, each with its observed and missing columns and its row count), the
/// working scale z = (x − μ̂)/s of the full-data fit, the seed, and which patterns keep their
/// rows instead of sums (`walksRows`). Built once from the pattern counts — of a matrix, or
/// of pass 1 over a file — before any row is weighted.
struct BootstrapPlan: @unchecked Sendable {
    let p: Int
    let center: [Double]
    let scale: [Double]
    let seed: UInt64
    /// The usable patterns (something observed), ascending.
    let observed: [[Int]]
    let missing: [[Int]]
    let rowCounts: [Int]
    /// Per usable pattern: its E-step walks its rows (fewer rows than |o|/2: cheaper than
    /// S_g B, and less memory than S_g) instead of reading its sums.
    let walksRows: [Bool]
    /// Per usable pattern, where its W, s and packed S begin in an imputation's buffer (−1
    /// for a pattern that walks its rows).
    let offset: [Int]
    /// The length of an imputation's buffer.
    let sumsSize: Int
    /// Rows with something observed: the weights of an imputation are normalised to sum to it.
    let usableRows: Int
    private let wordCount: Int
    /// Bits of the missing columns → position among the usable patterns, −1 for the pattern
    /// with nothing observed.
    private let positions: [MissingnessPattern: Int32]
    private let singleWordPositions: [UInt64: Int32]

    /// A plan for the patterns `counts` (every pattern of the data, with its row count; the
    /// pattern with nothing observed is skipped) on the scale of `model`.
    init(patterns counts: [(pattern: MissingnessPattern, rowCount: Int)], center: [Double], scale: [Double], seed: UInt64) {
        let p = center.count
        self.p = p
        self.center = center
        self.scale = scale
        self.seed = seed
        wordCount = MissingnessPattern.wordCount(p)
        let sorted = counts.sorted { $0.pattern < $1.pattern }
        var observed: [[Int]] = [], missing: [[Int]] = [], rowCounts: [Int] = [], walks: [Bool] = [], offset: [Int] = []
        var positions: [MissingnessPattern: Int32] = [:], single: [UInt64: Int32] = [:]
        var size = 0, usable = 0
        for (pattern, n) in sorted {
            let o = pattern.observedColumns
            let position: Int32 = o.isEmpty ? -1 : Int32(observed.count)
            if wordCount == 1 { single[pattern.words[0]] = position } else { positions[pattern] = position }
            guard !o.isEmpty else { continue }
            let k = o.count
            observed.append(o)
            missing.append(pattern.missingColumns)
            rowCounts.append(n)
            usable += n
            let walk = 2 * n < k
            walks.append(walk)
            offset.append(walk ? -1 : size)
            if !walk { size += 1 + k + k * (k + 1) / 2 }
        }
        self.observed = observed
        self.missing = missing
        self.rowCounts = rowCounts
        walksRows = walks
        self.offset = offset
        sumsSize = size
        usableRows = usable
        self.positions = positions
        singleWordPositions = single
    }

    /// The position among the usable patterns of the row `x` (NaN where missing); −1 for a
    /// row with nothing observed, nil for a pattern the plan does not have.
    @inline(__always)
    func position(of x: UnsafePointer<Double>, words: UnsafeMutablePointer<UInt64>) -> Int? {
        if wordCount == 1 {
            var bits: UInt64 = 0
            for j in 0..<p where x[j].isNaN { bits |= 1 << UInt64(j) }
            return singleWordPositions[bits].map(Int.init)
        }
        for w in 0..<wordCount { words[w] = 0 }
        for j in 0..<p where x[j].isNaN { words[j >> 6] |= 1 << UInt64(j & 63) }
        let pattern = MissingnessPattern(words: Array(UnsafeBufferPointer(start: words, count: wordCount)), columnCount: p)
        return positions[pattern].map(Int.init)
    }

    /// Row `row`'s Bayesian-bootstrap weight in imputation m before normalisation: Exp(1)
    /// from (seed, m, row) only.
    @inline(__always)
    func rawWeight(imputation m: Int, row: Int) -> Double {
        var generator = SeededGenerator(seed: WeightedProblem.key(seed: seed, imputation: m, row: row, stream: 0))
        let u = (Double(generator.next() >> 11) + 0.5) / 9_007_199_254_740_992.0
        return -log(u)
    }
}

/// The Bayesian-bootstrap sufficient statistics of some imputations, accumulated row by row in
/// one pass over the data — a matrix or a file streamed in row order: per usable pattern g
/// and imputation m, W_g = Σ wᵢ, s_g = Σ wᵢ z_{i,o} and the packed upper triangle of
/// S_g = Σ wᵢ z_{i,o} z_{i,o}ᵀ (z on the fit's working scale, wᵢ the unnormalised weight), and
/// Σᵢ wᵢ over the usable rows; a pattern that walks its rows keeps them (z_o and the row
/// number, for every imputation at once) instead. The weighted EM then needs no pass over
/// the rows (`WeightedProblem.weightedEM`).
///
/// Each imputation's sums are added row by row in row order, by one thread, whatever the
/// batches the rows come in and the threads they are spread over: the sums, hence the draws,
/// are bit-identical for any thread count and equal for a matrix and for a file.
///
/// - Complexity: per row O(p) + per imputation O(|o|²); memory per imputation
///   O(Σ_g |o_g|²) over the patterns that keep sums, plus the kept rows once.
package final class BootstrapPatternSums: @unchecked Sendable {
    let plan: BootstrapPlan
    /// The imputations accumulated (1-based m), in order.
    let imputations: [Int]
    /// Per imputation (index in `imputations`), its buffer of `plan.sumsSize` values.
    private let buffers: [UnsafeMutablePointer<Double>]
    /// Per imputation, Σ wᵢ over the usable rows so far.
    private let totals: UnsafeMutablePointer<Double>
    /// Per usable pattern that walks its rows: z_o of each kept row, and its row number.
    private var keptValues: [[Double]]
    private var keptRows: [[Int]]
    /// Rows added so far.
    package private(set) var rowCount = 0

    init(plan: BootstrapPlan, imputations: [Int]) {
        self.plan = plan
        self.imputations = imputations
        buffers = imputations.map { _ in
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, plan.sumsSize))
            buffer.initialize(repeating: 0, count: max(1, plan.sumsSize))
            return buffer
        }
        totals = .allocate(capacity: max(1, imputations.count))
        totals.initialize(repeating: 0, count: max(1, imputations.count))
        keptValues = plan.walksRows.map { _ in [] }
        keptRows = plan.walksRows.map { _ in [] }
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        totals.deallocate()
    }

    /// Adds the next `count` rows (row-major, `plan.p` values each, original units, NaN where
    /// missing), numbered `rowCount`, `rowCount + 1`, …, spreading the imputations over up to
    /// `threads` threads.
    ///
    /// - Throws: `DataError.notTheFittedData` for a row whose pattern the plan does not have.
    package func add(_ rows: UnsafePointer<Double>, count n: Int, threads: Int) throws(DataError) {
        guard n > 0 else { return }
        let p = plan.p, first = rowCount
        // The rows on the working scale (the expression `NormalRowDraws` uses) and their patterns.
        let z = UnsafeMutablePointer<Double>.allocate(capacity: n * max(p, 1))
        let position = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: MissingnessPattern.wordCount(p) + 1)
        defer { z.deallocate(); position.deallocate(); words.deallocate() }
        // Locals, so that the loop reads the plan's arrays without retaining them per row.
        let plan = self.plan, scale = plan.scale, center = plan.center, walks = plan.walksRows
        var unknown = false
        scale.withUnsafeBufferPointer { scale in
            center.withUnsafeBufferPointer { center in
                for r in 0..<n {
                    let x = rows + r * p, out = z + r * p
                    guard let g = plan.position(of: x, words: words) else { unknown = true; return }
                    position[r] = Int32(g)
                    for j in 0..<p { out[j] = x[j].isNaN ? 0 : x[j] / scale[j] - center[j] / scale[j] }
                    if g >= 0, walks[g] {
                        for a in plan.observed[g] { keptValues[g].append(out[a]) }
                        keptRows[g].append(first + r)
                    }
                }
            }
        }
        if unknown { throw .notTheFittedData }
        rowCount += n
        let count = imputations.count
        let workers = max(1, min(count, threads))
        let imputations = self.imputations
        let shared = RowBatch(z: z, position: position, buffers: buffers, totals: totals)
        WorkerThreads.run(workers) { worker in
            var index = worker
            while index < count {
                Self.accumulate(plan: plan, imputation: imputations[index], sums: shared.buffers[index], total: shared.totals + index,
                                z: shared.z, position: shared.position, count: n, firstRow: first)
                index += workers
            }
        }
    }

    /// Imputation m's sums over rows `first ..< first + n`, in row order.
    private static func accumulate(plan: BootstrapPlan, imputation m: Int, sums: UnsafeMutablePointer<Double>,
                                   total: UnsafeMutablePointer<Double>, z: UnsafePointer<Double>, position: UnsafePointer<Int32>,
                                   count n: Int, firstRow first: Int) {
        let p = plan.p
        var weightTotal = total.pointee
        plan.observed.withUnsafeBufferPointer { observed in
            plan.offset.withUnsafeBufferPointer { offset in
                for r in 0..<n {
                    let g = Int(position[r])
                    guard g >= 0 else { continue }
                    let w = plan.rawWeight(imputation: m, row: first + r)
                    weightTotal += w
                    let start = offset[g]
                    guard start >= 0 else { continue }
                    let row = z + r * p
                    let base = sums + start
                    base[0] += w
                    let sum = base + 1
                    observed[g].withUnsafeBufferPointer { o in
                        let k = o.count
                        let squares = sum + k
                        var packed = 0
                        for a in 0..<k {
                            let wa = w * row[o[a]]
                            sum[a] += wa
                            for b in a..<k { squares[packed + b - a] += wa * row[o[b]] }
                            packed += k - a
                        }
                    }
                }
            }
        }
        total.pointee = weightTotal
    }

    /// Imputation m's sums with its weights normalised to sum to the usable rows, as the
    /// weighted EM reads them.
    func patternSums(imputation m: Int) -> WeightedProblem.PatternSums {
        guard let index = imputations.firstIndex(of: m) else { preconditionFailure("imputation \(m) was not accumulated") }
        let plan = plan, p = plan.p, raw = buffers[index]
        let factor = Double(plan.usableRows) / totals[index]
        var sums = WeightedProblem.PatternSums(total: Double(plan.usableRows), observed: plan.observed, missing: plan.missing,
                                               rowCounts: plan.rowCounts, observedT1: [Double](repeating: 0, count: p),
                                               observedT2: [Double](repeating: 0, count: p * p))
        var size = 0, largest = 0
        for g in plan.observed.indices {
            let k = plan.observed[g].count
            largest = max(largest, k)
            sums.sumOffset.append(size)
            if plan.walksRows[g] {
                sums.squareOffset.append(-1)
                sums.rowsOffset.append(size + k)
                size += k + plan.rowCounts[g] * (k + 1)
            } else {
                sums.squareOffset.append(size + k)
                sums.rowsOffset.append(-1)
                size += k + k * (k + 1) / 2
            }
        }
        sums.storage = [Double](repeating: 0, count: size)
        sums.weight = [Double](repeating: 0, count: plan.observed.count)
        // Packed squares of a pattern that walks its rows, added to T₂ and dropped.
        var spare = [Double](repeating: 0, count: max(1, largest * (largest + 1) / 2))
        sums.storage.withUnsafeMutableBufferPointer { sb in
            spare.withUnsafeMutableBufferPointer { spareBuffer in
                for g in plan.observed.indices {
                    let o = plan.observed[g], k = o.count
                    let sum = sb.baseAddress! + sums.sumOffset[g]
                    let squares: UnsafeMutablePointer<Double>
                    if plan.walksRows[g] {
                        squares = spareBuffer.baseAddress!
                        for e in 0..<(k * (k + 1) / 2) { squares[e] = 0 }
                        var copy = sb.baseAddress! + sums.rowsOffset[g]
                        var weight = 0.0
                        let values = keptValues[g]
                        for (t, i) in keptRows[g].enumerated() {
                            let wi = plan.rawWeight(imputation: m, row: i) * factor
                            weight += wi
                            copy[0] = wi
                            for a in 0..<k { copy[1 + a] = values[t * k + a] }
                            var packed = 0
                            for a in 0..<k {
                                let wa = wi * copy[1 + a]
                                sum[a] += wa
                                for b in a..<k { squares[packed + b - a] += wa * copy[1 + b] }
                                packed += k - a
                            }
                            copy += k + 1
                        }
                        sums.weight[g] = weight
                    } else {
                        squares = sb.baseAddress! + sums.squareOffset[g]
                        let base = raw + plan.offset[g]
                        sums.weight[g] = base[0] * factor
                        for e in 0..<(k + k * (k + 1) / 2) { sum[e] = base[1 + e] * factor }
                    }
                    var packed = 0
                    for a in 0..<k {
                        sums.observedT1[o[a]] += sum[a]
                        for b in a..<k {
                            let v = squares[packed + b - a]
                            sums.observedT2[o[a] * p + o[b]] += v
                            if b != a { sums.observedT2[o[b] * p + o[a]] += v }
                        }
                        packed += k - a
                    }
                }
            }
        }
        return sums
    }
}

/// One batch of rows on the working scale and the imputations' buffers, read by the workers
/// of `BootstrapPatternSums.add` (each writes the buffers of its own imputations only).
private struct RowBatch: @unchecked Sendable {
    let z: UnsafePointer<Double>
    let position: UnsafePointer<Int32>
    let buffers: [UnsafeMutablePointer<Double>]
    let totals: UnsafeMutablePointer<Double>

    init(z: UnsafeMutablePointer<Double>, position: UnsafeMutablePointer<Int32>, buffers: [UnsafeMutablePointer<Double>],
         totals: UnsafeMutablePointer<Double>) {
        self.z = UnsafePointer(z)
        self.position = UnsafePointer(position)
        self.buffers = buffers
        self.totals = totals
    }
}
