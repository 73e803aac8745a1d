// Scratch files for the fuzz targets: one input and one output path per process, in the
// temporary folder (the loader and writer work on files, so the fuzzers do too). For a RAM
// disk, point TMPDIR at one; the targets never write to a system path such as /dev/shm.
import Foundation

enum Scratch {
    static let directory: String = {
        let dir = NSTemporaryDirectory() + "/emimpute-fuzz-\(getpid())"
        mkdir(dir, 0o700)
        return dir
    }()
    static let input = directory + "/input.csv"
    static let output = directory + "/output.csv"

    /// Writes `count` bytes at `bytes` to `input`, replacing it.
    static func writeInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) {
        let fd = open(input, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "cannot create \(input)")
        var done = 0
        while done < count {
            let w = write(fd, bytes! + done, count - done)
            precondition(w > 0, "cannot write \(input)")
            done += w
        }
        close(fd)
    }
}
