import Foundation

/// A range's modelled values, by libcsv: one row of the model's columns (NaN = missing) per
/// data record, and the line each record ends on.
final class RangeValues: CSVRecordSink {
    let columns: ModelColumns
    private var skipsHeader: Bool
    private(set) var values: [Double] = []
    private(set) var lines: [Int] = []
    private var fieldIndex = 0
    private(set) var error: (any Error)?
    var shouldStop: Bool { error != nil }
    /// `columns.modelIndex`, read once per field without reference counting.
    private let modelIndex: UnsafeMutableBufferPointer<Int>
    private let tokens: MissingTokens
    /// The current record's modelled values.
    private let row: UnsafeMutableBufferPointer<Double>

    init(columns: ModelColumns, skipsHeader: Bool) {
        self.columns = columns
        self.skipsHeader = skipsHeader
        modelIndex = .allocate(capacity: columns.modelIndex.count)
        _ = modelIndex.initialize(from: columns.modelIndex)
        row = .allocate(capacity: max(1, columns.columnNames.count))
        row.initialize(repeating: .nan)
        tokens = columns.tokens
    }

    deinit {
        modelIndex.deallocate()
        row.deallocate()
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        guard error == nil else { return }
        let j = fieldIndex
        fieldIndex += 1
        guard !skipsHeader, j < modelIndex.count else { return }
        let k = modelIndex[j]
        guard k >= 0 else { return }
        let cell = bytes.trimmingSpaces()
        if tokens.matches(cell) { row[k] = .nan; return }
        if case .success(let v) = DecimalParser.parse(cell) { row[k] = v; return }
        do {
            _ = try columns.value(of: bytes, model: k, column: j, line: line)
        } catch {
            self.error = error
        }
    }

    func endRecord(line: Int) {
        guard error == nil else { return }
        defer { fieldIndex = 0 }
        if skipsHeader { skipsHeader = false; return }
        guard fieldIndex == columns.columnCount else {
            error = CSVError(file: columns.file, line: line, kind: .raggedRow(expected: columns.columnCount, found: fieldIndex))
            return
        }
        values.append(contentsOf: row)
        row.update(repeating: .nan)
        lines.append(line)
    }
}
