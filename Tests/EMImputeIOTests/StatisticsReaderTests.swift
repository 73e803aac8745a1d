import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// Pass 1 (`CSVStatisticsReader`) against the loader, which reads the same rules into a
/// matrix: the statistics of the loader's matrix are the reference, and the column profiles,
/// warnings and errors (with their lines) must be the loader's exactly.
@Suite("Statistics reader")
struct StatisticsReaderTests {
    static let datasets = ["airquality.csv", "penguins.csv", "survey.csv"]

    static func dataset(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Datasets/\(name)").path
    }

    @Test(arguments: datasets)
    func bundledDatasetsGiveTheLoadersColumnsAndStatistics(name: String) throws {
        let path = Self.dataset(name)
        var options = CSVReadOptions()
        if name == "survey.csv" { options.missingTokens += ["-99"] }
        let table = try CSVLoader.load(path, options: options)
        for chunkSize in [1 << 20, 97] {
            let read = try CSVStatisticsReader.read(path, options: options, threads: 2, chunkSize: chunkSize)
            #expect(read.columns == table.columns)
            #expect(read.warnings == table.warnings)
            #expect(read.modelledColumns == table.modelledColumns)
            expectClose(read.statistics, PatternStatistics(table.matrix))
            #expect(read.observedRanges == ImputedValueAdjustment(table.matrix, roundIntegers: false, clampToObservedRange: false).observed)
        }
    }

