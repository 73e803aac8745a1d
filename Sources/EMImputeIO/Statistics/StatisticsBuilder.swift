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

    // Touched for every cell by one thread only. The per-cell state lives in buffers the
    // builder owns (allocated once the columns are known, freed in `deinit`): a cell costs no
    // uniqueness check or reference counting.
    @exclusivity(unchecked) private var frame: RecordFrame
    @exclusivity(unchecked) private(set) var rows = 0
    /// Per input column, its tally; its place among the candidate columns, or −1.
    @exclusivity(unchecked) private var tallyBuffer = UnsafeMutableBufferPointer<ColumnTally>(start: nil, count: 0)
    @exclusivity(unchecked) private var slot = UnsafeMutableBufferPointer<Int>(start: nil, count: 0)
    /// Per candidate column, the range and integer-ness of its numbers, and the row's cell.
    @exclusivity(unchecked) private var rangeBuffer = UnsafeMutableBufferPointer<ImputedValueAdjustment.ObservedRange>(start: nil, count: 0)
    @exclusivity(unchecked) private var row = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
    /// The candidate columns' statistics.
    private(set) var statistics = PatternStatistics(columnNames: [])

    /// Per input column, what its cells were.
    var tallies: [ColumnTally] { Array(tallyBuffer) }
    /// Per candidate column, the range and integer-ness of its numbers.
    var ranges: [ImputedValueAdjustment.ObservedRange] { Array(rangeBuffer) }

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

    deinit { release() }

    private func release() {
        tallyBuffer.baseAddress?.deinitialize(count: tallyBuffer.count)
        tallyBuffer.deallocate()
        slot.deallocate()
        rangeBuffer.deallocate()
        row.deallocate()
    }

    private func prepare(_ selection: ColumnSelection) {
        release()
        tallyBuffer = .allocate(capacity: selection.count)
        _ = tallyBuffer.initialize(from: repeatElement(ColumnTally(), count: selection.count))
        slot = .allocate(capacity: selection.count)
        var next = 0
        for (j, candidate) in selection.isCandidate.enumerated() {
            slot[j] = candidate ? next : -1
            if candidate { next += 1 }
        }
        let names = selection.names.indices.filter { selection.isCandidate[$0] }.map { selection.names[$0] }
        rangeBuffer = .allocate(capacity: names.count)
        rangeBuffer.initialize(repeating: .init(minimum: .infinity, maximum: -.infinity, isAllIntegers: true))
        row = .allocate(capacity: names.count)
        row.initialize(repeating: .nan)
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
        try? statistics.add(UnsafeBufferPointer(row))
    }

    @inline(__always)
    private func cell(_ j: Int, _ raw: UnsafeBufferPointer<UInt8>, line: Int) {
        let c = slot[j]
        switch tallyBuffer[j].read(raw, tokens: tokens, isCandidate: c >= 0, line: line) {
        case .number(let v):
            row[c] = v
            // As `ImputedValueAdjustment` takes them, ties (0 and −0) included.
            let range = rangeBuffer.baseAddress! + c
            range.pointee.minimum = min(range.pointee.minimum, v)
            range.pointee.maximum = max(range.pointee.maximum, v)
            if range.pointee.isAllIntegers, !Self.isInteger(v) { range.pointee.isAllIntegers = false }
        case .missing, .other:
            if c >= 0 { row[c] = .nan }
        }
    }

    /// Whether the finite `v` is an integer (`v.rounded() == v`), without a libm call: from
    /// 2^52 on every Double is one; below, truncation to Int64 is exact.
    @inline(__always)
    static func isInteger(_ v: Double) -> Bool { !(abs(v) < 0x1p52) || Double(Int64(v)) == v }

    /// Folds in the builder of the part that follows this one.
    /// - Throws: `DataError` only if the two were built over different columns (a bug).
    func merge(_ later: StatisticsBuilder) throws {
        rows += later.rows
        for j in tallyBuffer.indices { tallyBuffer[j].merge(later.tallyBuffer[j]) }
        for c in rangeBuffer.indices { rangeBuffer[c].merge(later.rangeBuffer[c]) }
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
