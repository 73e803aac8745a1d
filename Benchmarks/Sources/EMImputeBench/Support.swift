import Foundation

/// Seconds in a Duration.
func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}

/// Runs `body` and returns its result and wall-clock seconds.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try body()
    return (value, seconds(clock.now - start))
}

/// CPU seconds of this whole process (all threads) so far.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// Runs `body` and returns its result, wall-clock seconds and process CPU seconds. On a
/// shared machine the CPU time of a single-threaded step is close to its wall time on an
/// idle one, when other processes inflate the wall time.
func timedCPU<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let cpu0 = processCPUSeconds()
    let value = try body()
    return (value, seconds(clock.now - start), processCPUSeconds() - cpu0)
}

/// Progress on standard error (the table goes to standard output).
func note(_ message: String) {
    FileHandle.standardError.write(Data("emimpute-bench: \(message)\n".utf8))
}

func fail(_ message: String) -> Never {
    note("error: \(message)")
    exit(2)
}

/// A figure with `digits` significant digits, plain notation where sensible.
func fmt(_ v: Double?, _ digits: Int = 3) -> String {
    guard let v, v.isFinite else { return "—" }
    if v == 0 { return "0" }
    let magnitude = Int(floor(log10(abs(v))))
    if magnitude >= 6 || magnitude < -4 { return String(format: "%.\(max(digits - 1, 0))e", v) }
    let decimals = max(0, digits - 1 - magnitude)
    return String(format: "%.\(decimals)f", v)
}

/// A whole number with thousands separators (1,000,000).
func grouped(_ n: Int) -> String {
    let s = String(n)
    var out = ""
    for (k, ch) in s.reversed().enumerated() {
        if k > 0 && k % 3 == 0 && ch != "-" { out.append(",") }
        out.append(ch)
    }
    return String(out.reversed())
}

/// Bytes in MB (10^6) or MiB? MB = 10^6 bytes throughout.
func megabytes(_ bytes: Int) -> Double { Double(bytes) / 1e6 }

/// A Markdown table.
struct Table {
    var header: [String]
    var rows: [[String]] = []
    init(_ header: [String]) { self.header = header }
    mutating func add(_ row: [String]) { rows.append(row) }
    var markdown: String {
        var s = "| " + header.joined(separator: " | ") + " |\n"
        s += "|" + header.map { _ in " --- |" }.joined() + "\n"
        for r in rows { s += "| " + r.joined(separator: " | ") + " |\n" }
        return s
    }
}

/// A private temporary folder, removed at exit unless kept.
final class Scratch {
    let path: String
    var keep = false
    init() {
        var template = Array((NSTemporaryDirectory() + "/emimpute-bench-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            fail("cannot create a temporary folder: \(String(cString: strerror(errno)))")
        }
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
            .replacingOccurrences(of: "//", with: "/")
    }
    func file(_ name: String) -> String { path + "/" + name }
    func remove(_ name: String) { unlink(file(name)) }
    func cleanUp() {
        if keep { note("kept the data in \(path)"); return }
        try? FileManager.default.removeItem(atPath: path)
    }
}

func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}