    /// Fixed chunking and in-order merging: the thread count cannot change a bit.
    @Test func statisticsAreBitIdenticalForOneAndTwoThreads() throws {
        let path = temporaryFile(Self.randomCSV(rows: 400, seed: 7, quotedNewlines: true))
        for chunkSize in [64, 301, 4096] {
            let one = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 1, chunkSize: chunkSize)
            let two = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: chunkSize)
            #expect(one == two)
        }
    }

    /// Quoted fields holding line ends — some of them looking like whole records — at every
    /// offset from the cut points: a boundary placed inside a quote would change the fields
    /// (or fail). Fails if `RecordBoundaries` cut at the first line end after a cut point.
    @Test(arguments: [31, 64, 113, 256])
    func quotedLineEndsAroundCutPointsAreNotBoundaries(chunkSize: Int) throws {
        let csv = Self.randomCSV(rows: 300, seed: UInt64(chunkSize), quotedNewlines: true)
        let path = temporaryFile(csv)
        let table = try CSVLoader.load(path)
        let read = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: chunkSize)
        #expect(read.columns == table.columns)
        expectClose(read.statistics, PatternStatistics(table.matrix))
        // The cut points did fall inside quoted fields.
        let chunks = try Self.chunks(path, chunkSize: chunkSize)
        #expect(chunks.count > 10)
        let bytes = Array(csv.utf8)
        for chunk in chunks.dropFirst() {
            #expect(bytes[..<chunk.bytes.lowerBound].filter { $0 == 0x22 }.count % 2 == 0)
            #expect(bytes[chunk.bytes.lowerBound - 1] == 0x0A)
            #expect(chunk.firstLine == bytes[..<chunk.bytes.lowerBound].filter { $0 == 0x0A }.count + 1)
        }
    }

    /// A bad cell, a short row and a stray quote near the end of the file, many ranges after
    /// the first: the error and its line are the loader's.
    @Test(arguments: ["x,oops", "1", "1\"2,3"])
    func errorsInALaterRangeReportTheirLine(badRecord: String) throws {
        var csv = "a,b\n"
        for i in 0..<200 { csv += "\(i),\(i % 7)\n" }
        csv += badRecord + "\n"
        for i in 0..<30 { csv += "\(i),\(i % 5)\n" }
        let path = temporaryFile(csv)
        let expected = csvError { _ = try CSVLoader.load(path) }
        #expect(expected?.line == 202)
        for threads in [1, 2] {
            let found = csvError { _ = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: threads, chunkSize: 50) }
            #expect(found == expected)
        }
    }

    @Test(arguments: ["", "\n\n", "a,b\n", "a,b\n\n"])
    func emptyInputOrOnlyAHeaderIsTheLoadersError(csv: String) throws {
        let path = temporaryFile(csv)
        let expected = csvError { _ = try CSVLoader.load(path) }
        #expect(expected != nil)
        #expect(csvError { _ = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: 2) } == expected)
    }

    @Test func headerErrorsAndOptionsAreTheLoaders() throws {
        let path = temporaryFile("a,a\n1,2\n")
        #expect(csvError { _ = try CSVStatisticsReader.read(path) } == csvError { _ = try CSVLoader.load(path) })
        let good = temporaryFile("a,b,c\n1,2,x\n3,,y\n")
        var options = CSVReadOptions()
        options.excluded = ["b"]
        let read = try CSVStatisticsReader.read(good, options: options)
        #expect(read.columns == (try CSVLoader.load(good, options: options)).columns)
        #expect(read.modelledNames == ["a"])
        options.columns = ["nope"]
        #expect(csvError { _ = try CSVStatisticsReader.read(good, options: options) } == csvError { _ = try CSVLoader.load(good, options: options) })
    }

    /// No header, a byte-order mark, CRLF and an unterminated last line, across ranges.
    @Test func dialectDetailsAcrossRanges() throws {
        var csv = "\u{FEFF}"
        for i in 0..<100 { csv += "\(i),\(i % 3 == 0 ? "" : "\(i * 2)")\r\n" }
        csv += "5,6"
        let path = temporaryFile(csv)
        var options = CSVReadOptions()
        options.hasHeader = false
        let table = try CSVLoader.load(path, options: options)
        let read = try CSVStatisticsReader.read(path, options: options, threads: 2, chunkSize: 40)
        #expect(read.columns == table.columns)
        #expect(read.warnings == table.warnings)
        #expect(!read.warnings.isEmpty)
        expectClose(read.statistics, PatternStatistics(table.matrix))
    }

    @Test func fileRoundTripsExactly() throws {
        let path = temporaryFile(Self.randomCSV(rows: 200, seed: 3, quotedNewlines: false))
        let read = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: 128)
        let file = temporaryFile(try read.json(), suffix: ".json")
        var back = try TableStatistics.read(file)
        back.warnings = read.warnings
        #expect(back == read)
    }

    /// Merging the statistics of two batches gives those of the batches concatenated.
    @Test func mergedBatchesAreTheConcatenation() throws {
        let first = Self.randomCSV(rows: 150, seed: 11, quotedNewlines: false)
        let second = Self.randomCSV(rows: 90, seed: 12, quotedNewlines: false)
        var merged = try CSVStatisticsReader.read(temporaryFile(first))
        try merged.merge(try CSVStatisticsReader.read(temporaryFile(second)))
        let both = try CSVStatisticsReader.read(temporaryFile(first + second.split(separator: "\n", maxSplits: 1)[1]))
        #expect(merged.columns == both.columns)
        #expect(merged.observedRanges == both.observedRanges)
        expectClose(merged.statistics, both.statistics)
    }

    @Test func batchesReadDifferentlyAreRefused() throws {
        var a = try CSVStatisticsReader.read(temporaryFile("x,y\n1,2\n3,\n"))
        let otherColumns = try CSVStatisticsReader.read(temporaryFile("x,z\n1,2\n3,\n"))
        var options = CSVReadOptions()
        options.missingTokens = ["-9"]
        let otherCodes = try CSVStatisticsReader.read(temporaryFile("x,y\n1,2\n3,-9\n"), options: options)
        #expect(throws: TableStatisticsError.self) { try a.merge(otherColumns) }
        #expect(throws: TableStatisticsError.self) { try a.merge(otherCodes) }
    }

    // MARK: Support

    static func chunks(_ path: String, chunkSize: Int) throws -> [RecordBoundaries.Chunk] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        return try RecordBoundaries.split(fd: fd, size: Int(info.st_size), chunkSize: chunkSize, threads: 2, file: path)
    }

    /// A seeded CSV: three numeric columns with missing cells, and a quoted text column whose
    /// cells may hold line ends, doubled quotes and text that looks like records.
    static func randomCSV(rows: Int, seed: UInt64, quotedNewlines: Bool) -> String {
        var g = SplitMix64(seed: seed)
        var csv = "x,note,y,z\n"
        for i in 0..<rows {
            func number(_ scale: Double) -> String {
                Int.random(in: 0..<5, using: &g) == 0 ? "" : "\(Double(Int.random(in: -9999...9999, using: &g)) / 100 * scale)"
            }
            var note = "n\(i)"
            if quotedNewlines, Int.random(in: 0..<3, using: &g) == 0 {
                note = "\"line\n1,2,3,4\n\"\"q\"\",\n" + String(repeating: "\n", count: Int.random(in: 0..<4, using: &g)) + "end\""
            }
            csv += "\(number(1)),\(note),\(number(10)),\(number(0.1))\n"
        }
        return csv
    }
}

/// The same groups, rows exactly, moments to 1e-12 relative.
func expectClose(_ a: PatternStatistics, _ b: PatternStatistics, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.columnNames == b.columnNames, sourceLocation: sourceLocation)
    #expect(a.rowCount == b.rowCount, sourceLocation: sourceLocation)
    #expect(a.patterns == b.patterns, sourceLocation: sourceLocation)
    for pattern in a.patterns {
        guard let x = a.groups[pattern], let y = b.groups[pattern] else { continue }
        #expect(x.count == y.count, sourceLocation: sourceLocation)
        #expect(x.rows == y.rows, sourceLocation: sourceLocation)
        let (mx, cx) = x.moments, (my, cy) = y.moments
        let scale = (mx + cx + my + cy).map(abs).max() ?? 0
        let gap = zip(mx + cx, my + cy).map { abs($0 - $1) }.max() ?? 0
        #expect(gap <= 1e-12 * max(scale, 1), "pattern \(pattern.missingColumns): \(gap)", sourceLocation: sourceLocation)
    }
}

