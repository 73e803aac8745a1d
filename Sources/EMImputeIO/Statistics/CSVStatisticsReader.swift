import EMImputeCore
import Foundation

/// Pass 1: reads a CSV once, streaming, into `TableStatistics` — nothing of the table is
/// held but the statistics — with the dialect, header, missing-value and classification
/// rules of `CSVLoader` (shared with it: `ColumnSelection`, `ColumnTally`).
///
/// A regular file is split into byte ranges at record boundaries (`RecordBoundaries`) and
/// each range is parsed by its own libcsv parser, on up to `threads` threads. The ranges
/// depend on the file alone and their results are merged in file order, so the statistics
/// are bit-identical for any number of threads. Standard input and other streams are read
/// sequentially, as one range.
///
/// Every column that may be modelled is read as numeric; once all cells have been seen the
/// columns are classified as the loader classifies them and those that are text are
/// marginalised out of the statistics (`PatternStatistics.keepingColumns`), exactly.
public enum CSVStatisticsReader {
    /// Reads `name` (a path, or `-` for standard input).
    ///
    /// - Parameters:
    ///   - threads: threads to parse with (default: all cores); the result does not depend on it.
    /// - Throws: `CSVError`, with the line of the first problem in the file.
    /// - Complexity: O(bytes); memory O(threads × chunk + statistics).
    public static func read(_ name: String, options: CSVReadOptions = CSVReadOptions(), threads: Int? = nil) throws -> TableStatistics {
        try read(name, options: options, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount,
                 chunkSize: RecordBoundaries.defaultChunkSize)
    }

    /// `read(_:options:threads:)` with the cut-point spacing given (tests use tiny ones).
    static func read(_ name: String, options: CSVReadOptions, threads: Int, chunkSize: Int) throws -> TableStatistics {
        try readWithSnapshot(name, display: name == "-" ? "<stdin>" : name, options: options, threads: threads, chunkSize: chunkSize).statistics
    }

    /// Pass 1 of `impute`: the statistics of `input` and what was read, so that pass 2 can
    /// prove it reads the same bytes.
    static func read(_ input: CSVInput, options: CSVReadOptions, threads: Int) throws -> (statistics: TableStatistics, snapshot: InputSnapshot) {
        try readWithSnapshot(input.path, display: input.displayName, options: options, threads: max(1, threads),
                             chunkSize: RecordBoundaries.defaultChunkSize)
    }

    private static func readWithSnapshot(_ name: String, display: String, options: CSVReadOptions, threads: Int,
                                         chunkSize: Int) throws -> (statistics: TableStatistics, snapshot: InputSnapshot) {
        let file = try InputFile(name, display: display)
        let fd = file.fd
        let whole: Part
        if name != "-", file.isRegular, options.headerRecord == nil {
            whole = try readRanges(fd: fd, size: file.size, options: options, file: display,
                                   threads: max(1, threads), chunkSize: chunkSize)
        } else {
            let builder = StatisticsBuilder(options: options, file: display, columns: nil, skipsHeader: false)
            let reader = try CSVReader(delimiter: options.delimiter, file: display)
            do {
                try reader.read(fd: fd, into: builder, prefix: options.headerPrefix)
            } catch {
                throw builder.error ?? error
            }
            if let error = builder.error { throw error }
            whole = Part(builder: builder, lastLine: reader.unterminatedLastLine,
                         segments: [.init(end: reader.bytesRead, checksum: reader.checksum.value)])
        }
        let statistics = try finish(whole, options: options, file: display)
        return (statistics, InputSnapshot(segments: whole.segments, status: InputSnapshot.FileStatus(fd: fd)))
    }

    /// The builder of a range (or of everything read so far) and, for the last range, the
    /// input's unterminated last line.
    private struct Part: @unchecked Sendable {
        var builder: StatisticsBuilder
        var lastLine: (line: Int, text: String)?
        /// The checksums of the bytes read, range by range.
        var segments: [InputSnapshot.Segment] = []
    }

