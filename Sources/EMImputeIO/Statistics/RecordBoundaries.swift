import Foundation

/// Splits a regular file into byte ranges that each begin at the start of a record, so that
/// each range can be parsed by its own parser, and numbers the line each range begins on.
///
/// Cut points are nominal, every `chunkSize` bytes — they depend on the file alone, never on
/// the number of threads. The range boundary for a cut point is the first line end (LF) at or
/// after it that lies outside every quoted field. In a file that libcsv reads in strict mode
/// that is exactly a line end preceded by an even number of quote bytes: a quoted field holds
/// an even number of them (its two delimiting quotes and its doubled ones), and a quote
/// anywhere else is an error. The parity at each cut point is never guessed from the bytes
/// around it (a quoted field may hold line ends and look like records): the quotes of every
/// nominal range are counted, in parallel, and summed in order, which gives it exactly.
///
/// In a malformed file the boundaries after the first stray quote may fall inside a field;
/// the range that holds that quote begins at a true record start, so its parser reports the
/// same error at the same line as a sequential read would, and it is the first error.
///
/// - Complexity: O(bytes), read once, on up to `threads` threads.
enum RecordBoundaries {
    /// One range and the 1-based line it begins on.
    struct Chunk: Equatable, Sendable {
        /// The bytes of the range.
        let bytes: Range<Int>
        /// The physical line on which the range begins.
        let firstLine: Int
    }

    /// The cut-point spacing of the statistics reader: large enough that a range's fixed
    /// costs do not matter, small enough that both cores stay busy to the end.
    static let defaultChunkSize = 4 << 20

    /// The cut-point spacing of pass 2 (`RangeCompletion`): a range in flight holds its bytes,
    /// its parsed values, its completed output and its completed rows — about four times its
    /// size — and up to two ranges per thread are in flight, so smaller ranges than pass 1's
    /// keep pass 2's memory small (the output does not depend on the spacing).
    static let completionChunkSize = 1 << 20

    private static let blockSize = 1 << 16

    /// The ranges of the first `size` bytes of `fd`.
    /// - Throws: `CSVError.cannotOpen` when the file cannot be read.
    static func split(fd: Int32, size: Int, chunkSize: Int, threads: Int, file: String) throws -> [Chunk] {
        precondition(chunkSize > 0)
        guard size > chunkSize else { return [Chunk(bytes: 0..<size, firstLine: 1)] }
        let cuts = (size + chunkSize - 1) / chunkSize
        // Quotes and line ends of each nominal range.
        let counts = UnsafeMutableBufferPointer<(quotes: Int, lineEnds: Int)>.allocate(capacity: cuts)
        defer { counts.deallocate() }
        let countsAddress = UInt(bitPattern: counts.baseAddress!)
        try WorkerPool.run(count: cuts, threads: threads) { k in
            let range = (k * chunkSize)..<min((k + 1) * chunkSize, size)
            var quotes = 0, lineEnds = 0
            try forEachBlock(fd: fd, range: range, file: file) { block in
                quotes &+= countSparse(0x22, in: block)
                lineEnds &+= count(0x0A, in: block)
                return true
            }
            UnsafeMutablePointer<(quotes: Int, lineEnds: Int)>(bitPattern: countsAddress)![k] = (quotes, lineEnds)
        }
        // Exact parity and line count at each cut point, then its boundary.
        var parity = [Int](repeating: 0, count: cuts), lines = [Int](repeating: 0, count: cuts)
        for k in 1..<cuts {
            parity[k] = (parity[k - 1] + counts[k - 1].quotes) & 1
            lines[k] = lines[k - 1] + counts[k - 1].lineEnds
        }
        let found = UnsafeMutableBufferPointer<(offset: Int, line: Int)>.allocate(capacity: cuts)
        defer { found.deallocate() }
        let foundAddress = UInt(bitPattern: found.baseAddress!)
        let (parityAtCut, linesAtCut) = (parity, lines)
        try WorkerPool.run(count: cuts - 1, threads: threads) { task in
            let k = task + 1
            var odd = parityAtCut[k] == 1
            var offset = k * chunkSize, line = linesAtCut[k] + 1
            // Not found before the next cut point: the boundary is that cut point's.
            var boundary = (offset: size, line: line)
            try forEachBlock(fd: fd, range: offset..<min((k + 1) * chunkSize, size), file: file) { block in
                for byte in block {
                    offset += 1
                    if byte == 0x22 { odd.toggle() } else if byte == 0x0A {
                        line += 1
                        if !odd { boundary = (offset, line); return false }
                    }
                }
                return true
            }
            UnsafeMutablePointer<(offset: Int, line: Int)>(bitPattern: foundAddress)![k] = boundary
        }
        var chunks: [Chunk] = []
        var start = (offset: 0, line: 1)
        for k in 1..<cuts where found[k].offset > start.offset && found[k].offset < size {
            chunks.append(Chunk(bytes: start.offset..<found[k].offset, firstLine: start.line))
            start = found[k]
        }
        chunks.append(Chunk(bytes: start.offset..<size, firstLine: start.line))
        return chunks
    }

    /// How many bytes of `block` equal `byte`: eight bytes at a time (SWAR — a byte of
    /// `word ^ pattern` is zero exactly where the byte matches, and a zero byte is the one
    /// whose high bit stays clear in `((x & 0x7F…) + 0x7F…) | x`), then the tail.
    static func count(_ byte: UInt8, in block: UnsafeBufferPointer<UInt8>) -> Int {
        guard let base = block.baseAddress else { return 0 }
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F, high: UInt64 = 0x8080_8080_8080_8080
        let words = block.count / 8
        var nonMatching = 0
        let raw = UnsafeRawPointer(base)
        for k in 0..<words {
            let x = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self) ^ pattern
            nonMatching &+= ((((x & low7) &+ low7) | x) & high).nonzeroBitCount
        }
        var matches = 8 * words - nonMatching
        for k in (8 * words)..<block.count where base[k] == byte { matches += 1 }
        return matches
    }

    /// `count(_:in:)` for a byte that is rare (quotes, mostly none): a `memchr` per match.
    static func countSparse(_ byte: UInt8, in block: UnsafeBufferPointer<UInt8>) -> Int {
        guard var p = UnsafeRawPointer(block.baseAddress) else { return 0 }
        let end = p + block.count
        var matches = 0
        while p < end, let found = memchr(p, Int32(byte), end - p) {
            matches += 1
            p = UnsafeRawPointer(found) + 1
        }
        return matches
    }

    /// Reads `range` of `fd` in blocks, handing each to `body` until it returns false.
    private static func forEachBlock(fd: Int32, range: Range<Int>, file: String,
                                     _ body: (UnsafeBufferPointer<UInt8>) -> Bool) throws {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: blockSize)
        defer { buffer.deallocate() }
        var offset = range.lowerBound
        while offset < range.upperBound {
            let got: Int
            do {
                got = try FileDescriptorIO.read(fd, into: buffer.baseAddress!, count: min(blockSize, range.upperBound - offset), at: offset)
            } catch {
                throw CSVError(file: file, kind: .cannotOpen(reason: error.reason))
            }
            if got == 0 { return }
            if !body(UnsafeBufferPointer(rebasing: buffer[0..<got])) { return }
            offset += got
        }
    }
}
