import EMImputeCore
import Foundation

/// The kept rows of rare patterns in a compact binary temporary file, read back by every
/// E-step (`KeptRowStorage`): their observed cells as native 8-byte doubles, one after the
/// other, in the storage order — nothing else.
///
/// The file is made in the system's temporary folder (TMPDIR, as the standard-input spool)
/// and unlinked as soon as it is open, so that it disappears with the last descriptor: when
/// the job ends, however it ends (an error, an interrupt, a crash), nothing is left behind.
/// The space is returned when this value is released.
///
/// ```swift
/// let spill = try KeptRowsSpillFile()
/// var statistics = table.statistics
/// try statistics.moveKeptRows { try spill.append($0) }
/// let fit = try GaussianEM().fit(statistics, keptRows: spill)
/// ```
public final class KeptRowsSpillFile: KeptRowStorage, @unchecked Sendable {
    // `fd` is written only while appending (one thread), and read by `pread`, which is safe
    // from several threads at once.
    private let fd: Int32
    private let folder: String
    /// Cells written.
    public private(set) var cellCount = 0

    /// An empty spill file in `folder` (the system's temporary folder by default).
    /// - Throws: `KeptRowsSpillError.cannotCreate`.
    public init(folder: String = NSTemporaryDirectory()) throws(KeptRowsSpillError) {
        self.folder = folder
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        var template = Array((base + "/emimpute-kept-rows-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .cannotCreate(folder: folder, reason: String(cString: strerror(errno))) }
        // Unlinked at once: the data live as long as the descriptor, and no path remains.
        unlink(template.withUnsafeBufferPointer { $0.baseAddress! })
        self.fd = fd
    }

    deinit { close(fd) }

    /// Bytes written.
    public var byteCount: Int { cellCount * MemoryLayout<Double>.size }

    /// Appends `cells` after those already written.
    /// - Throws: `KeptRowsSpillError.cannotWrite` (a full disk, typically).
    public func append(_ cells: UnsafeBufferPointer<Double>) throws(KeptRowsSpillError) {
        guard let base = cells.baseAddress, !cells.isEmpty else { return }
        do {
            try FileDescriptorIO.writeAll(fd, UnsafeRawPointer(base), count: cells.count * MemoryLayout<Double>.size, at: byteCount)
        } catch {
            throw .cannotWrite(folder: folder, reason: error.reason)
        }
        cellCount += cells.count
    }

    /// Reads cells `cells` into `buffer`.
    /// - Throws: `KeptRowsSpillError.cannotRead`.
    public func readCells(_ cells: Range<Int>, into buffer: UnsafeMutablePointer<Double>) throws {
        precondition(cells.lowerBound >= 0 && cells.upperBound <= cellCount, "cells outside the spill file")
        let total = cells.count * MemoryLayout<Double>.size
        let got: Int
        do {
            got = try FileDescriptorIO.readFully(fd, into: buffer, count: total, at: cells.lowerBound * MemoryLayout<Double>.size)
        } catch {
            throw KeptRowsSpillError.cannotRead(reason: error.reason)
        }
        guard got == total else { throw KeptRowsSpillError.cannotRead(reason: "the file is shorter than written") }
    }
}
