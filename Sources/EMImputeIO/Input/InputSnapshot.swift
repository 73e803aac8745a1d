import Foundation

/// What the loader saw of the file it read, so that the writer, which reads the same file a
/// second time to copy its cells, can prove that it reads the same bytes: otherwise the output
/// would mix new cells with imputations fitted on the old ones.
///
/// Before the second read the file's identity, size and modification time must be unchanged;
/// after it, the number of bytes and their checksum (`StreamingChecksum`) must match.
struct InputSnapshot: Sendable, Equatable {
    /// The file's status as `fstat` reports it.
    struct FileStatus: Sendable, Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int
        var modifiedSeconds: Int
        var modifiedNanoseconds: Int

        /// The status of an open file, or nil if `fstat` fails.
        init?(fd: Int32) {
            var info = stat()
            guard fstat(fd, &info) == 0 else { return nil }
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
            size = Int(info.st_size)
            #if canImport(Darwin)
            modifiedSeconds = Int(info.st_mtimespec.tv_sec)
            modifiedNanoseconds = Int(info.st_mtimespec.tv_nsec)
            #else
            modifiedSeconds = Int(info.st_mtim.tv_sec)
            modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
            #endif
        }
    }

    /// Bytes read, a byte-order mark included.
    var byteCount: Int
    /// `StreamingChecksum` of those bytes.
    var checksum: UInt64
    /// The status of the file the writer reads (the input, or its spool file) once it had
    /// been read; nil if it could not be taken.
    var status: FileStatus?

    /// How `now`, the file about to be read again, differs from what was read, or nil.
    func change(to now: FileStatus?) -> CSVError.InputChange? {
        guard let status, let now else { return nil }
        if now.device != status.device || now.inode != status.inode { return .replaced }
        if now.size != byteCount { return .resized(from: byteCount, to: now.size) }
        if now.modifiedSeconds != status.modifiedSeconds || now.modifiedNanoseconds != status.modifiedNanoseconds { return .modified }
        return nil
    }

    /// How a second read of `byteCount` bytes with `checksum` differs from the first, or nil.
    func change(byteCount read: Int, checksum sum: UInt64) -> CSVError.InputChange? {
        if read != byteCount { return .resized(from: byteCount, to: read) }
        if sum != checksum { return .rewritten }
        return nil
    }
}
