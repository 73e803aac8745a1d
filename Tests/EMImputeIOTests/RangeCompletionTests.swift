import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Pass 2 on several threads (`RangeCompletion`): the file is completed in byte ranges and
/// written in order, so the completed CSV and the rows the consumers see must be exactly those
/// of the sequential read (a FIFO is read sequentially), for any range size and thread count.
@Suite("Pass 2 in ranges")
struct RangeCompletionTests {
    /// A file with everything the writer must copy: a byte-order mark, CRLF and LF line ends,
    /// quoted fields with line ends and doubled quotes inside, blank lines, a text column, a
    /// missing-value code and empty cells, and no final line end.
    static func messyFile(rows: Int) -> [UInt8] {
        var generator = SplitMix64(seed: 7)
        var text = "\u{FEFF}id,x,\"y\",note,z\r\n"
        for i in 0..<rows {
            func cell() -> String {
                let u = generator.next() % 100
                if u < 15 { return u < 5 ? "NA" : "" }
                return String(Double(generator.next() % 10_000) / 100 - 50)
            }
            let note = i % 7 == 0 ? "\"line\nbreak, \"\"quoted\"\"\"" : "n\(i)"
            let end = i % 3 == 0 ? "\r\n" : "\n"
            text += "\(i),\(cell()),\(cell()),\(note),\(cell())\(i % 11 == 0 ? end + "\n" : end)"
        }
        text += "\(rows),1,,last,3"
        return Array(text.utf8)
    }

    /// The same without a quote byte, so that every range is split by the quote-free scanner
    /// (the sequential read is libcsv's): spaces and tabs around fields and at line starts,
    /// missing first and last fields, codes with spaces, CR, LF and CRLF line ends, blank and
    /// spaces-only lines, a byte-order mark and no final line end.
    static func quoteFreeFile(rows: Int, delimiter: String = ",") -> [UInt8] {
        var generator = SplitMix64(seed: 8)
        let space = delimiter == "\t" ? " " : " \t"
        var text = "\u{FEFF} id \(delimiter)x\(delimiter) y\(delimiter)note\(delimiter)z \r\n"
        for i in 0..<rows {
            func cell() -> String {
                let u = generator.next() % 100
                if u < 20 { return ["NA", "", " NA ", "  ", "\(space)NA"][Int(u % 5)] }
                let number = String(Double(generator.next() % 10_000) / 100 - 50)
                return u < 30 ? " \(number)\(space)" : number
            }
            let lead = i % 13 == 0 ? "  " : ""
            let end = ["\r\n", "\n", "\r", "\n  \n", "\n\n\(space)\n"][i % 17 == 0 ? 3 + i % 2 : i % 3]
            text += "\(lead)\(cell())\(delimiter)\(cell())\(delimiter)\(cell())\(delimiter)n \(i)\(delimiter)\(cell())\(end)"
        }
        text += "  NA\(delimiter)1\(delimiter)\(delimiter)last\(delimiter)3  "
        return Array(text.utf8)
    }

    static let model: GaussianModel = {
        let table = try! CSVLoader.load(temporaryFile(bytes: messyFile(rows: 300)))
        return try! GaussianEM().fit(table.matrix).model
    }()

    /// Keeps every row handed over.
    final class Rows: CompletedRowConsumer {
        var rows: [CompletedRow] = []
        func consume(_ row: CompletedRow) { rows.append(row) }
    }