@Suite("Record boundaries")
struct RecordBoundariesTests {
    /// The eight-at-a-time count against a plain one, at every length and alignment.
    @Test func byteCountsAreExact() {
        var g = SplitMix64(seed: 9)
        let bytes = (0..<200).map { _ in [UInt8(0x22), 0x0A, 0xA2, 0x8A, 0x00, 0xFF, 0x41][Int.random(in: 0..<7, using: &g)] }
        bytes.withUnsafeBufferPointer { all in
            for start in 0..<9 {
                for end in start...all.count {
                    let part = UnsafeBufferPointer(rebasing: all[start..<end])
                    for byte: UInt8 in [0x22, 0x0A] {
                        #expect(RecordBoundaries.count(byte, in: part) == part.filter { $0 == byte }.count)
                        #expect(RecordBoundaries.countSparse(byte, in: part) == part.filter { $0 == byte }.count)
                    }
                }
            }
        }
    }
}

/// Seeded random files in every dialect detail the reader must agree with the loader on.
@Suite("Statistics reader against the loader, random files")
struct StatisticsReaderAgreementTests {
    /// A random CSV: CRLF or LF, blank lines, quoted cells with delimiters, doubled quotes
    /// and line ends, a byte-order mark, missing codes, now and then a text cell in a number
    /// column, a short row or a stray quote, and maybe no final line end.
    static func randomFile(seed: UInt64) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &g) < percent }
        let end = chance(30) ? "\r\n" : "\n"
        var s = chance(20) ? "\u{FEFF}" : ""
        let columns = Int.random(in: 1...4, using: &g)
        s += (0..<columns).map { "c\($0)" }.joined(separator: ",") + ",note" + end
        let rows = Int.random(in: 0...60, using: &g)
        // One file in three has one fault, in a random row: a short row, a stray quote or a
        // word in a number column; one in five has a text first column.
        let faultRow = chance(35) ? Int.random(in: 0..<max(rows, 1), using: &g) : -1
        let fault = Int.random(in: 0..<3, using: &g)
        let textFirstColumn = chance(20)
        for i in 0..<rows {
            if chance(5) { s += end }
            var cells: [String] = []
            for j in 0..<columns {
                switch Int.random(in: 0..<12, using: &g) {
                case 0: cells.append("NA")
                case 1: cells.append("")
                case _ where j == 0 && textFirstColumn: cells.append("t\(i)")
                default: cells.append("\(Double(Int.random(in: -999...999, using: &g)) / 10)")
                }
            }
            cells.append(chance(40) ? "\"x,\n\"\"y\"\"\r\n\nz\"" : "n\(i)")
            if i == faultRow {
                switch fault {
                case 0: cells.removeLast()
                case 1: cells[0] = "1\"2"
                default: cells[0] = "oops"
                }
            }
            s += cells.joined(separator: ",") + end
        }
        if chance(20), s.hasSuffix(end) { s.removeLast(end.count) }
        return Array(s.utf8)
    }

    /// Fails if a cut point could land inside a quoted field, if line numbers were counted
    /// per range without their offset, or if a rule of the loader were copied differently.
    @Test func randomFilesReadAsTheLoaderReadsThem() throws {
        var outcomes: [String: Int] = [:]
        for seed in UInt64(1)...150 {
            let path = temporaryFile(bytes: Self.randomFile(seed: seed))
            var loaded: LoadedTable?
            let expected = csvError { loaded = try CSVLoader.load(path) }
            outcomes[expected.map { "\($0.kind)".prefix(while: { $0 != "(" }).description } ?? "read", default: 0] += 1
            for chunkSize in [7, 33] {
                var read: TableStatistics?
                let found = csvError { read = try CSVStatisticsReader.read(path, options: CSVReadOptions(), threads: 2, chunkSize: chunkSize) }
                #expect(found == expected, "seed \(seed), chunk \(chunkSize)")
                guard let loaded, let read else { continue }
                #expect(read.columns == loaded.columns, "seed \(seed)")
                #expect(read.warnings == loaded.warnings, "seed \(seed)")
                expectClose(read.statistics, PatternStatistics(loaded.matrix))
            }
        }
        // Both sides of the comparison were exercised: files read, and each kind of error.
        #expect(outcomes["read", default: 0] >= 20, "\(outcomes)")
        #expect(outcomes.count >= 4, "\(outcomes)")
    }
}
