import EMImputeCore
import Foundation

/// Reads a CSV into a `LoadedTable`: classifies every column, marks missing cells and keeps
/// the modelled columns as Doubles.
///
/// A column is numeric when every cell that is not a missing-value code parses as a finite
/// decimal number. A column that is mostly numeric but has some other cells is an error
/// that names those cells, never silently dropped or coerced; a text column whose cells look
/// numeric (a decimal comma, thousands separators, an undeclared code: `NumericLookTally`) is
/// read as text with a `CSVWarning` in `LoadedTable.warnings`. Columns are named by
/// `HeaderNames`; cells and codes are trimmed by `MissingTokens.trimmed`.
public enum CSVLoader {
    /// Loads `name` (a path, or `-` for standard input).
    ///
    /// - Parameter progress: told the bytes read so far, every 64 MiB.
    /// - Throws: `CSVError` (`.cannotSpool` when standard input or a pipe cannot be copied
    ///   to a temporary file in TMPDIR).
    /// - Complexity: O(bytes); memory about 8 bytes per modelled cell.
    public static func load(_ name: String, options: CSVReadOptions = CSVReadOptions(),
                            progress: ((Int) -> Void)? = nil) throws -> LoadedTable {
        let display = name == "-" ? "<stdin>" : name
        var input: CSVInput
        let fd: Int32
        var spoolFD: Int32?
        if name == "-" {
            fd = 0
        } else {
            fd = open(name, O_RDONLY)
            guard fd >= 0 else { throw CSVError(file: display, kind: .cannotOpen(reason: String(cString: strerror(errno)))) }
        }
        // The writer reads the input a second time: standard input, pipes and other
        // non-regular files are copied to a spool file as they are read.
        var info = stat()
        let isRegular = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        if name == "-" || !isRegular {
            if (info.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw CSVError(file: display, kind: .cannotOpen(reason: "it is a folder, not a file"))
            }
            var template = Array((CSVReader.spoolFolder + "/emimpute-input-XXXXXX").utf8CString)
            let spool = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard spool >= 0 else {
                let reason = String(cString: strerror(errno))
                if fd != 0 { close(fd) }
                throw CSVError(file: display, kind: .cannotSpool(folder: CSVReader.spoolFolder, reason: reason))
            }
            let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
            InterruptCleanup.register(path)
            input = CSVInput(name: name, path: path, isSpooled: true)
            spoolFD = spool
        } else {
            input = CSVInput(name: name, path: name, isSpooled: false)
        }
        defer {
            if fd != 0 { close(fd) }
            if let spoolFD { close(spoolFD) }
        }
        do {
            let builder = TableBuilder(options: options, file: display)
            let reader = try CSVReader(delimiter: options.delimiter, file: display)
            // libcsv on this thread, classification and number parsing on another.
            let relay = RecordBatchRelay(feeding: builder)
            do {
                try reader.read(fd: fd, into: relay, spool: spoolFD, progress: progress)
                relay.finish()
            } catch {
                relay.finish()
                throw builder.error ?? error
            }
            if let error = builder.error { throw error }
            // What the writer will read again: the input itself, or its spool file.
            let snapshot = InputSnapshot(byteCount: reader.bytesRead, checksum: reader.checksum.value,
                                         status: InputSnapshot.FileStatus(fd: spoolFD ?? fd))
            var warnings: [CSVWarning] = []
            if let last = reader.unterminatedLastLine {
                warnings.append(.missingFinalLineEnd(line: last.line, text: last.text))
            }
            return try builder.finish(input: input, snapshot: snapshot, trailing: warnings)
        } catch {
            input.removeSpool()
            throw error
        }
    }
}

/// The sink that classifies cells as libcsv delivers them.
private final class TableBuilder: CSVRecordSink {
    let options: CSVReadOptions
    let file: String
    let tokens: MissingTokens
    var error: CSVError?
    var shouldStop: Bool { error != nil }

    var names: [String] = []
    /// The modelled or excluded columns asked for, trimmed as header names are.
    let requestedColumns: [String]
    let excludedColumns: [String]
    var columnCount = 0
    var started = false
    var firstRecord: [[UInt8]] = []
    // Touched for every cell: only this builder, on one thread, ever accesses them, so the
    // dynamic exclusivity checks of class properties are pure cost here.
    @exclusivity(unchecked) var fieldIndex = 0
    @exclusivity(unchecked) var rows = 0

    // Per column.
    @exclusivity(unchecked) var modelCandidate: [Bool] = []
    @exclusivity(unchecked) var storing: [Bool] = []
    @exclusivity(unchecked) var observed: [Int] = []
    @exclusivity(unchecked) var missing: [Int] = []
    @exclusivity(unchecked) var numeric: [Int] = []
    @exclusivity(unchecked) var nonNumeric: [Int] = []
    @exclusivity(unchecked) var offenders: [[CSVError.OffendingCell]] = []
    @exclusivity(unchecked) var looks: [NumericLookTally] = []
    @exclusivity(unchecked) var store: [ChunkedColumn] = []

    init(options: CSVReadOptions, file: String) {
        self.options = options
        self.file = file
        tokens = MissingTokens(options.missingTokens)
        requestedColumns = options.columns.map(MissingTokens.trimmed)
        excludedColumns = options.excluded.map(MissingTokens.trimmed)
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        // After an error libcsv may still deliver the rest of the segment it was given (a
        // CR-terminated record does not end a segment), and the columns may not exist.
        guard error == nil else { return }
        if !started { firstRecord.append(Array(bytes)); return }
        let j = fieldIndex
        fieldIndex += 1
        if j < columnCount { cell(j, bytes, line: line) }
    }

