import BLASYardstick
import Foundation

/// What the figures were measured on.
struct Machine {
    let cores: Int
    let cpuModel: String
    let memory: String
    let kernel: String
    let openBLAS: String

    static func describe() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        var model = "unknown"
        var flags: [String] = []
        for line in cpuinfo.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else { continue }
            if parts[0] == "model name", model == "unknown" { model = parts[1] }
            if parts[0] == "flags", flags.isEmpty { flags = parts[1].split(separator: " ").map(String.init) }
        }
        let simd = ["avx512f", "avx2", "fma", "avx"].filter { flags.contains($0) }
        if !simd.isEmpty { model += " (" + simd.joined(separator: ", ") + ")" }
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        var memory = "unknown"
        if let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
           let kb = Double(line.split(separator: " ").dropFirst().first ?? "") {
            memory = String(format: "%.1f GiB", kb / 1024 / 1024)
        }
        var name = utsname()
        uname(&name)
        let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        var blas = BLASYardstick.configuration ?? "unknown"
        if let core = BLASYardstick.coreName, !blas.contains(core) { blas += " (core \(core))" }
        return Machine(cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, memory: memory,
                       kernel: "Linux " + release, openBLAS: blas)
    }

    var markdown: String {
        """
        - cores (nproc): \(cores)
        - CPU: \(cpuModel)
        - memory: \(memory)
        - OS: \(kernel)
        - OpenBLAS: \(openBLAS)
        """
    }
}
