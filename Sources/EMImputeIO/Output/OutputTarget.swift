import Foundation

/// Where output bytes go, written the way `OutputDestination` says: an open descriptor or a
/// device written through, or a regular file built in a temporary file beside it and renamed
/// into place by `commit()`, so no partial file ever stands at the destination.
///
/// ```swift
/// let target = try OutputTarget.file("completed.csv")
/// do { try target.write("x,y\n1,2\n"); try target.commit() } catch { target.abandon(); throw error }
/// ```
public final class OutputTarget {
    /// The destination as the user named it.
    public let name: String
    /// What is written.
    public let destination: OutputDestination
    private var fd: Int32 = -1
    private var temporaryPath: String?
    private var buffer: [UInt8] = []
    private var finished = false
    private static let capacity = 1 << 20

    /// A target for `name` as resolved into `destination`; a regular file's temporary file is
    /// created now, so an unwritable folder fails before any work is done.
    public init(name: String, destination: OutputDestination) throws {
        self.name = name
        self.destination = destination
        buffer.reserveCapacity(Self.capacity)
        switch destination {
        case .descriptor(let descriptor):
            fd = descriptor
        case .replaceableFile(let path, let existing):
            try createTemporary(beside: path, keeping: existing)
        case .writeThrough:
            break  // opened at the first write: opening a FIFO waits for its reader
        }
    }

    /// Standard output.
    public static func standardOutput() -> OutputTarget {
        // A descriptor needs no preparation, so this cannot fail.
        try! OutputTarget(name: "<stdout>", destination: .descriptor(1))
    }

    /// The file, device or FIFO at `path` (`-` is standard output); see `OutputDestination`.
    public static func file(_ path: String) throws -> OutputTarget {
        try OutputTarget(name: path, destination: OutputDestination.resolve(path))
    }

    deinit { if !finished { abandon() } }

    /// Appends bytes.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.capacity { try flush() }
        if bytes.count >= Self.capacity { try writeOut(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    /// Appends a string's UTF-8 bytes.
    public func write(_ string: String) throws {
        var s = string
        try s.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }

    /// Writes what is buffered and, for a regular file, makes it durable — everything but
    /// the rename. `OutputSet` prepares every output before renaming any.
    func prepareCommit() throws {
        try flush()
        guard temporaryPath != nil else { return }
        if fsync(fd) != 0 {
            let code = errno
            abandon()
            if code == ENOSPC || code == EDQUOT { throw OutputError.deviceFull(path: name) }
            throw OutputError.writeFailed(path: name, reason: String(cString: strerror(code)))
        }
    }

    /// Renames a prepared regular file into place; closes what this target opened.
    func finishCommit() throws {
        finished = true
        switch destination {
        case .descriptor: return
        case .writeThrough:
            if fd >= 0 { close(fd); fd = -1 }
        case .replaceableFile(let path, _):
            guard let temporaryPath else { return }
            close(fd); fd = -1
            defer { InterruptCleanup.unregister(temporaryPath); self.temporaryPath = nil }
            if rename(temporaryPath, path) != 0 {
                let reason = String(cString: strerror(errno))
                unlink(temporaryPath)
                throw OutputError.cannotCreate(path: name, reason: reason)
            }
            // The rename is durable once the folder is.
            let folder = open(OutputDestination.folder(of: path), O_RDONLY | O_DIRECTORY)
            if folder >= 0 { fsync(folder); close(folder) }
        }
    }

    /// Flushes, and for a regular file makes it durable and renames it into place.
    public func commit() throws {
        try prepareCommit()
        try finishCommit()
    }

    /// Discards an output that will not be completed: a temporary file is removed and the
    /// destination left as it was.
    public func abandon() {
        finished = true
        buffer.removeAll()
        switch destination {
        case .descriptor: return
        case .writeThrough:
            if fd >= 0 { close(fd); fd = -1 }
        case .replaceableFile:
            guard let temporaryPath else { return }
            if fd >= 0 { close(fd); fd = -1 }
            unlink(temporaryPath)
            InterruptCleanup.unregister(temporaryPath)
            self.temporaryPath = nil
        }
    }

    /// Writes `contents` to `path` (atomically for a regular file) in one go.
    public static func writeFile(_ path: String, contents: String) throws {
        let target = try file(path)
        do { try target.write(contents); try target.commit() } catch { target.abandon(); throw error }
    }

    // MARK: - Private

    /// A short temporary name in the destination's folder: the destination's own name may be
    /// as long as the system allows, so it is not part of the temporary one.
    private func createTemporary(beside path: String, keeping existing: OutputDestination.ExistingFile?) throws {
        var template = Array((OutputDestination.folder(of: path) + "/.emimpute-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw OutputError.cannotCreate(path: name, reason: String(cString: strerror(errno))) }
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        InterruptCleanup.register(temporary)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        fd = descriptor
        temporaryPath = temporary
        if let existing {
            // Keep who may read the data: a private file stays private when replaced.
            if existing.owner != geteuid() || existing.group != getegid() {
                _ = fchown(descriptor, existing.owner, existing.group)  // allowed for root; otherwise the mode still applies
            }
            fchmod(descriptor, existing.mode)
        } else {
            let mask = umask(0)
            umask(mask)
            fchmod(descriptor, 0o666 & ~mask)
        }
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { try writeOut($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        if OutputFaultInjection.failWrites, temporaryPath != nil {
            throw OutputError.writeFailed(path: name, reason: "simulated write failure")
        }
        if fd < 0, case .writeThrough(let path) = destination {
            fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else { throw OutputError.cannotCreate(path: name, reason: String(cString: strerror(errno))) }
        }
        guard let base = bytes.baseAddress else { return }
        do {
            try FileDescriptorIO.writeAll(fd, base, count: bytes.count)
        } catch {
            if error.code == EPIPE { throw OutputError.brokenPipe }
            if error.code == ENOSPC || error.code == EDQUOT { throw OutputError.deviceFull(path: name) }
            throw OutputError.writeFailed(path: name, reason: error.reason)
        }
    }
}

/// Test hook: makes writes to temporary output files fail. Set only by the debug build of the
/// command-line tool when its tests ask; not part of the public API.
package enum OutputFaultInjection {
    nonisolated(unsafe) package static var failWrites = false
}
