/// Splits CSV bytes that hold no quote byte into fields and records exactly as libcsv does
/// (the rules of `FieldBytes`), in place and eight bytes at a time: pass 1's fast path.
///
/// Without quotes libcsv's strict grammar is small: a record ends at CR or LF; blank and
/// spaces-only lines are no record; a field runs to the next delimiter or record end and
/// loses its surrounding spaces; at the end of input an unfinished record is one record.
/// `CSVReader` uses the scanner only on a range's bytes up to the first block that holds a
/// quote, and hands the rest to libcsv from a record start, where libcsv's state is the
/// scanner's. Tests compare the two record by record on random inputs.
struct QuoteFreeScanner {
    /// Bytes that must be readable (of any value) after the data given to `scan`: the scan
    /// loads whole eight-byte words.
    static let padding = 8

    private let rules: FieldBytes
    private let delimiterWord: UInt64
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let crWord = 0x0D * ones
    private static let lfWord = 0x0A * ones

    init(delimiter: UInt8) {
        rules = FieldBytes(delimiter: delimiter)
        delimiterWord = UInt64(delimiter) &* Self.ones
    }

    /// Hands every field and record end of `bytes` to `sink`, as libcsv would.
    ///
    /// - Parameters:
    ///   - bytes: input without a quote byte that begins at a record start (or in the blank
    ///     lines before one), followed in memory by `padding` readable bytes.
    ///   - isFinal: whether the input ends with `bytes`: its last record then needs no record end.
    ///   - line: the line on which `bytes` begins; advanced past every LF consumed.
    /// - Returns: the bytes consumed: all when `isFinal` (or once `sink.shouldStop`, up to
    ///   a record start), else up to the last record end; the rest is an unfinished record.
    /// - Complexity: O(`bytes.count`).
    @inline(__always)
    func scan<Sink: CSVRecordSink>(_ bytes: UnsafeBufferPointer<UInt8>, isFinal: Bool, line: inout Int, into sink: Sink) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        let delimiter = rules.delimiter
        // Every record before `limit` is complete; when final, the last may end at the end.
        var limit = bytes.count
        if !isFinal {
            while limit > 0, !FieldBytes.isRecordEnd(base[limit - 1]) { limit -= 1 }
        }
        var pos = 0
        while true {
            // libcsv's ROW_NOT_BEGUN: spaces and record ends before a record are skipped.
            while pos < limit {
                let b = base[pos]
                if b == 0x0A { line += 1 } else if b != 0x0D, !rules.isSpace(b) { break }
                pos += 1
            }
            if pos == limit || sink.shouldStop { return pos }
            while true {
                let end = nextSpecial(base, from: pos, limit: limit)
                var first = pos, last = end
                while first < last, rules.isSpace(base[first]) { first += 1 }
                while last > first, rules.isSpace(base[last - 1]) { last -= 1 }
                sink.field(UnsafeBufferPointer(start: base + first, count: last - first), line: line)
                // Only at the end of the input: the last record has no record end.
                if end == limit { sink.endRecord(line: line); return limit }
                let b = base[end]
                pos = end + 1
                if b == delimiter { continue }
                sink.endRecord(line: line)
                if b == 0x0A { line += 1 }
                break
            }
        }
    }

    /// The first delimiter, CR or LF at or after `start`, or `limit`: a byte of `word ^
    /// pattern` is zero where the byte matches, and the lowest byte flagged by
    /// `(x − 0x01…) & ~x & 0x80…` is exactly the first zero byte of x.
    @inline(__always)
    private func nextSpecial(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int) -> Int {
        let high: UInt64 = 0x8080_8080_8080_8080
        var i = start
        while i < limit {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let d = word ^ delimiterWord, cr = word ^ Self.crWord, lf = word ^ Self.lfWord
            let found = ((d &- Self.ones) & ~d | (cr &- Self.ones) & ~cr | (lf &- Self.ones) & ~lf) & high
            if found != 0 { return min(i + found.trailingZeroBitCount >> 3, limit) }
            i += 8
        }
        return limit
    }
}
