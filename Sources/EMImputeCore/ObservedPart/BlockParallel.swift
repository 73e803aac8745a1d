/// A shareable pointer for workers that write disjoint slots.
struct DisjointSlots<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
}

/// Fixed row blocks, computed in parallel and combined in block order.
///
/// The blocks depend only on the row count, and callers add the blocks' results in index
/// order, so every result is bit-identical for any number of threads.
struct RowBlocks: Sendable {
    /// Rows in total.
    let rowCount: Int
    /// Rows per block (the last may have fewer).
    let blockRows: Int

    init(rowCount: Int) {
        self.rowCount = rowCount
        // At most 256 blocks of at least 256 rows: enough to balance two cores or a hundred,
        // and long enough runs of rows for the BLAS calls of the E-steps (at 64 rows the
        // packing and call overhead of dgemm/dsyrk cost about a tenth of a mixture iteration).
        blockRows = max(256, (rowCount + 255) / 256)
    }

    /// Number of blocks.
    var count: Int { rowCount == 0 ? 0 : (rowCount + blockRows - 1) / blockRows }

    /// The rows of block `b`.
    func rows(ofBlock b: Int) -> Range<Int> { (b * blockRows)..<min(rowCount, (b + 1) * blockRows) }

    /// `body(b)` for every block, on up to `threads` threads; the results in block order.
    func map<T: Sendable>(threads: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
        let blocks = count
        guard blocks > 0 else { return [] }
        let out = UnsafeMutablePointer<T?>.allocate(capacity: blocks)
        out.initialize(repeating: nil, count: blocks)
        defer { out.deinitialize(count: blocks); out.deallocate() }
        let slots = DisjointSlots(base: out)
        let workers = max(1, min(threads, blocks))
        WorkerThreads.run(workers) { worker in
            var b = worker
            while b < blocks {
                slots.base[b] = body(b)
                b += workers
            }
        }
        return (0..<blocks).map { out[$0]! }
    }
}
