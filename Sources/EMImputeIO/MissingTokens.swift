/// The missing-value codes, matched against a cell's bytes without allocating.
struct MissingTokens {
    private let tokens: [[UInt8]]
    private let longest: Int

    init(_ strings: [String]) {
        tokens = strings.map { Array($0.utf8) }
        longest = tokens.map(\.count).max() ?? 0
    }

    /// Whether the cell (already trimmed of surrounding spaces) is a missing-value code.
    @inline(__always)
    func matches(_ cell: UnsafeBufferPointer<UInt8>) -> Bool {
        if cell.count > longest { return false }
        for t in tokens where t.count == cell.count {
            var same = true
            for k in 0..<t.count where t[k] != cell[k] { same = false; break }
            if same { return true }
        }
        return false
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes without leading and trailing spaces and tabs.
    @inline(__always)
    func trimmingSpaces() -> UnsafeBufferPointer<UInt8> {
        guard let base = baseAddress else { return self }
        var lo = 0, hi = count
        while lo < hi, base[lo] == 0x20 || base[lo] == 0x09 { lo += 1 }
        while hi > lo, base[hi - 1] == 0x20 || base[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(start: base + lo, count: hi - lo)
    }
}
