import Foundation

/// The buffers one range of pass 2 fills — its bytes, its records, and per output stream its
/// completed bytes and its batch of completed rows — handed with the range to the ordered
/// write and then back to a `Pool`, so that a pass allocates (and the kernel zeroes) them a
/// few times, not once per range.
final class RangeWorkspace: @unchecked Sendable {
    /// The range's bytes, followed by `QuoteFreeScanner.padding` zero bytes.
    private(set) var input: UnsafeMutablePointer<UInt8>
    private var inputCapacity = 0
    /// Bytes of the range in `input`.
    private(set) var inputCount = 0
    var records = RangeRecords()
    /// Per stream, the completed bytes.
    var outputs: [[UInt8]] = []
    /// Per stream, the completed rows (only for streams with consumers).
    var batches: [CompletedRowBatch] = []
    /// One row of modelled values.
    private(set) var row: UnsafeMutablePointer<Double>
    private var rowCapacity = 0

    init() {
        input = .allocate(capacity: QuoteFreeScanner.padding)
        input.initialize(repeating: 0, count: QuoteFreeScanner.padding)
        row = .allocate(capacity: 1)
        row.initialize(to: 0)
    }

    deinit {
        input.deallocate()
        row.deallocate()
    }

    /// The range's bytes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: input, count: inputCount) }

    /// Makes room for `count` bytes of input (their content unspecified until written) and
    /// the padding after them, zeroed.
    func reserveInput(_ count: Int) {
        if count > inputCapacity {
            input.deallocate()
            // Some headroom: ranges differ a little in size.
            inputCapacity = count + count / 8
            input = .allocate(capacity: inputCapacity + QuoteFreeScanner.padding)
        }
        inputCount = count
        (input + count).initialize(repeating: 0, count: QuoteFreeScanner.padding)
    }

    /// A row of `p` values.
    func reserveRow(_ p: Int) -> UnsafeMutablePointer<Double> {
        if p > rowCapacity {
            row.deallocate()
            row = .allocate(capacity: p)
            row.initialize(repeating: 0, count: p)
            rowCapacity = p
        }
        return row
    }

    /// Empties the outputs and batches for `streams` streams, keeping their capacity.
    func reset(streams: Int) {
        records.removeAll()
        if outputs.count != streams { outputs = [[UInt8]](repeating: [], count: streams) }
        if batches.count != streams { batches = [CompletedRowBatch](repeating: CompletedRowBatch(), count: streams) }
        for s in 0..<streams {
            outputs[s].removeAll(keepingCapacity: true)
            batches[s].removeAll()
        }
    }

    /// Workspaces to reuse, shared by the threads of one pass.
    final class Pool: @unchecked Sendable {
        private let lock = NSLock()
        private var free: [RangeWorkspace] = []

        /// A workspace from the pool, or a new one.
        func take() -> RangeWorkspace {
            lock.lock()
            defer { lock.unlock() }
            return free.popLast() ?? RangeWorkspace()
        }

        /// Returns `workspace` to the pool.
        func give(_ workspace: RangeWorkspace) {
            lock.lock()
            defer { lock.unlock() }
            free.append(workspace)
        }
    }
}
