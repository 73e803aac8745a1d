import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 9: the input is read twice — by the loader, then by the writer to copy its
/// cells — and changed in between it gave exit 0 with a file mixing new cells and old
/// imputations (same size), or exit 70 "internal error … Please report" (truncated). Now any
/// change is `CSVError.Kind.inputChanged`. Old code: no such case; the same-size edits were
/// written without error and truncation threw the old writer's inconsistency error.
@Suite("Input changed between the reads")
struct InputChangeTests {
    static let csv = "x,y\n1,2\n2,3\nNA,5\n4,4\n5,7\n"

    /// A loaded table of `csv` in a file of its own, and the value to impute.
    private static func loaded() throws -> (path: String, table: LoadedTable) {
        let path = temporaryFile(csv)
        return (path, try CSVLoader.load(path))
    }

    /// Writes the completed CSV of `table` (pass 2, in ranges of `chunkSize` bytes, `onCell`
    /// run as the imputed cell is completed); returns the error, if any.
    private static func writeError(_ table: LoadedTable, chunkSize: Int = 1 << 16,
                                   onCell: @escaping @Sendable () -> Void = {}) -> (any Error)? {
        let out = NSTemporaryDirectory() + "/emimpute-out-\(UUID().uuidString).csv"
        do {
            let target = try OutputTarget.file(out)
            defer { target.abandon() }
            try writeCompleted(table, readingOrder(table.matrix, [3]), to: target, chunkSize: chunkSize, onCell: onCell)
            return nil
        } catch {
            return error
        }
    }

    private static func change(of error: (any Error)?) -> CSVError.InputChange? {
        guard let e = error as? CSVError, case .inputChanged(let change) = e.kind else { return nil }
        return change
    }

    /// Overwrites bytes in place (no truncation), as an editor saving in place does.
    private static func overwrite(_ path: String, at offset: Int, with text: String) {
        let fd = open(path, O_WRONLY)
        precondition(fd >= 0, "test setup: cannot open \(path)")
        _ = Array(text.utf8).withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
        close(fd)
    }

    private static func modificationTime(_ path: String) -> timespec {
        var info = stat()
        stat(path, &info)
        #if canImport(Darwin)
        return info.st_mtimespec
        #else
        return info.st_mtim
        #endif
    }

    private static func setModificationTime(_ path: String, _ time: timespec) {
        var times = [time, time]
        utimensat(AT_FDCWD, path, &times, 0)
    }

    @Test func anUnchangedInputIsWritten() throws {
        let (_, table) = try Self.loaded()
        #expect(Self.writeError(table) == nil)
    }

    /// Same size, new time: found before the second read.
    @Test func aSameSizeEditIsFound() throws {
        let (path, table) = try Self.loaded()
        Self.overwrite(path, at: 4, with: "9")  // 1,2 → 9,2
        Self.setModificationTime(path, timespec(tv_sec: 1_000_000_000, tv_nsec: 0))
        #expect(Self.change(of: Self.writeError(table)) == .modified)
    }

    /// Same size and the old modification time put back: only the checksum can tell.
    @Test func anEditHidingItsTimeIsFoundByTheChecksum() throws {
        let (path, table) = try Self.loaded()
        let time = Self.modificationTime(path)
        Self.overwrite(path, at: 4, with: "9")
        Self.setModificationTime(path, time)
        #expect(Self.change(of: Self.writeError(table)) == .rewritten)
    }

    /// Old: exit 70, "internal error: the input changed between reading and writing".
    @Test func truncationIsFound() throws {
        let (path, table) = try Self.loaded()
        #expect(truncate(path, 12) == 0)
        #expect(Self.change(of: Self.writeError(table)) == .resized(from: Self.csv.utf8.count, to: 12))
    }

    @Test func removalAndReplacementAreFound() throws {
        let (path, table) = try Self.loaded()
        let other = temporaryFile(Self.csv)
        #expect(rename(other, path) == 0)
        #expect(Self.change(of: Self.writeError(table)) == .replaced)
        unlink(path)
        #expect(Self.change(of: Self.writeError(table)) == .removed)
    }

    /// A change made while the writer reads (after its checks before reading): the bytes it
    /// reads differ from the loader's. The hook runs at the imputed cell, when ranges of about
    /// 4 bytes on one thread have not yet reached the end of the file.
    @Test func aChangeDuringTheSecondReadIsFound() throws {
        let (path, table) = try Self.loaded()
        let edit: @Sendable () -> Void = { Self.overwrite(path, at: Self.csv.utf8.count - 2, with: "8") }
        #expect(Self.change(of: Self.writeError(table, chunkSize: 4, onCell: edit)) == .rewritten)
    }

    /// Truncated while the writer reads: the records run out, and the reason is the change,
    /// not an internal error.
    @Test func truncationDuringTheSecondReadIsNotAnInternalError() throws {
        let (path, table) = try Self.loaded()
        let cut: @Sendable () -> Void = { _ = truncate(path, 20) }
        let error = Self.writeError(table, chunkSize: 4, onCell: cut)
        #expect(Self.change(of: error) == .resized(from: Self.csv.utf8.count, to: 20), "\(String(describing: error))")
    }

    /// What to do (run again) is the command's to say: `RemedyMappingTests`.
    @Test func theMessageSaysWhatHappened() {
        let e = CSVError(file: "d.csv", kind: .inputChanged(.resized(from: 26, to: 12)))
        #expect(e.description.hasPrefix("d.csv: the input changed while emimpute was working on it (its size went from 26 to 12 bytes)."))
        #expect(e.description.hasSuffix("the output was not completed"))
    }
}
