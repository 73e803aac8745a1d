import Foundation

/// A failed system call's error number, for the caller to turn into its own typed error.
package struct SystemCallError: Error, Equatable {
    /// The `errno` the call set.
    package var code: Int32

    /// The system's words for `code` (`strerror`).
    package var reason: String { String(cString: strerror(code)) }
}

/// Reads and writes on a file descriptor that go on through signals: a call interrupted
/// before it moved any byte (`EINTR`) is made again. The one home of that loop, so no reader
/// or writer of the package can forget it.
package enum FileDescriptorIO {
    /// Reads up to `count` bytes into `buffer`, from the descriptor's position or, with
    /// `offset`, from that offset (`pread`, which leaves the position alone).
    ///
    /// - Returns: the bytes read; 0 at the end of the file.
    /// - Throws: the call's error number, never `EINTR`.
    package static func read(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int,
                             at offset: Int? = nil) throws(SystemCallError) -> Int {
        while true {
            let got = offset.map { pread(fd, buffer, count, off_t($0)) } ?? Foundation.read(fd, buffer, count)
            if got >= 0 { return got }
            if errno != EINTR { throw SystemCallError(code: errno) }
        }
    }

    /// Reads `count` bytes into `buffer` (from `offset`, with `pread`, when given), fewer only
    /// when the file ends first.
    ///
    /// - Returns: the bytes read: `count`, or fewer at the end of the file.
    /// - Throws: the first failing call's error number, never `EINTR`.
    package static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int,
                                  at offset: Int? = nil) throws(SystemCallError) -> Int {
        var done = 0
        while done < count {
            let got = try read(fd, into: buffer + done, count: count - done, at: offset.map { $0 + done })
            if got == 0 { break }
            done += got
        }
        return done
    }

    /// Writes all `count` bytes at `bytes`, at the descriptor's position or, with `offset`,
    /// from that offset (`pwrite`).
    ///
    /// - Throws: the first failing call's error number (`EIO` for a write that moved nothing),
    ///   never `EINTR`.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawPointer, count: Int,
                                 at offset: Int? = nil) throws(SystemCallError) {
        var done = 0
        while done < count {
            let w = offset.map { pwrite(fd, bytes + done, count - done, off_t($0 + done)) }
                ?? Foundation.write(fd, bytes + done, count - done)
            if w > 0 {
                done += w
            } else if w == 0 {
                throw SystemCallError(code: EIO)
            } else if errno != EINTR {
                throw SystemCallError(code: errno)
            }
        }
    }
}
