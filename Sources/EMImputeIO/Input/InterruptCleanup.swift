import Foundation

/// Removes temporary files when the process is interrupted (SIGINT, SIGTERM, SIGHUP), so an
/// interrupted run leaves no partial output behind. The handler only calls async-signal-safe
/// functions (unlink, signal, raise) on paths stored ahead of time in fixed C buffers.
package enum InterruptCleanup {
    private static let slotCount = 8
    private static let slotSize = 4096
    nonisolated(unsafe) private static let slots: UnsafeMutablePointer<CChar> = {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: slotCount * slotSize)
        p.initialize(repeating: 0, count: slotCount * slotSize)
        return p
    }()
    private static let lock = NSLock()

    /// Installs the signal handlers (idempotent), and unblocks those signals: a parent that
    /// started us with them blocked (as some test runners and supervisors do) would otherwise
    /// make an interruption wait forever.
    package static func install() {
        _ = slots
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        sigprocmask(SIG_UNBLOCK, &set, nil)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { sig in
                for k in 0..<InterruptCleanup.slotCount {
                    let p = InterruptCleanup.slots + k * InterruptCleanup.slotSize
                    if p[0] != 0 { unlink(p) }
                }
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// Registers a path to delete on interruption.
    static func register(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        let bytes = Array(path.utf8CString)
        guard bytes.count <= slotSize else { return }
        for k in 0..<slotCount where slots[k * slotSize] == 0 {
            for (i, b) in bytes.enumerated() { slots[k * slotSize + i] = b }
            return
        }
    }

    /// Forgets a path (after it was renamed into place or removed).
    static func unregister(_ path: String) {
        lock.lock(); defer { lock.unlock() }
        for k in 0..<slotCount where slots[k * slotSize] != 0 && String(cString: slots + k * slotSize) == path {
            slots[k * slotSize] = 0
        }
    }
}
