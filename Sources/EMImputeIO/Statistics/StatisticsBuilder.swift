import EMImputeCore

/// The sink that turns the records of one part of a CSV into per-pattern statistics: every
/// column that may be modelled is read as a number (a cell that is not one counts as missing
/// here; if the column turns out to be text it is marginalised out at the end, exactly), and
/// every column is tallied (`ColumnTally`) for the classification rule the loader uses.
final class StatisticsBuilder: CSVRecordSink {
    private let tokens: MissingTokens
    /// The first error (a row of the wrong width, or an error establishing the columns).
    var error: CSVError? { frame.error }
    var shouldStop: Bool { frame.hasFailed }

    // Touched for every cell by one thread only.
    @exclusivity(unchecked) private var frame: RecordFrame
    @exclusivity(unchecked) private(set) var rows = 0
    @exclusivity(unchecked) private(set) var tallies: [ColumnTally] = []
    /// Per input column, its place among the candidate columns, or −1.
    @exclusivity(unchecked) private var slot: [Int] = []
    /// Per candidate column, the range and integer-ness of its numbers.
    @exclusivity(unchecked) private(set) var ranges: [ImputedValueAdjustment.ObservedRange] = []
    @exclusivity(unchecked) private var row: [Double] = []
    /// The candidate columns' statistics.
    private(set) var statistics = PatternStatistics(columnNames: [])

    /// The columns, once established.
    var columns: ColumnSelection? { frame.columns }
    /// Whether a record (header included) has been seen.
    var hasRecords: Bool { frame.hasRecords }

    /// A builder for a part of the input; `columns` nil means the part begins the input and
    /// its first record establishes them (the header, or the first data row without one).
    init(options: CSVReadOptions, file: String, columns: ColumnSelection?, skipsHeader: Bool) {
        tokens = MissingTokens(options.missingTokens)
        frame = RecordFrame(options: options, file: file, columns: columns, skipsHeader: skipsHeader)
        if let columns { prepare(columns) }
    }

    private func prepare(_ selection: ColumnSelection) {
        tallies = Array(repeating: ColumnTally(), count: selection.count)
        var next = 0
        slot = selection.isCandidate.map { candidate in
            defer { if candidate { next += 1 } }
            return candidate ? next : -1
        }
        let names = selection.names.indices.filter { selection.isCandidate[$0] }.map { selection.names[$0] }
        ranges = Array(repeating: .init(minimum: .infinity, maximum: -.infinity, isAllIntegers: true), count: names.count)
        row = Array(repeating: .nan, count: names.count)
        statistics = PatternStatistics(columnNames: names)
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        if let j = frame.column(of: bytes) { cell(j, bytes, line: line) }
    }

    func endRecord(line: Int) {
        guard frame.endRecord(line: line, establish: prepare, cell: { j, bytes in cell(j, bytes, line: line) }) == .row else { return }
        rows += 1
        // Every candidate cell of the row has been written; NaN marks missing (and, in a
        // column that will turn out to be text, every cell that is not a number). The row
        // has the statistics' width and no infinite cell (the parser reads none), so adding
        // it cannot fail.
        row.withUnsafeBufferPointer { try? statistics.add($0) }
    }

    @inline(__always)
    private func cell(_ j: Int, _ raw: UnsafeBufferPointer<UInt8>, line: Int) {
        let c = slot[j]
        switch tallies[j].read(raw, tokens: tokens, isCandidate: c >= 0, line: line) {
        case .number(let v):
            row[c] = v
            // As `ImputedValueAdjustment` takes them, ties (0 and −0) included.
            ranges[c].minimum = min(ranges[c].minimum, v)
            ranges[c].maximum = max(ranges[c].maximum, v)
            if ranges[c].isAllIntegers, v.rounded() != v { ranges[c].isAllIntegers = false }
        case .missing, .other:
            if c >= 0 { row[c] = .nan }
        }
    }

    /// Folds in the builder of the part that follows this one.
    /// - Throws: `DataError` only if the two were built over different columns (a bug).
    func merge(_ later: StatisticsBuilder) throws {
        rows += later.rows
        for j in tallies.indices { tallies[j].merge(later.tallies[j]) }
        for c in ranges.indices { ranges[c].merge(later.ranges[c]) }
        try statistics.merge(later.statistics)
    }
}

extension ImputedValueAdjustment.ObservedRange {
    /// Adds the range of other values of the same column.
    mutating func merge(_ other: Self) {
        minimum = min(minimum, other.minimum)
        maximum = max(maximum, other.maximum)
        isAllIntegers = isAllIntegers && other.isAllIntegers
    }
}
