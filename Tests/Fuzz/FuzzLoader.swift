// libFuzzer target: the CSV loader. Input: one option byte (see FuzzHarness.swift), then CSV.
// A CSVError is a fine outcome; a crash, a hang, or a table that breaks an invariant is a bug.
import EMImputeIO
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let options = FuzzHarness.options(data[0])
    Scratch.writeInput(data + 1, size - 1)
    do {
        _ = try FuzzHarness.load(Scratch.input, options)
    } catch {
        fatalError("\(error)")
    }
    return 0
}
