import EMImpute
import EMImputeIO
import Foundation

/// The process's standard streams, made safe to use whatever the caller did with them.
enum StandardStreams {
    /// Standard descriptors (0, 1, 2) that were closed when the process started.
    nonisolated(unsafe) private(set) static var closedAtStart: Set<Int32> = []

    /// Occupies closed standard descriptors with a pipe end that gives end-of-file (0) or
    /// fails every write (1, 2). Otherwise the next file opened would take the number, and a
    /// diagnostic meant for standard error would land inside an output file.
    static func secure() {
        signal(SIGPIPE, SIG_IGN)
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF { closedAtStart.insert(fd) }
        for fd in closedAtStart.sorted() {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { continue }
            let keep = fd == 0 ? ends[0] : ends[1], other = fd == 0 ? ends[1] : ends[0]
            if keep != fd { dup2(keep, fd); close(keep) }
            if other != fd { close(other) }
        }
    }

    /// Throws `OutputError.standardOutputClosed` when one of `paths` names standard output
    /// (`-`, `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`) and it was closed when the process
    /// started: its descriptor now holds a pipe that fails every write.
    static func requireStandardOutput(for paths: [String]) throws {
        guard closedAtStart.contains(1) else { return }
        if paths.contains(where: { ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"].contains($0) }) {
            throw OutputError.standardOutputClosed
        }
    }

    /// Writes a line to standard error. A diagnostic that cannot be written (standard error
    /// closed, full, or its reader gone) is dropped: the exit status still tells the truth.
    static func printError(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { buffer in
            try? FileDescriptorIO.writeAll(2, buffer.baseAddress!, count: buffer.count)
        }
    }

    /// Writes text that may hold several lines to standard error (see `printError`).
    static func writeError(_ text: String) {
        guard !text.isEmpty else { return }
        printError(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
}
