// libFuzzer target: the whole impute path (load, fit with at most 50 iterations, write the
// completed CSV, load it again). Input: one option byte (see FuzzHarness.swift), then CSV.
// A CSVError or EMError is a fine outcome; a crash, a hang, or a broken invariant is a bug.
import EMImputeIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let options = FuzzHarness.options(data[0])
    Scratch.writeInput(data + 1, size - 1)
    do {
        try FuzzHarness.impute(Scratch.input, options, ridge: data[0] & 0x80 != 0 ? 1 : 0, outputPath: Scratch.output)
    } catch {
        fatalError("\(error)")
    }
    return 0
}
