/// Which variables of a row are missing, as an exact bitset (bit `j` set ⇔ column `j` missing).
///
/// Exact at any width: unlike integer codes such as `2^j` (which overflow at p ≥ 32) or
/// floating-point keys (which collide), two rows share a pattern only if they miss exactly
/// the same columns.
///
/// Up to 64 columns the pattern is one integer held inline (no heap storage, no reference
/// counting: a dictionary keyed by patterns hashes and compares one word); wider patterns
/// keep the words beyond the first in an array.
public struct MissingnessPattern: Hashable, Sendable, Comparable {
    /// Columns 0..<64, column 0 in the lowest bit.
    let firstWord: UInt64
    /// Columns 64… (64 per word), nil when there are at most 64 columns.
    let laterWords: [UInt64]?
    /// Number of columns the pattern ranges over.
    public let columnCount: Int

    /// The bits, 64 columns per word, column 0 in the lowest bit of word 0.
    public var words: [UInt64] { [firstWord] + (laterWords ?? []) }

    /// A pattern from its words (`wordCount(columnCount)` of them).
    init(words: some Collection<UInt64>, columnCount: Int) {
        precondition(words.count == Self.wordCount(columnCount), "one word per 64 columns")
        firstWord = words.first!
        laterWords = words.count > 1 ? Array(words.dropFirst()) : nil
        self.columnCount = columnCount
    }

    /// A pattern of at most 64 columns from its only word.
    init(word: UInt64, columnCount: Int) {
        precondition(columnCount <= 64, "one word holds 64 columns")
        firstWord = word
        laterWords = nil
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

    /// Word `w` of the bits.
    @inline(__always)
    func word(_ w: Int) -> UInt64 { w == 0 ? firstWord : laterWords![w - 1] }

    /// Number of words.
    var wordCount: Int { 1 + (laterWords?.count ?? 0) }

    /// Whether both miss the same columns out of the same number.
    public static func == (a: Self, b: Self) -> Bool {
        a.columnCount == b.columnCount && a.firstWord == b.firstWord && a.laterWords == b.laterWords
    }

    /// Hashes the words only: patterns of one table share their column count, so hashing it
    /// only costs time.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(firstWord)
        if let laterWords { for w in laterWords { hasher.combine(w) } }
    }

    /// Words needed for `columnCount` bits.
    static func wordCount(_ columnCount: Int) -> Int { max(1, (columnCount + 63) / 64) }

    /// Whether column `j` is missing.
    public func isMissing(_ j: Int) -> Bool { word(j >> 6) & (1 << UInt64(j & 63)) != 0 }

    /// The missing columns, ascending.
    public var missingColumns: [Int] { (0..<columnCount).filter(isMissing) }
    /// The observed columns, ascending.
    public var observedColumns: [Int] { (0..<columnCount).filter { !isMissing($0) } }
    /// Number of missing columns.
    public var missingCount: Int { firstWord.nonzeroBitCount + (laterWords?.reduce(0) { $0 + $1.nonzeroBitCount } ?? 0) }

    /// Whether the ascending list of this pattern's missing columns precedes `other`'s
    /// lexicographically (`missingColumns.lexicographicallyPrecedes(other.missingColumns)`),
    /// without making the lists.
    func missingColumnsPrecede(_ other: Self) -> Bool {
        if laterWords == nil, other.laterWords == nil {
            let (x, y) = (firstWord, other.firstWord)
            guard x != y else { return false }
            let low = (x ^ y) & (~(x ^ y) &+ 1)  // lowest differing column d
            // Both lists agree below d. The one missing d precedes unless the other ends there.
            return x & low != 0 ? y & ~(low | (low &- 1)) != 0 : x & ~(low | (low &- 1)) == 0
        }
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
            if word(j >> 6) & (1 << UInt64(j & 63)) != 0 { missing[nm] = j; nm += 1 } else { observed[no] = j; no += 1 }
        }
        return nm
    }

    /// Orders patterns by fewer missing columns first, then by the lowest differing column
    /// missing last — so the complete-data pattern comes first.
    public static func < (a: Self, b: Self) -> Bool {
        let (ca, cb) = (a.missingCount, b.missingCount)
        if ca != cb { return ca < cb }
        if a.laterWords == nil, b.laterWords == nil {
            let (x, y) = (a.firstWord, b.firstWord)
            guard x != y else { return false }
            return x & ((x ^ y) & (~(x ^ y) &+ 1)) == 0
        }
        for (x, y) in zip(a.words, b.words) where x != y {
            let low = (x ^ y) & (~(x ^ y) &+ 1)  // lowest differing bit
            return x & low == 0                  // a observes it: a first
        }
        return false
    }
}
