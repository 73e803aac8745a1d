/// A column of Doubles grown in fixed-size chunks, so growth never copies and never holds
/// twice the data (as a doubling array does while it reallocates).
struct ChunkedColumn {
    static let chunkSize = 1 << 16
    private(set) var chunks: [[Double]] = []
    private(set) var count = 0

    @inline(__always)
    mutating func append(_ v: Double) {
        if count % Self.chunkSize == 0 { chunks.append([]) }
        chunks[chunks.count - 1].append(v)
        count += 1
    }

    /// Frees chunk `k` once it has been copied out.
    mutating func release(chunk k: Int) { chunks[k] = [] }

    mutating func removeAll() { chunks = []; count = 0 }
}
