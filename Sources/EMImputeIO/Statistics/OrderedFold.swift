import Foundation

/// Folds numbered parts, built on several threads, into one in number order as they
/// arrive — so the result is the same for any number of threads — while at most `window`
/// parts wait to be folded. After a part that failed, the later ones are skipped and the
/// failure is the result.
///
/// ```swift
/// let fold = OrderedFold<[Int]>(window: 4) { total, part in total = (total ?? []) + part }
/// try WorkerPool.run(count: 10, threads: 2) { k in
///     fold.waitForTurn(k)
///     fold.deliver(k, fold.hasFailed ? nil : .success([k]))
/// }
/// let all = try fold.result()  // [0, 1, …, 9]
/// ```
final class OrderedFold<Part>: @unchecked Sendable {
    private let lock = NSCondition()
    private let window: Int
    private let combine: (inout Part?, Part) throws -> Void
    private var waiting: [Int: Result<Part, any Error>?] = [:]
    private var next = 0
    private var isFolding = false
    private var total: Part?
    private var failure: (any Error)?

    /// A fold that adds each part to the running total with `combine` (total nil before the
    /// first part).
    init(window: Int, combine: @escaping (inout Part?, Part) throws -> Void) {
        self.window = max(1, window)
        self.combine = combine
    }

    /// Whether a part has failed (later parts need not be built).
    var hasFailed: Bool { lock.lock(); defer { lock.unlock() }; return failure != nil }

    /// Waits until part `k` may be built without holding more than `window` parts.
    func waitForTurn(_ k: Int) {
        lock.lock()
        while k >= next + window { lock.wait() }
        lock.unlock()
    }

    /// Hands over part `k` (nil: skipped), and folds every part that is now next in order.
    /// Only one thread folds at a time; the others hand over and go on.
    func deliver(_ k: Int, _ part: Result<Part, any Error>?) {
        lock.lock()
        waiting[k] = .some(part)
        guard !isFolding else { lock.unlock(); return }
        isFolding = true
        while let ready = waiting.removeValue(forKey: next) {
            let skip = failure != nil
            lock.unlock()
            var error: (any Error)?
            if !skip, let ready {
                do { try combine(&total, try ready.get()) } catch let e { error = e }
            }
            lock.lock()
            if failure == nil, let error { failure = error }
            next += 1
            lock.broadcast()
        }
        isFolding = false
        lock.unlock()
    }

    /// The folded total (nil when there were no parts), or the first failure.
    func result() throws -> Part? {
        if let failure { throw failure }
        return total
    }
}
