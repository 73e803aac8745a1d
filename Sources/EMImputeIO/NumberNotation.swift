/// Recognises numbers written in a notation the loader does not read — a decimal comma
/// (`1,5`, `1.234,5`) or thousands separators (`1,000`, `12,345.6`, `1 000`, `1'000`) — so
/// that a column of them is reported instead of silently read as text.
///
/// A number here is an optional sign, then digits in groups split by separators, where
/// - one `,` that is the last separator is a decimal comma (`-0,25`, `1234,5`, `,5`), with any
///   earlier separators (`.`, space, `'`) as thousands separators in groups of three;
/// - otherwise every separator (`,`, `.`, space, `'`) is a thousands separator: the first group
///   has 1–3 digits, every later one exactly 3; a final `.` fraction may follow (`1,234.5`).
/// `1,000` is either (a thousand, or one with a decimal comma): `ambiguousComma`.
enum NumberNotation: Equatable {
    /// A decimal comma.
    case decimalComma
    /// Thousands separators (with a decimal point, if any).
    case thousandsSeparators
    /// A single `,` before exactly three digits, after 1–3 digits not starting with 0: `1,000`.
    case ambiguousComma
    /// Not a number in either notation.
    case other

    /// The notation of a cell that `DecimalParser` did not read (already trimmed).
    ///
    /// - Complexity: O(length).
    static func of(_ cell: UnsafeBufferPointer<UInt8>) -> NumberNotation {
        var i = 0
        let n = cell.count
        if i < n, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { i += 1 }
        // Most text fails here, at its first character.
        guard i < n, cell[i] &- 48 < 10 || cell[i] == UInt8(ascii: ",") else { return .other }
        var groups: [Int] = []        // digits per group
        var separators: [UInt8] = []  // between the groups
        var digits = 0
        while i < n {
            let b = cell[i]
            if b &- 48 < 10 {
                digits += 1
            } else if b == UInt8(ascii: ",") || b == UInt8(ascii: ".") || b == UInt8(ascii: " ") || b == UInt8(ascii: "'") {
                groups.append(digits)
                separators.append(b)
                digits = 0
            } else {
                return .other
            }
            i += 1
        }
        groups.append(digits)
        guard !separators.isEmpty, groups.dropFirst().allSatisfy({ $0 > 0 }) else { return .other }
        let comma = UInt8(ascii: ",")
        let last = separators.count - 1
        let thousandsGroups = { (count: Int) in
            (1...3).contains(groups[0]) && groups[1..<count].allSatisfy { $0 == 3 }
        }
        if separators[last] == comma, separators.dropLast().allSatisfy({ $0 != comma }) {
            // A decimal comma, with thousands separators of one kind before it.
            if last == 0 {
                // `1,000` may be a thousand; `0,500`, `1,5` and `1234,5` may not.
                let firstDigit = cell[cell[0] &- 48 < 10 ? 0 : 1]
                let couldBeThousands = (1...3).contains(groups[0]) && groups[1] == 3 && firstDigit != UInt8(ascii: "0")
                return couldBeThousands ? .ambiguousComma : .decimalComma
            }
            guard Set(separators.dropLast()).count == 1, thousandsGroups(last + 1) else { return .other }
            return .decimalComma
        }
        // Thousands separators of one kind, then perhaps a decimal point.
        let hasFraction = separators[last] == UInt8(ascii: ".") && separators.dropLast().allSatisfy { $0 != UInt8(ascii: ".") } && last > 0
        let grouping = hasFraction ? separators.dropLast() : separators[...]
        guard Set(grouping).count == 1, thousandsGroups(grouping.count + 1) else { return .other }
        return .thousandsSeparators
    }
}
