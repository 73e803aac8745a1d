/// The data records of one range of pass 2's input, as the writer needs them: each record's
/// modelled values (NaN = missing), the bytes of every missing modelled cell's field (what the
/// writer replaces; everything else is copied as it is) and, for a long-format output, where
/// each record starts.
///
/// Spans are those `RecordScanner` finds: a field runs from just after the delimiter before it
/// (for a record's first field, from just after the last record end before it, so that leading
/// spaces belong to the field) to the delimiter or record end after it.
struct RangeRecords {
    /// A missing modelled cell's field: bytes `start..<end` of the range, model column `column`.
    struct MissingField {
        var start: Int
        var end: Int
        var column: Int
    }

    /// Data records.
    var count = 0
    /// Modelled values, record after record (`count` × model columns).
    var values: [Double] = []
    /// Every missing modelled cell, by record and then by input column.
    var missing: [MissingField] = []
    /// Per record, the offset of its first byte after any blank lines before it (kept only
    /// when asked for).
    var starts: [Int] = []

    /// Empties the records, keeping the buffers' capacity.
    mutating func removeAll() {
        count = 0
        values.removeAll(keepingCapacity: true)
        missing.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }
}

extension RangeRecords {
    /// Reads the records of quote-free bytes from `QuoteFreeScanner` — pass 1's splitter, one
    /// scan for the values and the spans alike — with `RangeValues`'s rule for a cell (missing
    /// code, number, or a `mixedColumn` error) and its ragged-row check.
    final class QuoteFreeReader: CSVRecordSink {
        // Read and written on the scanning thread only, once per field: no dynamic exclusivity checks.
        @exclusivity(unchecked) private(set) var records: RangeRecords
        @exclusivity(unchecked) private(set) var error: (any Error)?
        var shouldStop: Bool { error != nil }
        private let base: UnsafePointer<UInt8>
        /// Bytes before `lower` are not the scan's; bytes from `upper` on are not data.
        private let lower: Int
        private let upper: Int
        private let columns: ModelColumns
        private let rules: FieldBytes
        private let keepsStarts: Bool
        /// Whether a cell is parsed before it is compared with the missing codes: the same
        /// result when no code reads as a number.
        private let parsesFirst: Bool
        private let tokens: MissingTokens
        private let modelIndex: UnsafeMutableBufferPointer<Int>
        private let row: UnsafeMutablePointer<Double>
        private let p: Int
        @exclusivity(unchecked) private var fieldIndex = 0

        /// A reader of the bytes `base[lower..<upper]`, filling `records` (emptied).
        init(base: UnsafePointer<UInt8>, lower: Int, upper: Int, columns: ModelColumns, delimiter: UInt8, keepsStarts: Bool,
             records: RangeRecords) {
            self.base = base
            self.lower = lower
            self.upper = upper
            self.columns = columns
            rules = FieldBytes(delimiter: delimiter)
            self.keepsStarts = keepsStarts
            tokens = columns.tokens
            parsesFirst = !columns.tokens.includesNumber
            modelIndex = .allocate(capacity: max(1, columns.modelIndex.count))
            _ = modelIndex.initialize(from: columns.modelIndex)
            p = columns.columnNames.count
            row = .allocate(capacity: max(1, p))
            row.initialize(repeating: .nan, count: max(1, p))
            self.records = records
            self.records.removeAll()
        }

        deinit {
            modelIndex.deallocate()
            row.deallocate()
        }

        /// Takes the records out (the reader is done with them).
        func takeRecords() -> RangeRecords {
            defer { records = RangeRecords() }
            return records
        }

        /// The offset where the field whose trimmed bytes begin at `offset` begins: the
        /// spaces before it are its own, back to a delimiter, a record end or the scan's start.
        @inline(__always)
        private func untrimmedStart(_ offset: Int) -> Int {
            var i = offset
            while i > lower, rules.isSpace(base[i - 1]) { i -= 1 }
            return i
        }

        @inline(__always)
        func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
            guard error == nil else { return }
            let j = fieldIndex
            fieldIndex += 1
            let offset = UnsafePointer(bytes.baseAddress!) - base
            if j == 0, keepsStarts { records.starts.append(untrimmedStart(offset)) }
            guard j < modelIndex.count else { return }
            let k = modelIndex[j]
            guard k >= 0 else { return }
            let cell = bytes.trimmingSpaces()
            if parsesFirst, case .success(let v) = DecimalParser.parse(cell) { row[k] = v; return }
            if tokens.matches(cell) {
                row[k] = .nan
                var end = offset + bytes.count
                while end < upper, rules.isSpace(base[end]) { end += 1 }
                records.missing.append(MissingField(start: untrimmedStart(offset), end: end, column: k))
                return
            }
            if !parsesFirst, case .success(let v) = DecimalParser.parse(cell) { row[k] = v; return }
            do {
                _ = try columns.value(of: bytes, model: k, column: j, line: line)
            } catch {
                self.error = error
            }
        }

        @inline(__always)
        func endRecord(line: Int) {
            guard error == nil else { return }
            defer { fieldIndex = 0 }
            guard fieldIndex == columns.columnCount else {
                error = CSVError(file: columns.file, line: line, kind: .raggedRow(expected: columns.columnCount, found: fieldIndex))
                return
            }
            records.values.append(contentsOf: UnsafeBufferPointer(start: row, count: p))
            records.count += 1
        }
    }
}
