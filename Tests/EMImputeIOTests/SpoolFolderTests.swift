import Foundation
import Testing
@testable import EMImputeIO

/// Issue 11, item 27: when the input could not be copied to TMPDIR, the error was "cannot
/// open … Check the path and permissions" (exit 66), naming neither TMPDIR nor its value. Old
/// code: no `cannotSpool` case.
@Suite("Spool folder")
struct SpoolFolderTests {
    /// A write to the spool file that fails (here: a descriptor open for reading only, as a
    /// full disk would fail it) names the folder and says to set TMPDIR.
    @Test func aFailedSpoolWriteIsASpoolError() throws {
        let source = temporaryFile("x,y\n1,2\n")
        let input = open(source, O_RDONLY)
        let spool = open(temporaryFile(""), O_RDONLY)
        defer { close(input); close(spool) }
        let reader = try CSVReader(delimiter: UInt8(ascii: ","), file: "<stdin>")
        final class Sink: CSVRecordSink {
            func field(_ bytes: UnsafeBufferPointer<UInt8>, line: Int) {}
            func endRecord(line: Int) {}
            var shouldStop: Bool { false }
        }
        let error = csvError { try reader.read(fd: input, into: Sink(), spool: spool) }
        guard case .cannotSpool(let folder, let reason)? = error?.kind else { Issue.record("got \(String(describing: error))"); return }
        #expect(folder == NSTemporaryDirectory())
        #expect(reason == String(cString: strerror(EBADF)))
        #expect(error!.description == "<stdin>: cannot copy the input to a temporary file in the folder '\(NSTemporaryDirectory())': \(reason)")
    }

    @Test func theMessageNamesTheFolder() {
        let e = CSVError(file: "<stdin>", kind: .cannotSpool(folder: "/nonexistent/", reason: "No such file or directory"))
        #expect(e.description == "<stdin>: cannot copy the input to a temporary file in the folder '/nonexistent/': No such file or directory")
    }
}
