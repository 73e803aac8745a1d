/// Rows grouped by missingness pattern: the order in which the E-step walks the data.
///
/// Patterns are numbered in `MissingnessPattern` order (complete rows first); `order` lists
/// the original row indices pattern after pattern, each group in ascending row order, so
/// the layout is a deterministic function of the data.
struct PatternLayout {
    /// The distinct patterns, ascending.
    let patterns: [MissingnessPattern]
    /// `order[groupStart[g]..<groupStart[g+1]]` are the rows of pattern `g`.
    let groupStart: [Int]
    /// Original row indices, grouped by pattern.
    let order: [Int]
    /// Observed column indices of each pattern.
    let observed: [[Int]]
    /// Missing column indices of each pattern.
    let missing: [[Int]]

    func rowCount(ofPattern g: Int) -> Int { groupStart[g + 1] - groupStart[g] }
    /// Rows with at least one observed cell (those that enter the likelihood).
    var rowsWithSomethingObserved: Int {
        patterns.indices.filter { !observed[$0].isEmpty }.reduce(0) { $0 + rowCount(ofPattern: $1) }
    }

    /// Groups the rows of `data`.
    ///
    /// - Complexity: O(n·p) expected: one hash of each row's bitset and a counting sort.
    init(_ data: IncompleteMatrix) {
        let n = data.rowCount, p = data.columnCount
        let w = MissingnessPattern.wordCount(p)
        // Each row's bitset, flat; hashed without per-row allocation.
        var bits = [UInt64](repeating: 0, count: n * w)
        data.values.withUnsafeBufferPointer { x in
            bits.withUnsafeMutableBufferPointer { b in
                for i in 0..<n {
                    let row = x.baseAddress! + i * p
                    let out = b.baseAddress! + i * w
                    for j in 0..<p where row[j].isNaN { out[j >> 6] |= 1 << UInt64(j & 63) }
                }
            }
        }
        var table = PatternTable(wordCount: w)
        var rowPattern = [Int32](repeating: 0, count: n)
        bits.withUnsafeBufferPointer { b in
            for i in 0..<n { rowPattern[i] = Int32(table.id(of: b.baseAddress! + i * w)) }
        }
        let found = (0..<table.count).map {
            MissingnessPattern(words: Array(table.representatives[($0 * w)..<(($0 + 1) * w)]), columnCount: p)
        }
        // Renumber patterns in ascending pattern order, then counting-sort the rows.
        let ranked = found.indices.sorted { found[$0] < found[$1] }
        var rank = [Int](repeating: 0, count: found.count)
        for (r, id) in ranked.enumerated() { rank[id] = r }
        var start = [Int](repeating: 0, count: found.count + 1)
        for i in 0..<n { start[rank[Int(rowPattern[i])] + 1] += 1 }
        for g in 0..<found.count { start[g + 1] += start[g] }
        var next = start
        var order = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let g = rank[Int(rowPattern[i])]
            order[next[g]] = i
            next[g] += 1
        }
        patterns = ranked.map { found[$0] }
        groupStart = start
        self.order = order
        observed = patterns.map(\.observedColumns)
        missing = patterns.map(\.missingColumns)
    }
}

/// An open-addressing hash set of bitsets, numbering each new bitset in order of arrival.
private struct PatternTable {
    let wordCount: Int
    private(set) var representatives: [UInt64] = []
    private(set) var count = 0
    private var slots = [Int32](repeating: -1, count: 64)

    init(wordCount: Int) { self.wordCount = wordCount }

    mutating func id(of key: UnsafePointer<UInt64>) -> Int {
        var slot = hash(key) & (slots.count - 1)
        while true {
            let s = Int(slots[slot])
            if s < 0 { break }
            if matches(key, s) { return s }
            slot = (slot + 1) & (slots.count - 1)
        }
        let id = count
        representatives.append(contentsOf: UnsafeBufferPointer(start: key, count: wordCount))
        count += 1
        slots[slot] = Int32(id)
        if count * 2 > slots.count { grow() }
        return id
    }

    private func matches(_ key: UnsafePointer<UInt64>, _ id: Int) -> Bool {
        let base = id * wordCount
        for k in 0..<wordCount where representatives[base + k] != key[k] { return false }
        return true
    }

    private func hash(_ key: UnsafePointer<UInt64>) -> Int {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15
        for k in 0..<wordCount {
            h = (h ^ key[k]) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 31
        }
        return Int(truncatingIfNeeded: h & 0x7FFF_FFFF_FFFF_FFFF)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for id in 0..<count {
            representatives.withUnsafeBufferPointer { r in
                var slot = hash(r.baseAddress! + id * wordCount) & (slots.count - 1)
                while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = Int32(id)
            }
        }
    }
}
