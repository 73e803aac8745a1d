import Foundation
import Testing
@testable import EMImputeIO

/// Pass 1's quote-free scanner against libcsv, record by record: `CSVReader` with the scanner
/// (at block sizes that cut records and fields anywhere, and make records longer than a
/// block) must hand its sink exactly the fields, lines and record ends — and throw exactly
/// the errors — that libcsv alone gives.
@Suite("Quote-free scanner against libcsv")
struct QuoteFreeScannerTests {
    /// Everything a sink is told, in order.
    final class Recorder: CSVRecordSink {
        enum Event: Equatable, CustomStringConvertible {
            case field(String, line: Int)
            case record(line: Int)
            var description: String {
                switch self {
                case .field(let text, let line): "field \(text.debugDescription) @\(line)"
                case .record(let line): "record @\(line)"
                }
            }
        }
        var events: [Event] = []
        /// Stop after this many records (nil: never), as the first-record reader does.
        var stopAfter: Int?
        var records = 0
        var shouldStop: Bool { stopAfter.map { records >= $0 } ?? false }
        func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
            events.append(.field(String(decoding: bytes, as: UTF8.self), line: line))
        }
        func endRecord(line: Int) {
            records += 1
            events.append(.record(line: line))
        }
    }

    /// What reading `path` gives: the events, and the error if any.
    private func read(_ path: String, delimiter: UInt8, range: Range<Int>, firstLine: Int, blockSize: Int,
                      scans: Bool, stopAfter: Int? = nil) throws -> (events: [Recorder.Event], error: String?) {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let recorder = Recorder()
        recorder.stopAfter = stopAfter
        let reader = try CSVReader(delimiter: delimiter, file: "f")
        do {
            try reader.read(fd: fd, range: range, firstLine: firstLine, into: recorder, blockSize: blockSize, scansQuoteFree: scans)
            return (recorder.events, nil)
        } catch {
            return (recorder.events, "\(error)")
        }
    }

    /// Random bytes of every kind the dialect knows: fields of digits and letters, spaces and
    /// tabs around and inside them, each delimiter candidate, CR, LF and CRLF, blank and
    /// spaces-only lines, sometimes a byte-order mark, long fields, and (in `quoted` inputs)
    /// quoted fields and stray quotes.
    static func randomInput(seed: UInt64, quoted: Bool) -> [UInt8] {
        var g = SplitMix64(seed: seed)
        let pieces = ["1", "-0.25", "NA", "abc", "x", "", " ", "  ", "\t", ",", ",", ",", ";", ";", "\t",
                      "\n", "\n", "\r\n", "\r", " \n", "\t\n", "\n\n", "12345678901234567890"]
        let quotedPieces = ["\"a,b\"", "\"x\"\"y\"", "\"line\nbreak\"", " \"q\" ", "1\"2", "\"open"]
        var bytes: [UInt8] = Int.random(in: 0..<6, using: &g) == 0 ? [0xEF, 0xBB, 0xBF] : []
        for _ in 0..<Int.random(in: 0...120, using: &g) {
            if quoted, Int.random(in: 0..<25, using: &g) == 0 {
                bytes += Array(quotedPieces.randomElement(using: &g)!.utf8)
            } else if Int.random(in: 0..<60, using: &g) == 0 {
                bytes += Array(repeating: UInt8(ascii: "7"), count: Int.random(in: 20...90, using: &g))
            } else {
                bytes += Array(pieces.randomElement(using: &g)!.utf8)
            }
        }
        return bytes
    }

    @Test(arguments: [",", ";", "\t", " "])
    func everyFieldAndRecordIsLibcsvs(delimiterText: String) throws {
        let delimiter = Array(delimiterText.utf8)[0]
        var scanned = 0, withErrors = 0
        for seed in UInt64(1)...400 {
            let quoted = seed % 4 == 0
            let bytes = Self.randomInput(seed: seed, quoted: quoted)
            let path = temporaryFile(bytes: bytes)
            defer { unlink(path) }
            let expected = try read(path, delimiter: delimiter, range: 0..<bytes.count, firstLine: 1, blockSize: 1 << 20, scans: false)
            if expected.error != nil { withErrors += 1 }
            for blockSize in [8, 9, 16, 31, 64, 1 << 20] {
                let found = try read(path, delimiter: delimiter, range: 0..<bytes.count, firstLine: 1, blockSize: blockSize, scans: true)
                #expect(found.events == expected.events, "seed \(seed), block \(blockSize): \(bytes)")
                #expect(found.error == expected.error, "seed \(seed), block \(blockSize)")
            }
            // A range that starts after the first line end (a later chunk of pass 1), and a
            // reader asked to stop after the first record (pass 1's column finder).
            if !quoted, let lf = bytes.firstIndex(of: 0x0A) {
                let later = (lf + 1)..<bytes.count
                let expectedLater = try read(path, delimiter: delimiter, range: later, firstLine: 2, blockSize: 1 << 20, scans: false)
                for blockSize in [8, 23, 1 << 20] {
                    let found = try read(path, delimiter: delimiter, range: later, firstLine: 2, blockSize: blockSize, scans: true)
                    #expect(found.events == expectedLater.events, "seed \(seed), later range, block \(blockSize)")
                }
            }
            let firstOnly = try read(path, delimiter: delimiter, range: 0..<bytes.count, firstLine: 1, blockSize: 16, scans: true, stopAfter: 1)
            if let end = expected.events.firstIndex(where: { if case .record = $0 { true } else { false } }) {
                #expect(Array(firstOnly.events.prefix(end + 1)) == Array(expected.events.prefix(end + 1)), "seed \(seed), first record")
            }
            if !quoted { scanned += 1 }
        }
        #expect(scanned >= 250 && withErrors >= 5, "scanned \(scanned), with errors \(withErrors)")
    }

    /// Hand-picked inputs whose every detail is libcsv's rule (`FieldBytes`).
    @Test func dialectDetails() throws {
        let inputs = ["a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r1,2\r", " a , b \n\n  \n\t\n 1 ,\t2\t\n", "a,b\n1,2",
                      "a,b\n1,", "a,b\n1,2\n   ", "\u{FEFF}a,b\n1,2\n", ",\n,,\n", "a\n\r\n\r\rb\n", "a,b\n1,2\n3,\"4\"\n5,6\n"]
        for input in inputs {
            let bytes = Array(input.utf8)
            let path = temporaryFile(bytes: bytes)
            defer { unlink(path) }
            for delimiter in [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: " ")] {
                let expected = try read(path, delimiter: delimiter, range: 0..<bytes.count, firstLine: 1, blockSize: 1 << 20, scans: false)
                for blockSize in [8, 1 << 20] {
                    let found = try read(path, delimiter: delimiter, range: 0..<bytes.count, firstLine: 1, blockSize: blockSize, scans: true)
                    #expect(found.events == expected.events && found.error == expected.error, "\(input.debugDescription), \(delimiter)")
                }
            }
        }
    }
}
