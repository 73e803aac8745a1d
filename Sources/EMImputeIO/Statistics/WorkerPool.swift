import Dispatch
import Foundation

/// Runs numbered tasks on a fixed number of threads, each thread taking the next task
/// number in turn. Which thread runs a task never matters to its result; callers that need
/// determinism combine results by task number.
enum WorkerPool {
    /// Runs `body(0)`, …, `body(count − 1)` on up to `threads` threads and returns when all
    /// have finished. The first error thrown (by task number) is rethrown; tasks after a
    /// failed one are still run unless `body` checks `shouldStop`.
    static func run(count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
        guard count > 0 else { return }
        let state = SharedState(count: count)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
            while let task = state.next() {
                do { try body(task) } catch { state.fail(task, error) }
            }
        }
        if let error = state.firstError { throw error }
    }

    private final class SharedState: @unchecked Sendable {
        private let lock = NSLock()
        private let count: Int
        private var nextTask = 0
        private var failure: (task: Int, error: any Error)?

        init(count: Int) { self.count = count }

        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard nextTask < count else { return nil }
            nextTask += 1
            return nextTask - 1
        }

        func fail(_ task: Int, _ error: any Error) {
            lock.lock()
            defer { lock.unlock() }
            if failure == nil || task < failure!.task { failure = (task, error) }
        }

        var firstError: (any Error)? {
            lock.lock()
            defer { lock.unlock() }
            return failure?.error
        }
    }
}
