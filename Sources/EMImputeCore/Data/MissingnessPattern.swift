/// Which variables of a row are missing, as an exact bitset (bit `j` set ⇔ column `j` missing).
///
/// Exact at any width: unlike integer codes such as `2^j` (which overflow at p ≥ 32) or
/// floating-point keys (which collide), two rows share a pattern only if they miss exactly
/// the same columns.
public struct MissingnessPattern: Hashable, Sendable, Comparable {
    /// The bits, 64 columns per word, column 0 in the lowest bit of word 0.
    public let words: [UInt64]
    /// Number of columns the pattern ranges over.
    public let columnCount: Int

    /// A pattern from its words.
    init(words: [UInt64], columnCount: Int) {
        self.words = words
        self.columnCount = columnCount
    }

    /// The pattern that misses exactly `missingColumns` out of `columnCount`.
    public init(missingColumns: some Sequence<Int>, columnCount: Int) {
        var w = [UInt64](repeating: 0, count: Self.wordCount(columnCount))
        for j in missingColumns {
            precondition(j >= 0 && j < columnCount, "column out of range")
            w[j >> 6] |= 1 << UInt64(j & 63)
        }
        self.init(words: w, columnCount: columnCount)
    }

    /// Whether both miss the same columns out of the same number. Compares the words in place
    /// (no element-by-element array iteration for the usual single word).
    public static func == (a: Self, b: Self) -> Bool {
        guard a.columnCount == b.columnCount else { return false }
        if a.words.count == 1 && b.words.count == 1 { return a.words[0] == b.words[0] }
        return a.words == b.words
    }

    /// Hashes the words only: patterns of one table share their column count, so hashing it
    /// (and the array's length) as the synthesized conformance did only costs time.
    public func hash(into hasher: inout Hasher) {
        if words.count == 1 { hasher.combine(words[0]); return }
        for w in words { hasher.combine(w) }
    }

    /// Words needed for `columnCount` bits.
    static func wordCount(_ columnCount: Int) -> Int { max(1, (columnCount + 63) / 64) }

    /// Whether column `j` is missing.
    public func isMissing(_ j: Int) -> Bool { words[j >> 6] & (1 << UInt64(j & 63)) != 0 }

    /// The missing columns, ascending.
    public var missingColumns: [Int] { (0..<columnCount).filter(isMissing) }
    /// The observed columns, ascending.
    public var observedColumns: [Int] { (0..<columnCount).filter { !isMissing($0) } }
    /// Number of missing columns.
    public var missingCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether the ascending list of this pattern's missing columns precedes `other`'s
    /// lexicographically (`missingColumns.lexicographicallyPrecedes(other.missingColumns)`),
    /// without making the lists.
    func missingColumnsPrecede(_ other: Self) -> Bool {
        let x = words, y = other.words
        for w in x.indices where x[w] != y[w] {
            let low = (x[w] ^ y[w]) & (~(x[w] ^ y[w]) &+ 1)  // lowest differing column d
            // Both lists agree below d. The one missing d precedes unless the other ends there.
            func hasMissingAbove(_ z: [UInt64]) -> Bool {
                z[w] & ~(low | (low &- 1)) != 0 || z[(w + 1)...].contains { $0 != 0 }
            }
            return x[w] & low != 0 ? hasMissingAbove(y) : !hasMissingAbove(x)
        }
        return false
    }

    /// Writes the missing columns (ascending) to `missing` and the observed ones to
    /// `observed`, each with room for `columnCount`; returns how many are missing.
    func split(missing: UnsafeMutablePointer<Int>, observed: UnsafeMutablePointer<Int>) -> Int {
        var nm = 0, no = 0
        for j in 0..<columnCount {
            if words[j >> 6] & (1 << UInt64(j & 63)) != 0 { missing[nm] = j; nm += 1 } else { observed[no] = j; no += 1 }
        }
        return nm
    }

    /// Orders patterns by fewer missing columns first, then by the lowest differing column
    /// missing last — so the complete-data pattern comes first.
    public static func < (a: Self, b: Self) -> Bool {
        let (ca, cb) = (a.missingCount, b.missingCount)
        if ca != cb { return ca < cb }
        for (x, y) in zip(a.words, b.words) where x != y {
            let low = (x ^ y) & (~(x ^ y) &+ 1)  // lowest differing bit
            return x & low == 0                  // a observes it: a first
        }
        return false
    }
}
