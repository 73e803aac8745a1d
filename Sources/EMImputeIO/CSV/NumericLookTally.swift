/// What the non-numeric cells of one column look like, tallied as the loader reads them, to
/// tell a text column from a numeric one the loader could not read (`CSVWarning.textLooksNumeric`).
///
/// The rule, applied to a column read as text: let N be its cells that are numbers — plain,
/// or written with a decimal comma or thousands separators (`NumberNotation`) — and O its
/// other non-missing cells. When O takes at most `maximumDistinctTexts` distinct texts, each
/// of at most `maximumCodeLength` bytes counted, the most frequent of them (K cells) is taken
/// for an undeclared missing-value code. The column *looks numeric* when N ≥ 1 and N ≥ O − K:
/// its numbers are at least as many as the cells that are neither numbers nor that code.
///
/// Memory is bounded: a few counters, and at most `maximumDistinctTexts` short texts.
struct NumericLookTally {
    static let maximumDistinctTexts = 32
    static let maximumCodeLength = 32

    /// Cells with a decimal comma (`1,5`), thousands separators, or `1,000`-like ones.
    private(set) var decimalComma = 0
    private(set) var thousands = 0
    private(set) var ambiguous = 0
    /// Cells that are numbers in a notation the loader does not read.
    var numbers: Int { decimalComma + thousands + ambiguous }
    /// Cells that are numbers in no notation.
    private(set) var others = 0
    /// The first cell of each notation, to show.
    private(set) var decimalCommaExample: [UInt8] = []
    private(set) var thousandsExample: [UInt8] = []
    private(set) var ambiguousExample: [UInt8] = []
    /// Distinct other texts and their counts, in order of first appearance; emptied (and
    /// `isFreeText` set) once there are more than `maximumDistinctTexts`.
    private var texts: [[UInt8]] = []
    private var counts: [Int] = []
    private(set) var isFreeText = false

    /// Adds a non-missing cell that `DecimalParser` did not read.
    mutating func add(_ cell: UnsafeBufferPointer<UInt8>) {
        switch NumberNotation.of(cell) {
        case .decimalComma:
            decimalComma += 1
            if decimalCommaExample.isEmpty { decimalCommaExample = Array(cell) }
        case .thousandsSeparators:
            thousands += 1
            if thousandsExample.isEmpty { thousandsExample = Array(cell) }
        case .ambiguousComma:
            ambiguous += 1
            if ambiguousExample.isEmpty { ambiguousExample = Array(cell) }
        case .other:
            others += 1
            guard !isFreeText, cell.count <= Self.maximumCodeLength else { return }
            for k in texts.indices where texts[k].count == cell.count && texts[k].elementsEqual(cell) {
                counts[k] += 1
                return
            }
            if texts.count == Self.maximumDistinctTexts {
                isFreeText = true
                texts = []
                counts = []
            } else {
                texts.append(Array(cell))
                counts.append(1)
            }
        }
    }

    /// Adds the tally of cells that came after this tally's: the result is the tally of
    /// all of them, read in order (texts keep their order of first appearance).
    mutating func merge(_ later: NumericLookTally) {
        if decimalCommaExample.isEmpty { decimalCommaExample = later.decimalCommaExample }
        if thousandsExample.isEmpty { thousandsExample = later.thousandsExample }
        if ambiguousExample.isEmpty { ambiguousExample = later.ambiguousExample }
        decimalComma += later.decimalComma
        thousands += later.thousands
        ambiguous += later.ambiguous
        others += later.others
        if later.isFreeText { isFreeText = true; texts = []; counts = [] }
        guard !isFreeText else { return }
        for (text, count) in zip(later.texts, later.counts) {
            if let k = texts.firstIndex(of: text) { counts[k] += count; continue }
            if texts.count == Self.maximumDistinctTexts { isFreeText = true; texts = []; counts = []; return }
            texts.append(text)
            counts.append(count)
        }
    }

    /// The most frequent other text and its count (the first seen among equals), unless the
    /// column is free text.
    var candidateCode: (text: [UInt8], count: Int)? {
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] || (counts[$0] == counts[$1] && $0 > $1) }) else { return nil }
        return (texts[best], counts[best])
    }

    /// The evidence that a text column with `plainNumbers` numeric cells looks numeric, or
    /// nil when it does not (the rule above).
    func evidence(plainNumbers: Int) -> [CSVWarning.NumericEvidence]? {
        let numbers = plainNumbers + decimalComma + thousands + ambiguous
        let code = candidateCode
        guard numbers >= 1, numbers >= others - (code?.count ?? 0) else { return nil }
        var evidence: [CSVWarning.NumericEvidence] = []
        // `1,000` is a decimal comma in a column that has unambiguous ones, thousands otherwise.
        let commaCells = decimalComma + (decimalComma > 0 ? ambiguous : 0)
        let thousandsCells = thousands + (decimalComma > 0 ? 0 : ambiguous)
        if commaCells > 0 {
            evidence.append(.decimalComma(cells: commaCells, example: Self.shown(decimalCommaExample)))
        }
        if thousandsCells > 0 {
            evidence.append(.thousandsSeparators(cells: thousandsCells, example: Self.shown(thousandsExample.isEmpty ? ambiguousExample : thousandsExample)))
        }
        if let code {
            evidence.append(.undeclaredCode(code: String(decoding: code.text, as: UTF8.self), cells: code.count))
        }
        return evidence
    }

    private static func shown(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { PrintableText.of($0).text }
    }
}
