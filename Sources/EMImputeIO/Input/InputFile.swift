import Foundation

/// An input opened for reading — a path, or standard input for `-` — with what `fstat`
/// says of it; a folder is refused. The one place where readers open their input, closed
/// when the value goes away (standard input is never closed).
struct InputFile: ~Copyable {
    /// The descriptor (0 for standard input).
    let fd: Int32
    /// The file's type and permission bits.
    let mode: mode_t
    /// Its size in bytes, as `fstat` gave it when opened.
    let size: Int

    /// Opens `name` (`-` or nil: standard input), named `display` in errors.
    /// - Throws: `CSVError.Kind.cannotOpen`, also for a folder.
    init(_ name: String?, display: String) throws {
        let path = name == "-" ? nil : name
        let fd: Int32 = path.map { open($0, O_RDONLY | O_CLOEXEC) } ?? 0
        guard fd >= 0 else { throw CSVError(file: display, kind: .cannotOpen(reason: String(cString: strerror(errno)))) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if fd != 0 { close(fd) }
            throw CSVError(file: display, kind: .cannotOpen(reason: reason))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            if fd != 0 { close(fd) }
            throw CSVError(file: display, kind: .cannotOpen(reason: "it is a folder, not a file"))
        }
        self.fd = fd
        mode = info.st_mode
        size = Int(info.st_size)
    }

    /// Whether it is a regular file (which can be read again, and in ranges).
    var isRegular: Bool { (mode & S_IFMT) == S_IFREG }

    deinit { if fd != 0 { close(fd) } }
}