    private static func readRanges(fd: Int32, size: Int, options: CSVReadOptions, file: String,
                                   threads: Int, chunkSize: Int) throws -> Part {
        // The columns first, from the first record, so that every range knows them.
        let head = StatisticsBuilder(options: options, file: file, columns: nil, skipsHeader: false)
        let headReader = try CSVReader(delimiter: options.delimiter, file: file)
        let headStop = FirstRecordStop(head)
        do {
            try headReader.read(fd: fd, range: 0..<size, firstLine: 1, into: headStop)
        } catch {
            // An error after the first record belongs to the range that holds it.
            if head.columns == nil { throw head.error ?? error }
        }
        if let error = head.error { throw error }
        guard let columns = head.columns else { throw CSVError(file: file, kind: .empty) }

        let chunks = try RecordBoundaries.split(fd: fd, size: size, chunkSize: chunkSize, threads: threads, file: file)
        let merge = OrderedFold<Part>(window: 2 * threads) { total, part in
            guard let sum = total else { total = part; return }
            try sum.builder.merge(part.builder)
            total!.lastLine = part.lastLine
            total!.segments += part.segments
        }
        try WorkerPool.run(count: chunks.count, threads: threads) { k in
            merge.waitForTurn(k)
            if merge.hasFailed { merge.deliver(k, nil); return }
            let builder = StatisticsBuilder(options: options, file: file, columns: columns, skipsHeader: k == 0 && options.hasHeader)
            var part = Part(builder: builder)
            do {
                let reader = try CSVReader(delimiter: options.delimiter, file: file)
                try reader.read(fd: fd, range: chunks[k].bytes, firstLine: chunks[k].firstLine, into: builder)
                if k == chunks.count - 1 { part.lastLine = reader.unterminatedLastLine }
                part.segments = [.init(end: chunks[k].bytes.lowerBound + reader.bytesRead, checksum: reader.checksum.value)]
                if let error = builder.error { throw error }
                merge.deliver(k, .success(part))
            } catch {
                merge.deliver(k, .failure(builder.error ?? error))
            }
        }
        return try merge.result()!
    }

    /// Classifies the columns and keeps the statistics of the numeric ones.
    private static func finish(_ whole: Part, options: CSVReadOptions, file: String) throws -> TableStatistics {
        let builder = whole.builder
        guard builder.hasRecords, let columns = builder.columns else { throw CSVError(file: file, kind: .empty) }
        // A part of a larger input (its header given apart) may hold no rows: its statistics
        // are then empty, and merge as nothing.
        if builder.rows == 0, options.headerRecord == nil { throw CSVError(file: file, kind: .noDataRows) }
        var profiles: [ColumnProfile] = []
        var warnings: [CSVWarning] = []
        var kept: [Int] = []
        var candidate = 0
        let tallies = builder.tallies, ranges = builder.ranges
        for j in 0..<columns.count {
            let tally = tallies[j]
            let (kind, warning) = try tally.classification(position: j, name: columns.names[j], isCandidate: columns.isCandidate[j],
                                                           columnsWereRequested: columns.columnsWereRequested, file: file)
            if let warning { warnings.append(warning) }
            profiles.append(tally.profile(name: columns.names[j], position: j, kind: kind))
            if kind == .numeric { kept.append(candidate) }
            if columns.isCandidate[j] { candidate += 1 }
        }
        if let last = whole.lastLine { warnings.append(.missingFinalLineEnd(line: last.line, text: last.text)) }
        let statistics = kept.count == builder.statistics.columnCount ? builder.statistics : builder.statistics.keepingColumns(kept)
        return TableStatistics(options: options, columns: profiles, observedRanges: kept.map { ranges[$0] },
                               statistics: statistics, warnings: warnings)
    }
}

/// Passes the first record to a builder, then asks the reader to stop.
private final class FirstRecordStop: CSVRecordSink {
    private let target: StatisticsBuilder
    private var isDone = false
    init(_ target: StatisticsBuilder) { self.target = target }
    var shouldStop: Bool { isDone || target.shouldStop }
    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) { if !isDone { target.field(bytes, line: line) } }
    func endRecord(line: Int) {
        guard !isDone else { return }
        target.endRecord(line: line)
        isDone = true
    }
}
