import Dispatch
import Foundation

/// Splits reading a CSV over two threads: the reading thread runs libcsv and packs the fields
/// it delivers into batches; a second thread replays them, in order, into the real sink
/// (classifying and parsing cells). The sink sees exactly the calls it would have seen on one
/// thread, so results do not change; memory is bounded by a few batches.
final class RecordBatchRelay: CSVRecordSink, @unchecked Sendable {
    /// Fields and record ends, as offsets into `bytes`.
    private struct Batch {
        var bytes: [UInt8] = []
        /// For each event: a field's end offset in `bytes`, or −1 for the end of a record.
        var events: [Int] = []
        var lines: [Int] = []
        var isEmpty: Bool { events.isEmpty }
        mutating func clear() { bytes.removeAll(keepingCapacity: true); events.removeAll(keepingCapacity: true); lines.removeAll(keepingCapacity: true) }
    }

    private static let batchBytes = 1 << 18
    private static let depth = 3

    private let target: any CSVRecordSink
    private var current = Batch()
    private var queue: [Batch] = []
    private var spare: [Batch] = []
    private var closed = false
    private var targetStopped = false
    private let lock = NSCondition()
    private let done = DispatchGroup()

    /// Starts the consuming thread.
    init(feeding target: any CSVRecordSink) {
        self.target = target
        current.bytes.reserveCapacity(Self.batchBytes + 4096)
        done.enter()
        Thread.detachNewThread { [self] in consume(); done.leave() }
    }

    // MARK: Producer (the reading thread)

    /// Stops the reader early once the target has stopped (after an error).
    var shouldStop: Bool {
        lock.lock()
        defer { lock.unlock() }
        return targetStopped
    }

    func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {
        current.bytes.append(contentsOf: bytes)
        current.events.append(current.bytes.count)
        current.lines.append(line)
    }

    func endRecord(line: Int) {
        current.events.append(-1)
        current.lines.append(line)
        if current.bytes.count >= Self.batchBytes || current.events.count >= 1 << 16 { handOff() }
    }

    private func handOff() {
        lock.lock()
        while queue.count >= Self.depth { lock.wait() }
        queue.append(current)
        current = spare.popLast() ?? Batch()
        current.clear()
        lock.broadcast()
        lock.unlock()
    }

    /// Hands over what is left and waits until the target has seen everything.
    func finish() {
        if !current.isEmpty { handOff() }
        lock.lock()
        closed = true
        lock.broadcast()
        lock.unlock()
        done.wait()
    }

    // MARK: Consumer

    private func consume() {
        while true {
            lock.lock()
            while queue.isEmpty && !closed { lock.wait() }
            if queue.isEmpty { lock.unlock(); return }
            var batch = queue.removeFirst()
            lock.broadcast()
            lock.unlock()
            lock.lock()
            let stopped = targetStopped
            lock.unlock()
            if !stopped { replay(batch) }
            batch.clear()
            lock.lock()
            if target.shouldStop { targetStopped = true }
            spare.append(batch)
            lock.unlock()
        }
    }

    private func replay(_ batch: Batch) {
        batch.bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for (k, event) in batch.events.enumerated() {
                if event < 0 {
                    target.endRecord(line: batch.lines[k])
                } else {
                    target.field(UnsafeBufferPointer(rebasing: bytes[start..<event]), line: batch.lines[k])
                    start = event
                }
                if target.shouldStop { return }
            }
        }
    }
}