    func endRecord(line: Int) {
        guard error == nil else { return }
        if !started {
            started = true
            establishColumns(line: line)
            if error != nil || options.hasHeader { firstRecord = []; return }
            for (j, f) in firstRecord.enumerated() { f.withUnsafeBufferPointer { cell(j, $0, line: line) } }
            fieldIndex = firstRecord.count
            firstRecord = []
        }
        if fieldIndex != columnCount {
            error = CSVError(file: file, line: line, kind: .raggedRow(expected: columnCount, found: fieldIndex))
            return
        }
        rows += 1
        fieldIndex = 0
    }

    private func establishColumns(line: Int) {
        columnCount = firstRecord.count
        if options.hasHeader {
            do {
                names = try HeaderNames.names(header: firstRecord, file: file, line: line)
            } catch {
                self.error = error
                return
            }
        } else {
            names = HeaderNames.positional(count: columnCount)
        }
        for requested in requestedColumns + excludedColumns where !names.contains(requested) {
            error = CSVError(file: file, kind: .unknownColumn(name: requested))
            return
        }
        modelCandidate = names.map { !excludedColumns.contains($0) && (requestedColumns.isEmpty || requestedColumns.contains($0)) }
        storing = modelCandidate
        observed = Array(repeating: 0, count: columnCount)
        missing = observed
        numeric = observed
        nonNumeric = observed
        offenders = Array(repeating: [], count: columnCount)
        looks = Array(repeating: NumericLookTally(), count: columnCount)
        store = Array(repeating: ChunkedColumn(), count: columnCount)
    }

    @inline(__always)
    private func cell(_ j: Int, _ raw: UnsafeBufferPointer<UInt8>, line: Int) {
        let bytes = raw.trimmingSpaces()
        if tokens.matches(bytes) {
            missing[j] += 1
            if storing[j] { store[j].append(.nan) }
            return
        }
        observed[j] += 1
        guard modelCandidate[j] else { return }
        switch DecimalParser.parse(bytes) {
        case .success(let v):
            numeric[j] += 1
            if storing[j] { store[j].append(v) }
        case .failure(let why):
            nonNumeric[j] += 1
            looks[j].add(bytes)
            if offenders[j].count < 3 {
                let shown = PrintableText.of(bytes)
                offenders[j].append(.init(line: line, text: shown.text, reason: CSVError.OffendingCell.reason(why, bytes),
                                          isExact: shown.isExact))
            }
            if storing[j] { storing[j] = false; store[j].removeAll() }
        }
    }

    /// The table; `trailing` are warnings about the input as a whole, listed after the columns'.
    func finish(input: CSVInput, snapshot: InputSnapshot, trailing: [CSVWarning]) throws -> LoadedTable {
        var warnings: [CSVWarning] = []
        if !started { throw CSVError(file: file, kind: .empty) }
        if rows == 0 { throw CSVError(file: file, kind: .noDataRows) }
        var profiles: [ColumnProfile] = []
        for j in 0..<columnCount {
            var kind: ColumnProfile.Kind
            if !modelCandidate[j] {
                kind = .excluded
            } else if nonNumeric[j] == 0 {
                kind = .numeric
            } else if !requestedColumns.isEmpty {
                throw CSVError(file: file, line: offenders[j].first?.line, column: j + 1,
                               kind: .notNumeric(name: names[j], offending: offenders[j]))
            } else if numeric[j] >= nonNumeric[j] {
                throw CSVError(file: file, line: offenders[j].first?.line, column: j + 1,
                               kind: .mixedColumn(name: names[j], offending: offenders[j], total: nonNumeric[j]))
            } else {
                kind = .text
                if let evidence = looks[j].evidence(plainNumbers: numeric[j]) {
                    warnings.append(.textLooksNumeric(column: names[j], position: j + 1, numbers: numeric[j] + looks[j].numbers,
                                                      observed: observed[j], evidence: evidence))
                }
            }
            profiles.append(ColumnProfile(name: names[j], position: j + 1, kind: kind, observed: observed[j], missing: missing[j]))
        }
        let modelled = profiles.indices.filter { profiles[$0].kind == .numeric }
        let matrix = try assemble(modelled)
        return LoadedTable(input: input, options: options, columns: profiles, modelledColumns: modelled,
                           matrix: matrix, rowCount: rows, byteCount: snapshot.byteCount, warnings: warnings + trailing, snapshot: snapshot)
    }

    /// Copies the modelled columns into one row-major matrix, freeing each chunk once copied,
    /// so the peak stays near one copy of the data.
    private func assemble(_ modelled: [Int]) throws -> IncompleteMatrix {
        let p = modelled.count, n = rows
        var values = [Double](repeating: .nan, count: n * p)
        let chunk = ChunkedColumn.chunkSize
        values.withUnsafeMutableBufferPointer { out in
            for k in 0..<((n + chunk - 1) / chunk) {
                for (c, j) in modelled.enumerated() {
                    store[j].chunks[k].withUnsafeBufferPointer { src in
                        let base = k * chunk
                        for r in 0..<src.count { out[(base + r) * p + c] = src[r] }
                    }
                    store[j].release(chunk: k)
                }
            }
        }
        return try IncompleteMatrix(rowCount: n, columnCount: p, values: values, columnNames: modelled.map { names[$0] })
    }
}