    /// The completed bytes and rows of `path` (nil: through a FIFO, read sequentially).
    static func complete(_ path: String, sequential: Bool = false, threads: Int = 1, chunkSize: Int = 1 << 22,
                         snapshot: InputSnapshot? = nil, options: CSVReadOptions = CSVReadOptions(),
                         model: GaussianModel = model) throws -> (bytes: [UInt8], rows: [CompletedRow], summary: ModelApplier.Summary) {
        let out = NSTemporaryDirectory() + "/emimpute-ranges-\(UUID().uuidString).csv"
        let target = try OutputTarget.file(out)
        let rows = Rows()
        var input = path
        var feeder: Thread?
        if sequential {
            input = NSTemporaryDirectory() + "/emimpute-fifo-\(UUID().uuidString)"
            #expect(mkfifo(input, 0o600) == 0)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let fifo = input
            feeder = Thread {
                let fd = open(fifo, O_WRONLY)
                _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
            feeder!.start()
        }
        defer { if sequential { unlink(input) } }
        let summary = try ModelApplier.apply(.gaussian(model), path: input, display: input, options: options, output: target,
                                             adjustment: nil, computesDeviations: true, consumers: [rows], snapshot: snapshot,
                                             threads: threads, chunkSize: chunkSize)
        try target.commit()
        defer { unlink(out) }
        return (Array(try Data(contentsOf: URL(fileURLWithPath: out))), rows.rows, summary)
    }

    @Test func sameBytesAndRowsForAnyRangesAndThreads() throws {
        let path = temporaryFile(bytes: Self.messyFile(rows: 2000))
        let reference = try Self.complete(path, sequential: true)
        #expect(reference.summary.rows == 2001)
        #expect(reference.rows.map(\.index) == Array(0..<2001))
        for (threads, chunkSize) in [(1, 1 << 22), (2, 1 << 22), (1, 97), (2, 97), (3, 1000), (4, 4096), (2, 1)] {
            let ranged = try Self.complete(path, threads: threads, chunkSize: chunkSize)
            #expect(ranged.bytes == reference.bytes, "threads \(threads), ranges of \(chunkSize) bytes")
            #expect(ranged.rows.map(\.index) == reference.rows.map(\.index))
            #expect(ranged.rows.map(\.imputed) == reference.rows.map(\.imputed))
            #expect(ranged.summary.imputedCells == reference.summary.imputedCells)
            #expect(ranged.summary.rowsWithImputedCells == reference.summary.rowsWithImputedCells)
            #expect(ranged.summary.warnings == reference.summary.warnings)
        }
        // The observed cells are copied: only fields that were a code or empty changed.
        let written = String(decoding: reference.bytes, as: UTF8.self)
        #expect(written.hasPrefix("\u{FEFF}id,x,\"y\",note,z\r\n"))
        #expect(!written.contains("NA"))
        #expect(written.contains("\"line\nbreak, \"\"quoted\"\"\""))
    }

    @Test(arguments: [",", "\t", ";"])
    func quoteFreeRangesWriteWhatLibCSVWrites(delimiter: String) throws {
        let path = temporaryFile(bytes: Self.quoteFreeFile(rows: 1500, delimiter: delimiter))
        var options = CSVReadOptions()
        options.delimiter = UInt8(ascii: Unicode.Scalar(delimiter)!)
        let model = try GaussianEM().fit(CSVLoader.load(path, options: options).matrix).model
        let reference = try Self.complete(path, sequential: true, options: options, model: model)
        #expect(reference.summary.rows == 1501)
        #expect(reference.summary.imputedCells > 1000)
        #expect(reference.summary.warnings.count == 1)
        for (threads, chunkSize) in [(1, 1 << 22), (2, 1 << 22), (1, 97), (2, 61), (3, 1000), (2, 1)] {
            let ranged = try Self.complete(path, threads: threads, chunkSize: chunkSize, options: options, model: model)
            #expect(ranged.bytes == reference.bytes, "threads \(threads), ranges of \(chunkSize) bytes")
            #expect(ranged.rows.map(\.index) == reference.rows.map(\.index))
            #expect(ranged.rows.map(\.imputed) == reference.rows.map(\.imputed))
            #expect(ranged.rows.map(\.values) == reference.rows.map(\.values))
            #expect(ranged.summary.imputedCells == reference.summary.imputedCells)
            #expect(ranged.summary.warnings == reference.summary.warnings)
        }
        // Only missing cells changed, their spaces with them; the rest is the input's bytes.
        let written = String(decoding: reference.bytes, as: UTF8.self)
        #expect(written.hasPrefix("\u{FEFF} id \(delimiter)x\(delimiter) y\(delimiter)note"))
        #expect(!written.contains("NA"))
        #expect(written.contains("\(delimiter)last\(delimiter)3  "))
    }

    /// Pass 1 reads in its ranges, pass 2 in others: the bytes are still checked in order, and
    /// a change between the passes is found.
    @Test func verifiesAgainstPassOne() throws {
        let path = temporaryFile(bytes: Self.messyFile(rows: 500))
        let input = CSVInput(name: path, path: path, isSpooled: false)
        let (_, snapshot) = try CSVStatisticsReader.read(input, options: CSVReadOptions(), threads: 2)
        _ = try Self.complete(path, threads: 2, chunkSize: 50, snapshot: snapshot)
        // The same size, one byte different, the modification time restored.
        var info = stat()
        stat(path, &info)
        let fd = open(path, O_WRONLY)
        _ = Array("9".utf8).withUnsafeBytes { pwrite(fd, $0.baseAddress, 1, off_t(info.st_size - 1)) }
        close(fd)
        var times = [info.st_atim, info.st_mtim]
        utimensat(AT_FDCWD, path, &times, 0)
        let error = csvError { _ = try Self.complete(path, threads: 2, chunkSize: 50, snapshot: snapshot) }
        #expect(error?.kind == .inputChanged(.rewritten))
    }

    /// An error in the data is the first in the file, with its line, however the file is split.
    @Test func firstErrorInFileOrder() throws {
        var text = "x,y\n"
        for i in 0..<400 { text += i == 250 ? "1,abc\n" : i == 390 ? "1,2,3\n" : "\(i),\(i % 5 == 0 ? "" : "1")\n" }
        let path = temporaryFile(text)
        let model = try GaussianEM().fit(CSVLoader.load(temporaryFile("x,y\n1,2\n2,3\n3,5\n4,4\n")).matrix).model
        for (threads, chunkSize) in [(1, 1 << 20), (2, 40), (4, 7)] {
            let target = try OutputTarget.file(NSTemporaryDirectory() + "/emimpute-ranges-\(UUID().uuidString).csv")
            defer { target.abandon() }
            let error = csvError {
                _ = try ModelApplier.apply(.gaussian(model), path: path, display: "d.csv", options: CSVReadOptions(), output: target,
                                           adjustment: nil, computesDeviations: false, consumers: [], threads: threads, chunkSize: chunkSize)
            }
            #expect(error?.line == 252, "threads \(threads), ranges of \(chunkSize) bytes")
            guard case .mixedColumn? = error?.kind else { Issue.record("\(String(describing: error))"); continue }
        }
    }
}
