import CBenchCSV
import Foundation

/// The libcsv yardstick of issue #13: one single-threaded libcsv pass over a file, with
/// callbacks that do nothing, in the options EMImpute's reader uses (strict, NULL-appending),
/// reading 1 MiB blocks. What a CSV pass cannot beat on one core.
public enum CSVYardstick {
    /// Seconds for one pass over `path`, and the fields and records libcsv found (counted,
    /// so the callbacks cannot be optimised away).
    public static func pass(_ path: String) -> (seconds: Double, fields: Int, records: Int) {
        let fd = open(path, O_RDONLY)
        precondition(fd >= 0, "cannot open \(path)")
        defer { close(fd) }
        var parser = csv_parser()
        precondition(csv_init(&parser, UInt8(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) == 0)
        defer { csv_free(&parser) }
        var counts = (fields: 0, records: 0)
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        let start = DispatchTime.now().uptimeNanoseconds
        withUnsafeMutablePointer(to: &counts) { context in
            while true {
                let got = read(fd, buffer, size)
                if got <= 0 { break }
                precondition(csv_parse(&parser, buffer, got, onField, onRecord, context) == got, "libcsv: parse error")
            }
            csv_fini(&parser, onField, onRecord, context)
        }
        return (Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9, counts.fields, counts.records)
    }

    /// The fastest of `runs` passes (the file is in the page cache after the first).
    public static func bestSeconds(_ path: String, runs: Int = 3) -> Double {
        (0..<runs).map { _ in pass(path).seconds }.min()!
    }
}

private let onField: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Void = { _, _, context in
    context!.assumingMemoryBound(to: (fields: Int, records: Int).self).pointee.fields &+= 1
}

private let onRecord: @convention(c) (Int32, UnsafeMutableRawPointer?) -> Void = { _, context in
    context!.assumingMemoryBound(to: (fields: Int, records: Int).self).pointee.records &+= 1
}
