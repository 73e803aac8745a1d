/// The missing-value codes, matched against a cell's bytes without allocating.
///
/// One trimming rule serves cells, codes and header names alike (`trimmed(_:)`): the spaces
/// and tabs around the text are not part of it. A code is trimmed as a cell is, so
/// `--na ' 41 '` means the cells `41`, ` 41` and `"41 "`.
struct MissingTokens {
    private let tokens: [[UInt8]]
    private let longest: Int
    /// Whether some code reads as a number (`--na -99`): imputed numbers must then be
    /// spelled so that they never read back as that code.
    let includesNumber: Bool

    init(_ strings: [String]) {
        tokens = strings.map { Self.trimmed(Array($0.utf8)) }
        longest = tokens.map(\.count).max() ?? 0
        includesNumber = tokens.contains { code in
            code.withUnsafeBufferPointer { if case .success = DecimalParser.parse($0) { return true } else { return false } }
        }
    }

    /// Whether the cell (already trimmed with `trimmed(_:)`) is a missing-value code.
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

    /// The text without the spaces and tabs around it: the rule for cells, codes and names.
    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBufferPointer { Array($0.trimmingSpaces()) }
    }

    /// `trimmed(_:)` for a string.
    static func trimmed(_ text: String) -> String {
        String(decoding: trimmed(Array(text.utf8)), as: UTF8.self)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// The bytes without leading and trailing spaces and tabs (see `MissingTokens.trimmed`).
    @inline(__always)
    func trimmingSpaces() -> UnsafeBufferPointer<UInt8> {
        guard let base = baseAddress, count > 0 else { return self }
        // Most cells begin and end with a byte above the space: nothing to trim.
        if base[0] > 0x20, base[count - 1] > 0x20 { return self }
        var lo = 0, hi = count
        while lo < hi, base[lo] == 0x20 || base[lo] == 0x09 { lo += 1 }
        while hi > lo, base[hi - 1] == 0x20 || base[hi - 1] == 0x09 { hi -= 1 }
        return UnsafeBufferPointer(start: base + lo, count: hi - lo)
    }
}
