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

    /// Blocks of at least `minimumRows` rows (at most 256 blocks beyond that).
    init(rowCount: Int, minimumRows: Int = 256) {
        self.rowCount = rowCount
        // At most 256 blocks of at least 256 rows: enough to balance two cores or a hundred,
        // and long enough runs of rows for the BLAS calls of the E-steps (at 64 rows the
        // packing and call overhead of dgemm/dsyrk cost about a tenth of a mixture iteration).
        blockRows = max(max(1, minimumRows), (rowCount + 255) / 256)
    }

    /// Blocks for the mixture and t E-steps at p columns: each block one BLAS-sized run of
    /// `rowsPerCall(columns:)` rows, so that a block costs one `dgemm` and one `dsyrk` per
    /// component (at p = 10 their fixed cost per call — packing, OpenBLAS's β and diagonal-block
    /// passes — was a third of a mixture iteration with 256-row calls).
    init(rowCount: Int, columns p: Int) {
        self.init(rowCount: rowCount, minimumRows: Self.rowsPerCall(columns: p))
    }

    /// Rows per BLAS call in the mixture and t E-steps: about 20k values (2,048 rows at p = 10,
    /// 512 at p = 40), between 16 and 2,048 rows.
    static func rowsPerCall(columns p: Int) -> Int { max(16, min(2048, 20_480 / max(p, 1))) }

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
