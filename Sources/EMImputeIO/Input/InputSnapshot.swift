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

    /// The checksum of one stretch of the input: the bytes from the previous segment's end
    /// (or 0) to `end`. Pass 1 reads a file in ranges on several threads, each with its own
    /// checksum; the loader reads it as one segment.
    struct Segment: Sendable, Equatable {
        /// The offset just past the segment's last byte.
        var end: Int
        /// `StreamingChecksum` of the segment's bytes.
        var checksum: UInt64
    }

    /// Bytes read, a byte-order mark included.
    var byteCount: Int
    /// The checksums of consecutive segments covering the bytes read, in order.
    var segments: [Segment]
    /// The status of the file the writer reads (the input, or its spool file) once it had
    /// been read; nil if it could not be taken.
    var status: FileStatus?

    /// A snapshot of an input read as one segment.
    init(byteCount: Int, checksum: UInt64, status: FileStatus?) {
        self.init(segments: [Segment(end: byteCount, checksum: checksum)], status: status)
    }

    /// A snapshot of an input read in consecutive segments.
    init(segments: [Segment], status: FileStatus?) {
        self.segments = segments
        byteCount = segments.last?.end ?? 0
        self.status = status
    }

    /// How `now`, the file about to be read again, differs from what was read, or nil.
    func change(to now: FileStatus?) -> CSVError.InputChange? {
        guard let status, let now else { return nil }
        if now.device != status.device || now.inode != status.inode { return .replaced }
        if now.size != byteCount { return .resized(from: byteCount, to: now.size) }
        if now.modifiedSeconds != status.modifiedSeconds || now.modifiedNanoseconds != status.modifiedNanoseconds { return .modified }
        return nil
    }

    /// Opens the input read (`path`; nil: standard input) for a second read: it must still be
    /// there, and its identity, size and modification time unchanged.
    /// - Throws: `CSVError.Kind.inputChanged`, or `.cannotOpen`.
    func reopen(_ path: String?, display: String) throws -> InputFile {
        if let path, access(path, F_OK) != 0, errno == ENOENT { throw CSVError(file: display, kind: .inputChanged(.removed)) }
        let file = try InputFile(path, display: display)
        if let change = change(to: FileStatus(fd: file.fd)) { throw CSVError(file: display, kind: .inputChanged(change)) }
        return file
    }

    /// Checks a second read, fed its bytes in order, against the snapshot.
    struct Verifier {
        private let snapshot: InputSnapshot
        private var position = 0
        private var segment = 0
        private var checksum = StreamingChecksum()

        init(_ snapshot: InputSnapshot) { self.snapshot = snapshot }

        /// Takes the next bytes; returns how the input differs as soon as it is known.
        mutating func update(_ bytes: UnsafeRawBufferPointer) -> CSVError.InputChange? {
            var rest = bytes
            while !rest.isEmpty {
                guard segment < snapshot.segments.count else {
                    return .resized(from: snapshot.byteCount, to: position + rest.count)
                }
                let end = snapshot.segments[segment].end
                let take = min(rest.count, end - position)
                checksum.update(UnsafeRawBufferPointer(rebasing: rest[..<take]))
                position += take
                rest = UnsafeRawBufferPointer(rebasing: rest[take...])
                if position == end {
                    if checksum.value != snapshot.segments[segment].checksum { return .rewritten }
                    checksum = StreamingChecksum()
                    segment += 1
                }
            }
            return nil
        }

        /// At the end of the second read: whether it read all the bytes of the first.
        func finish() -> CSVError.InputChange? {
            position == snapshot.byteCount ? nil : .resized(from: snapshot.byteCount, to: position)
        }
    }
}
