/// Where each field of a CSV stream belongs, for every reader that classifies columns: the
/// first record establishes the columns (`ColumnSelection`) — as the header, or as the first
/// data row without one — and every later record must have as many fields.
///
/// A reader of a later part of the input starts with the columns known and, for the part
/// that begins the input, skips its header.
struct RecordFrame {
    /// What a record was.
    enum Record { case header, row }

    private let options: CSVReadOptions
    private let file: String
    /// The columns, once established.
    private(set) var columns: ColumnSelection?
    private var columnCount = 0
    private var firstRecord: [[UInt8]] = []
    private var skipsFirstRecord: Bool
    private var fieldIndex = 0
    /// Whether a record (a header included) has ended.
    private(set) var hasRecords = false
    /// The first error; once set, no field is a cell and no record a row. (After an error
    /// libcsv may still deliver the rest of the segment it was given: a CR-terminated record
    /// does not end a segment.)
    private(set) var error: CSVError? { didSet { hasFailed = error != nil } }
    /// `error != nil`, as a flag: the per-field checks read scalars only, never the optionals
    /// holding arrays and strings (which would cost reference counting per field).
    private(set) var hasFailed = false
    private var isEstablished = false

    /// A frame for the input from its start (`columns` nil), or for a later part of it.
    init(options: CSVReadOptions, file: String, columns: ColumnSelection? = nil, skipsHeader: Bool = false) {
        self.options = options
        self.file = file
        self.columns = columns
        columnCount = columns?.count ?? 0
        isEstablished = columns != nil
        skipsFirstRecord = skipsHeader
    }

    /// The column of the field just delivered, or nil when it is not a data cell (part of
    /// the first record, held until the columns are known, or beyond the row's width).
    @inline(__always)
    mutating func column(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        if hasFailed { return nil }
        if !isEstablished { firstRecord.append(Array(bytes)); return nil }
        if skipsFirstRecord { return nil }
        let j = fieldIndex
        fieldIndex += 1
        return j < columnCount ? j : nil
    }

    /// Ends a record on `line`: what it was, or nil after an error (then in `error`). The
    /// first record establishes the columns, which `establish` is shown before any cell;
    /// without a header its fields are then handed to `cell` as the first row's.
    mutating func endRecord(line: Int, establish: (ColumnSelection) -> Void,
                            cell: (Int, UnsafeBufferPointer<UInt8>) -> Void) -> Record? {
        guard !hasFailed else { return nil }
        do {
            return try frameRecord(line: line, establish: establish, cell: cell)
        } catch {
            self.error = error
            return nil
        }
    }

    /// `endRecord`, throwing: `CSVError` for a header that `ColumnSelection` refuses, or
    /// `.raggedRow`.
    private mutating func frameRecord(line: Int, establish: (ColumnSelection) -> Void,
                                      cell: (Int, UnsafeBufferPointer<UInt8>) -> Void) throws(CSVError) -> Record {
        hasRecords = true
        if skipsFirstRecord { skipsFirstRecord = false; return .header }
        if !isEstablished {
            let selection = try ColumnSelection(firstRecord: firstRecord, options: options, file: file, line: line)
            columns = selection
            columnCount = selection.count
            isEstablished = true
            establish(selection)
            let record = firstRecord
            firstRecord = []
            if options.hasHeader { return .header }
            for (j, f) in record.enumerated() { f.withUnsafeBufferPointer { cell(j, $0) } }
            fieldIndex = record.count
        }
        guard fieldIndex == columnCount else {
            throw CSVError(file: file, line: line, kind: .raggedRow(expected: columnCount, found: fieldIndex))
        }
        fieldIndex = 0
        return .row
    }
}
