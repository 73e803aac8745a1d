import Foundation

/// What stands at an output path, and therefore how it must be written.
///
/// - A regular file, or nothing yet: written to a temporary file in the same folder and
///   renamed over the path once complete, keeping the old file's permission bits (and, when
///   allowed, its owner). Readers never see a partial file.
/// - A symbolic link: the same at the file it resolves to; the link stays a link.
/// - A FIFO, a character device or a socket: written through, never replaced — renaming a
///   regular file over `/dev/null` or a FIFO would destroy it.
/// - `-`, `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: the already open
///   descriptor, written through.
public enum OutputDestination: Equatable, Sendable {
    /// An open descriptor of this process (1 for standard output).
    case descriptor(Int32)
    /// A regular file (existing or new) at `path`, replaced atomically.
    case replaceableFile(path: String, existing: ExistingFile?)
    /// A node that is written through: a FIFO, a character device, a socket.
    case writeThrough(path: String)

    /// What is kept of a regular file that an output replaces.
    public struct ExistingFile: Equatable, Sendable {
        /// Permission bits (including set-id and sticky bits).
        public let mode: mode_t
        /// Owner and group.
        public let owner: uid_t, group: gid_t
        /// The file's identity.
        public let identity: FileIdentity
    }

    /// The most symbolic links followed before giving up, as the kernel does (ELOOP).
    static let symbolicLinkLimit = 40

    /// Finds out what `name` is and checks that it can be written, without writing anything.
    ///
    /// - Throws: `OutputError.cannotCreate` when the folder is missing or not writable, the
    ///   path is a folder, or its symbolic links loop.
    public static func resolve(_ name: String) throws -> OutputDestination {
        if let fd = inheritedDescriptor(name) { return .descriptor(fd) }
        var path = name
        for _ in 0...symbolicLinkLimit {
            var info = stat()
            if lstat(path, &info) != 0 {
                guard errno == ENOENT else { throw OutputError.cannotCreate(path: name, reason: String(cString: strerror(errno))) }
                try checkFolder(of: path, for: name)
                return .replaceableFile(path: path, existing: nil)
            }
            switch info.st_mode & S_IFMT {
            case S_IFLNK:
                path = try linkTarget(path, for: name)
            case S_IFDIR:
                throw OutputError.cannotCreate(path: name, reason: "it is a folder")
            case S_IFREG:
                try checkFolder(of: path, for: name)
                return .replaceableFile(path: path, existing: ExistingFile(
                    mode: info.st_mode & 0o7777, owner: info.st_uid, group: info.st_gid, identity: FileIdentity(info)))
            default:
                return .writeThrough(path: path)
            }
        }
        throw OutputError.cannotCreate(path: name, reason: "too many levels of symbolic links")
    }

    /// The identity of what will be written, when it exists already (nil for a new file).
    public var identity: FileIdentity? {
        switch self {
        case .descriptor(let fd): return FileIdentity(descriptor: fd)
        case .replaceableFile(_, let existing): return existing?.identity
        case .writeThrough(let path): return FileIdentity(path: path)
        }
    }

    /// A key equal for two destinations that would write the same file, new or not.
    var collisionKey: String {
        if let identity { return "\(identity.device):\(identity.inode)" }
        guard case .replaceableFile(let path, _) = self else { return "" }
        let folder = Self.folder(of: path)
        let id = FileIdentity(path: folder)
        return "\(id?.device ?? 0):\(id?.inode ?? 0)/" + (path as NSString).lastPathComponent
    }

    /// Whether writes to it go to a character device (where several outputs may share it,
    /// as `/dev/null` can take any number of them).
    var isCharacterDevice: Bool {
        let path: String
        switch self {
        case .descriptor(let fd):
            var info = stat()
            return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
        case .writeThrough(let p): path = p
        case .replaceableFile: return false
        }
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR
    }

    /// `-` and the names of descriptors this process already has open.
    static func inheritedDescriptor(_ name: String) -> Int32? {
        switch name {
        case "-", "/dev/stdout": return 1
        case "/dev/stderr": return 2
        default:
            for prefix in ["/dev/fd/", "/proc/self/fd/"] where name.hasPrefix(prefix) {
                if let n = Int32(name.dropFirst(prefix.count)), n >= 0 { return n }
            }
            return nil
        }
    }

    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    private static func checkFolder(of path: String, for name: String) throws {
        let folder = folder(of: path)
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw OutputError.cannotCreate(path: name, reason: "the folder \(folder) does not exist")
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw OutputError.cannotCreate(path: name, reason: "\(folder) is not a folder")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw OutputError.cannotCreate(path: name, reason: "the folder \(folder) is not writable (\(String(cString: strerror(errno))))")
        }
    }

    private static func linkTarget(_ link: String, for name: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(link, &buffer, buffer.count - 1)
        guard count >= 0 else { throw OutputError.cannotCreate(path: name, reason: String(cString: strerror(errno))) }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return target.hasPrefix("/") ? target : folder(of: link) + "/" + target
    }
}
