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
        let fd: Int32
        if name == "-" {
            fd = 0
        } else {
            fd = open(name, O_RDONLY)
            guard fd >= 0 else { throw CSVError(file: display, kind: .cannotOpen(reason: String(cString: strerror(errno)))) }
        }
        defer { if fd != 0 { close(fd) } }
        // The writer reads the input a second time: standard input, pipes and other
        // non-regular files are copied to a spool file as they are read.
        var info = stat()
        let isRegular = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        guard name == "-" || !isRegular else {
            return try read(fd: fd, size: Int(info.st_size), input: CSVInput(name: name, path: name, isSpooled: false),
                            display: display, spool: nil, options: options, progress: progress)
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw CSVError(file: display, kind: .cannotOpen(reason: "it is a folder, not a file"))
        }
        let (spool, path) = try makeSpool(display: display)
        defer { close(spool) }
        return try read(fd: fd, size: nil, input: CSVInput(name: name, path: path, isSpooled: true),
                        display: display, spool: spool, options: options, progress: progress)
    }

    /// Loads CSV bytes held in memory by the same rules as a file; `name` stands for them in
    /// errors and reports. The bytes are copied to a spool file (in TMPDIR), as standard input
    /// is, which the writer reads again; `input.removeSpool()` deletes it.
    ///
    /// - Throws: `CSVError`, located by `name`, line and column.
    /// - Complexity: O(bytes).
    public static func load(data: Data, name: String = "<data>", options: CSVReadOptions = CSVReadOptions()) throws -> LoadedTable {
        let (spool, path) = try makeSpool(display: name)
        defer { close(spool) }
        let input = CSVInput(name: name, path: path, isSpooled: true)
        do {
            try data.withUnsafeBytes { bytes in
                if let base = bytes.baseAddress { try CSVReader.spool(spool, base, bytes.count, file: name) }
            }
            lseek(spool, 0, SEEK_SET)
        } catch {
            input.removeSpool()
            throw error
        }
        return try read(fd: spool, size: data.count, input: input, display: name, spool: nil, options: options, progress: nil)
    }

    /// Loads CSV text by the same rules as a file (its UTF-8 bytes); `name` stands for it in
    /// errors and reports. See `load(data:name:options:)`.
    ///
    /// - Throws: `CSVError`, located by `name`, line and column.
    public static func load(string: String, name: String = "<string>", options: CSVReadOptions = CSVReadOptions()) throws -> LoadedTable {
        try load(data: Data(string.utf8), name: name, options: options)
    }

    /// Loads the CSV at `url`: a file URL is read as its path (`load(_:options:progress:)`),
    /// any other URL through `Data(contentsOf:)` and `load(data:name:options:)`.
    ///
    /// - Throws: `CSVError` (`.cannotOpen` when the URL cannot be read).
    public static func load(contentsOf url: URL, options: CSVReadOptions = CSVReadOptions(),
                            progress: ((Int) -> Void)? = nil) throws -> LoadedTable {
        if url.isFileURL { return try load(url.path, options: options, progress: progress) }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CSVError(file: url.absoluteString, kind: .cannotOpen(reason: error.localizedDescription))
        }
        return try load(data: data, name: url.absoluteString, options: options)
    }

    /// A new spool file in `CSVReader.spoolFolder`, deleted if the process is interrupted.
    private static func makeSpool(display: String) throws -> (fd: Int32, path: String) {
        var template = Array((CSVReader.spoolFolder + "/emimpute-input-XXXXXX").utf8CString)
        let spool = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard spool >= 0 else {
            throw CSVError(file: display, kind: .cannotSpool(folder: CSVReader.spoolFolder, reason: String(cString: strerror(errno))))
        }
        let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        InterruptCleanup.register(path)
        return (spool, path)
    }

    /// Reads `fd` to its end into a table, copying the bytes to `spool` when given; `size`, the
    /// size of a regular file, lets the table's statistics be summed in the ranges pass 1 reads.
    private static func read(fd: Int32, size: Int?, input: CSVInput, display: String, spool: Int32?,
                             options: CSVReadOptions, progress: ((Int) -> Void)?) throws -> LoadedTable {
        do {
            let builder = TableBuilder(options: options, file: display)
            if let size {
                // The ranges pass 1 would read the file in, so that the table's statistics are
                // summed exactly as `CSVStatisticsReader`'s (a spooled input is one range).
                builder.rangeStartLines = try RecordBoundaries.split(
                    fd: fd, size: size, chunkSize: RecordBoundaries.defaultChunkSize,
                    threads: ProcessInfo.processInfo.activeProcessorCount, file: display).dropFirst().map(\.firstLine)
            }
            let reader = try CSVReader(delimiter: options.delimiter, file: display)
            // libcsv on this thread, classification and number parsing on another.
            let relay = RecordBatchRelay(feeding: builder)
            do {
                try reader.read(fd: fd, into: relay, spool: spool, progress: progress)
                relay.finish()
            } catch {
                relay.finish()
                throw builder.error ?? error
            }
            if let error = builder.error { throw error }
            // What the writer will read again: the input itself, or its spool file.
            let snapshot = InputSnapshot(byteCount: reader.bytesRead, checksum: reader.checksum.value,
                                         status: InputSnapshot.FileStatus(fd: spool ?? fd))
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
    var error: CSVError? { frame.error }
    var shouldStop: Bool { frame.hasFailed }

    // Touched for every cell: only this builder, on one thread, ever accesses them, so the
    // dynamic exclusivity checks of class properties are pure cost here.
    @exclusivity(unchecked) var frame: RecordFrame
    @exclusivity(unchecked) var rows = 0
    /// The lines on which pass 1's ranges after the first begin, and the first row of each.
    var rangeStartLines: [Int] = []
    private var nextRange = 0
    private(set) var rangeStarts: [Int] = []

    // Per column.
    @exclusivity(unchecked) var modelCandidate: [Bool] = []
    @exclusivity(unchecked) var storing: [Bool] = []
    @exclusivity(unchecked) var tallies: [ColumnTally] = []
    @exclusivity(unchecked) var store: [ChunkedColumn] = []

    init(options: CSVReadOptions, file: String) {
        self.options = options
        self.file = file
        tokens = MissingTokens(options.missingTokens)
        frame = RecordFrame(options: options, file: file)
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        if let j = frame.column(of: bytes) { cell(j, bytes, line: line) }
    }

    func endRecord(line: Int) {
        guard frame.endRecord(line: line, establish: establish, cell: { j, bytes in cell(j, bytes, line: line) }) == .row else { return }
        while nextRange < rangeStartLines.count, line >= rangeStartLines[nextRange] {
            rangeStarts.append(rows)
            nextRange += 1
        }
        rows += 1
    }

    private func establish(_ columns: ColumnSelection) {
        modelCandidate = columns.isCandidate
        storing = modelCandidate
        tallies = Array(repeating: ColumnTally(), count: columns.count)
        store = Array(repeating: ChunkedColumn(), count: columns.count)
    }

    @inline(__always)
    private func cell(_ j: Int, _ raw: UnsafeBufferPointer<UInt8>, line: Int) {
        switch tallies[j].read(raw, tokens: tokens, isCandidate: modelCandidate[j], line: line) {
        case .missing:
            if storing[j] { store[j].append(.nan) }
        case .number(let v):
            if storing[j] { store[j].append(v) }
        case .other:
            if storing[j] { storing[j] = false; store[j].removeAll() }
        }
    }

    /// The table; `trailing` are warnings about the input as a whole, listed after the columns'.
    func finish(input: CSVInput, snapshot: InputSnapshot, trailing: [CSVWarning]) throws -> LoadedTable {
        var warnings: [CSVWarning] = []
        guard frame.hasRecords, let columns = frame.columns else { throw CSVError(file: file, kind: .empty) }
        if rows == 0 { throw CSVError(file: file, kind: .noDataRows) }
        var profiles: [ColumnProfile] = []
        for j in 0..<columns.count {
            let (kind, warning) = try tallies[j].classification(position: j, name: columns.names[j], isCandidate: modelCandidate[j],
                                                                columnsWereRequested: columns.columnsWereRequested, file: file)
            if let warning { warnings.append(warning) }
            profiles.append(tallies[j].profile(name: columns.names[j], position: j, kind: kind))
        }
        let modelled = profiles.indices.filter { profiles[$0].kind == .numeric }
        let matrix = try assemble(modelled)
        return LoadedTable(input: input, options: options, columns: profiles, modelledColumns: modelled,
                           matrix: matrix, rowCount: rows, byteCount: snapshot.byteCount, warnings: warnings + trailing, snapshot: snapshot,
                           rangeStarts: rangeStarts)
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
        return try IncompleteMatrix(rowCount: n, columnCount: p, values: values, columnNames: modelled.map { frame.columns!.names[$0] })
    }
}
