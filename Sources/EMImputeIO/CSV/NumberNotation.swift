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
    /// - Complexity: O(length), without allocating: it runs on every cell of a text column.
    static func of(_ cell: UnsafeBufferPointer<UInt8>) -> NumberNotation {
        let comma = UInt8(ascii: ","), dot = UInt8(ascii: ".")
        var i = 0
        let n = cell.count
        if i < n, cell[i] == UInt8(ascii: "+") || cell[i] == UInt8(ascii: "-") { i += 1 }
        // Most text fails here, at its first character.
        guard i < n, cell[i] &- 48 < 10 || cell[i] == comma else { return .other }
        let firstDigit = cell[i]
        var digits = 0                   // in the current group
        var separators = 0
        var firstGroup = 0               // digits before the first separator
        var first: UInt8 = 0, last: UInt8 = 0
        var commas = 0, dots = 0
        var allSame = true               // every separator equals the first
        var sameBeforeLast = true        // every separator but the last equals the first
        var middleGroupsOfThree = true   // every group ended by the second or a later separator
        while i < n {
            let b = cell[i]
            if b &- 48 < 10 {
                digits += 1
            } else if b == comma || b == dot || b == UInt8(ascii: " ") || b == UInt8(ascii: "'") {
                if separators == 0 {
                    firstGroup = digits
                    first = b
                } else {
                    guard digits > 0 else { return .other }
                    if digits != 3 { middleGroupsOfThree = false }
                }
                sameBeforeLast = allSame
                if b != first { allSame = false }
                separators += 1
                last = b
                if b == comma { commas += 1 }
                if b == dot { dots += 1 }
                digits = 0
            } else {
                return .other
            }
            i += 1
        }
        guard separators > 0, digits > 0 else { return .other }
        let firstGroupFits = (1...3).contains(firstGroup)
        if last == comma, commas == 1 {
            // A decimal comma, perhaps with thousands separators of one kind before it.
            if separators == 1 {
                // `1,000` may be a thousand; `0,500`, `1,5` and `1234,5` may not.
                return firstGroupFits && digits == 3 && firstDigit != UInt8(ascii: "0") ? .ambiguousComma : .decimalComma
            }
            return sameBeforeLast && firstGroupFits && middleGroupsOfThree ? .decimalComma : .other
        }
        // Thousands separators of one kind, then perhaps a decimal point.
        if last == dot, dots == 1, separators > 1 {
            return sameBeforeLast && firstGroupFits && middleGroupsOfThree ? .thousandsSeparators : .other
        }
        return allSame && firstGroupFits && middleGroupsOfThree && digits == 3 ? .thousandsSeparators : .other
    }
}
