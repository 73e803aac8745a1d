import CBenchBLAS
import Foundation

/// The cost of one single-threaded OpenBLAS `cblas_dsyrk` over an n×p matrix: the floor
/// for anything that forms the p×p cross-product of n rows, which every EM iteration does.
public enum BLASYardstick {
    /// OpenBLAS's own description ("OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64"), if it has one.
    public static var configuration: String? {
        guard let c = openblas_get_config() else { return nil }
        return String(cString: c).trimmingCharacters(in: .whitespaces)
    }

    /// The core type OpenBLAS selected at run time ("Haswell", "Zen", ...).
    public static var coreName: String? {
        guard let c = openblas_get_corename() else { return nil }
        return String(cString: c)
    }

    /// Seconds of each of `repeats` calls C = AᵀA (CblasRowMajor, CblasUpper, CblasTrans,
    /// N = p, K = n, lda = p) on the row-major n×p `a`, after pinning OpenBLAS to one thread.
    /// Each call's wall-clock and CPU (this thread) seconds.
    public static func dsyrkSeconds(_ a: UnsafePointer<Double>, rows n: Int, columns p: Int, repeats: Int = 5) -> [(wall: Double, cpu: Double)] {
        openblas_set_num_threads(1)
        let c = UnsafeMutablePointer<Double>.allocate(capacity: p * p)
        defer { c.deallocate() }
        var times: [(wall: Double, cpu: Double)] = []
        func threadCPU() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        let clock = ContinuousClock()
        for _ in 0..<repeats {
            c.initialize(repeating: 0, count: p * p)
            let start = clock.now
            let cpu = threadCPU()
            cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(p), Int32(n), 1.0, a, Int32(p), 0.0, c, Int32(p))
            let d = clock.now - start
            times.append((Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18, threadCPU() - cpu))
        }
        // Keep the result observable so the call cannot be elided.
        if c[0].isNaN { FileHandle.standardError.write(Data("dsyrk: NaN in the result\n".utf8)) }
        return times
    }

    /// The medians of the wall-clock and of the CPU seconds of `dsyrkSeconds`.
    public static func medianDsyrkSeconds(_ a: UnsafePointer<Double>, rows n: Int, columns p: Int, repeats: Int = 5) -> (wall: Double, cpu: Double) {
        let t = dsyrkSeconds(a, rows: n, columns: p, repeats: repeats)
        let wall = t.map(\.wall).sorted(), cpu = t.map(\.cpu).sorted()
        return (wall[wall.count / 2], cpu[cpu.count / 2])
    }
}
