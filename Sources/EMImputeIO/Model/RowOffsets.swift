import Foundation

/// The index of the first data row of each numbered range of an input, known once every
/// earlier range has counted its rows: ranges parsed on several threads number their rows as a
/// sequential read would, while each waits only for the parsing of the ranges before it.
final class RowOffsets: @unchecked Sendable {
    private let lock = NSCondition()
    private var counts: [Int?]
    /// offsets[k] is the first row of range k, once known.
    private var offsets: [Int?]
    private var known = 0
    private var hasFailed = false

    /// Offsets for `count` ranges.
    init(count: Int) {
        counts = [Int?](repeating: nil, count: count)
        offsets = [Int?](repeating: nil, count: count + 1)
        offsets[0] = 0
    }

    /// Range `k` holds `rows` data rows (nil: it failed, and later ranges need no offsets).
    func publish(_ k: Int, rows: Int?) {
        lock.lock()
        defer { lock.unlock() }
        guard let rows else { hasFailed = true; lock.broadcast(); return }
        counts[k] = rows
        while known < counts.count, let n = counts[known] {
            offsets[known + 1] = offsets[known]! + n
            known += 1
        }
        lock.broadcast()
    }

    /// The first row of range `k`, waiting until the ranges before it have been counted; nil
    /// when one of them failed.
    func offset(of k: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        while offsets[k] == nil, !hasFailed { lock.wait() }
        return offsets[k]
    }
}
