import Foundation

/// Device nodes, FIFOs and symbolic links made inside a test's own temporary folder, so that
/// no test ever writes to a system path such as /dev/null or /dev/full.
enum SpecialFiles {
    /// What stands at a path, without following a final symbolic link.
    enum Kind: Equatable, CustomStringConvertible {
        case regular, directory, symbolicLink, fifo, socket, blockDevice
        case characterDevice(major: UInt64, minor: UInt64)
        case absent

        var description: String {
            switch self {
            case .regular: return "regular file"
            case .directory: return "directory"
            case .symbolicLink: return "symbolic link"
            case .fifo: return "FIFO"
            case .socket: return "socket"
            case .blockDevice: return "block device"
            case .characterDevice(let major, let minor): return "character device \(major), \(minor)"
            case .absent: return "nothing"
            }
        }
    }

    /// The kind of `path` (`lstat`).
    static func kind(at path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        case S_IFIFO: return .fifo
        case S_IFSOCK: return .socket
        case S_IFBLK: return .blockDevice
        case S_IFCHR:
            let rdev = UInt64(info.st_rdev)
            // glibc's major()/minor() (sys/sysmacros.h), which Swift does not import.
            let major = ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfff)
            let minor = (rdev & 0xff) | ((rdev >> 12) & ~0xff)
            return .characterDevice(major: major, minor: minor)
        default: return .absent
        }
    }

    /// Linux's memory devices, as `mknod` numbers them.
    static let nullDevice = (major: UInt64(1), minor: UInt64(3))
    static let fullDevice = (major: UInt64(1), minor: UInt64(7))

    /// Makes a character device node at `path` (which must be in a temporary folder); false
    /// when this process may not (not root, or a file system mounted `nodev`).
    static func makeCharacterDevice(at path: String, _ number: (major: UInt64, minor: UInt64)) -> Bool {
        // glibc's makedev().
        let (major, minor) = number
        let device = (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
        guard mknod(path, S_IFCHR | 0o666, dev_t(device)) == 0 else { return false }
        // A `nodev` mount accepts the node but refuses to open it.
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { unlink(path); return false }
        close(fd)
        return true
    }

    /// Whether device nodes can be made and used in a temporary folder here (root, not `nodev`).
    static let canMakeDevices: Bool = {
        guard getuid() == 0, let folder = try? CLIRunner.temporaryFolder() else { return false }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return makeCharacterDevice(at: folder + "/null", nullDevice)
    }()

    /// Makes a FIFO at `path`.
    static func makeFIFO(at path: String) throws {
        guard mkfifo(path, 0o644) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
