import Foundation

/// Where output bytes go: standard output, or a file written atomically — into a temporary
/// file in the same folder, renamed over the destination only once complete, so no partial
/// file ever stands at the destination.
public final class OutputTarget {
    /// The destination as the user named it.
    public let name: String
    private let fd: Int32
    private let temporaryPath: String?
    private var buffer: [UInt8] = []
    private var finished = false
    private static let capacity = 1 << 20

    private init(name: String, fd: Int32, temporaryPath: String?) {
        self.name = name
        self.fd = fd
        self.temporaryPath = temporaryPath
        buffer.reserveCapacity(Self.capacity)
    }

    /// Standard output.
    public static func standardOutput() -> OutputTarget { OutputTarget(name: "<stdout>", fd: 1, temporaryPath: nil) }

    /// A file at `path`, written atomically. Nothing appears at `path` until `commit()`.
    public static func file(_ path: String) throws -> OutputTarget {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError.cannotCreate(path: path, reason: "the folder \(folder) does not exist")
        }
        var template = Array((folder + "/." + url.lastPathComponent + ".emimpute-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw OutputError.cannotCreate(path: path, reason: String(cString: strerror(errno))) }
        let temporary = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        InterruptCleanup.register(temporary)
        return OutputTarget(name: path, fd: fd, temporaryPath: temporary)
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

    private func flush() throws {
        try buffer.withUnsafeBytes { try writeOut($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws {
        if TestFault.current == .write, temporaryPath != nil {
            throw OutputError.writeFailed(path: name, reason: "simulated write failure (EMIMPUTE_TEST_FAULT=write)")
        }
        var done = 0
        while done < bytes.count {
            let w = Foundation.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if w < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw OutputError.brokenPipe }
                throw OutputError.writeFailed(path: name, reason: String(cString: strerror(errno)))
            }
            done += w
        }
    }

    /// Flushes, and for a file makes it durable and renames it into place.
    public func commit() throws {
        try flush()
        finished = true
        guard let temporaryPath else { return }
        if fsync(fd) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd); unlink(temporaryPath); InterruptCleanup.unregister(temporaryPath)
            throw OutputError.writeFailed(path: name, reason: reason)
        }
        close(fd)
        if rename(temporaryPath, name) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath); InterruptCleanup.unregister(temporaryPath)
            throw OutputError.cannotCreate(path: name, reason: reason)
        }
        InterruptCleanup.unregister(temporaryPath)
    }

    /// Discards a file that will not be completed.
    public func abandon() {
        finished = true
        guard let temporaryPath else { return }
        close(fd)
        unlink(temporaryPath)
        InterruptCleanup.unregister(temporaryPath)
    }

    /// Writes `contents` to `path` atomically in one go.
    public static func writeFile(_ path: String, contents: String) throws {
        let target = try file(path)
        do { try target.write(contents); try target.commit() } catch { target.abandon(); throw error }
    }
}
