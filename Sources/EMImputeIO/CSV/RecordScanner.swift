/// Finds the byte range of every field of a CSV record in raw input, by the same strict
/// RFC 4180 rules libcsv applies (quotes open only at a field's start, after optional spaces;
/// `""` inside quotes is a quote; CR, LF or CRLF end a record; blank lines, and lines of spaces only, are skipped).
///
/// The writers use it to copy untouched bytes exactly and replace only imputed fields.
struct RecordScanner {
    let delimiter: UInt8
    private let quote = FieldBytes.quote
    private let rules: FieldBytes

    /// One record found in a buffer.
    struct Record {
        /// Offset of the first byte after any blank (or spaces-only) lines before the record.
        var start = 0
        /// Offset just past the record's terminator.
        var end = 0
        /// Start and end offsets of each field (terminator and delimiters excluded).
        var fieldStart: [Int] = []
        var fieldEnd: [Int] = []
        var fieldCount: Int { fieldStart.count }
    }

    init(delimiter: UInt8) {
        self.delimiter = delimiter
        rules = FieldBytes(delimiter: delimiter)
    }

    /// libcsv's spaces (`FieldBytes.isSpace`).
    @inline(__always) private func isSpace(_ b: UInt8) -> Bool { rules.isSpace(b) }

    /// Scans the record that starts at or after `from` (skipping blank and spaces-only lines).
    /// Returns false when `bytes` ends before the record does and `isFinal` is false (more
    /// input is needed), or when there is no record left.
    func next(in bytes: UnsafeBufferPointer<UInt8>, from: Int, isFinal: Bool, into record: inout Record) -> Bool {
        let n = bytes.count
        var pos = from
        // libcsv submits no record for a line of spaces only, as for an empty one.
        var first = pos
        while first < n, FieldBytes.isRecordEnd(bytes[first]) || isSpace(bytes[first]) {
            if FieldBytes.isRecordEnd(bytes[first]) { pos = first + 1 }
            first += 1
        }
        guard first < n else { return false }
        record.start = pos
        record.fieldStart.removeAll(keepingCapacity: true)
        record.fieldEnd.removeAll(keepingCapacity: true)
        while true {
            let start = pos
            var i = pos
            while i < n, isSpace(bytes[i]) { i += 1 }
            if i < n, bytes[i] == quote {
                i += 1
                while true {
                    guard i < n else { return isFinal ? finish(&record, start, n, n) : false }
                    if bytes[i] == quote {
                        if i + 1 < n, bytes[i + 1] == quote { i += 2; continue }
                        if i + 1 == n, !isFinal { return false }  // a doubled quote may follow
                        i += 1
                        break
                    }
                    i += 1
                }
            }
            while i < n, bytes[i] != delimiter, !FieldBytes.isRecordEnd(bytes[i]) { i += 1 }
            record.fieldStart.append(start)
            record.fieldEnd.append(i)
            if i < n, bytes[i] == delimiter { pos = i + 1; continue }
            if i == n {
                // The last record without a terminator: complete only at the end of input.
                guard isFinal else { return false }
                record.end = n
                return true
            }
            // CR, LF or CRLF; a CR at the very end of a chunk may be followed by an LF.
            var end = i + 1
            if bytes[i] == 0x0D {
                if end == n, !isFinal { return false }
                if end < n, bytes[end] == 0x0A { end += 1 }
            }
            record.end = end
            return true
        }
    }

    private func finish(_ record: inout Record, _ start: Int, _ end: Int, _ n: Int) -> Bool {
        record.fieldStart.append(start)
        record.fieldEnd.append(end)
        record.end = n
        return true
    }
}
