import Foundation

/// A file's identity on this machine: its device and inode, the same through every path,
/// hard link or symbolic link that reaches it.
///
/// Paths are compared by identity, never by spelling: `d.csv`, `./d.csv` and a symlink to it
/// are one file.
public struct FileIdentity: Hashable, Sendable {
    /// The device that holds the file.
    public let device: UInt64
    /// The file's inode on that device.
    public let inode: UInt64

    /// The identity of the file at `path`, following symbolic links; nil when nothing is there.
    public init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        self.init(info)
    }

    /// The identity of the file open as `descriptor`; nil when it is not open.
    public init?(descriptor: Int32) {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        self.init(info)
    }

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
