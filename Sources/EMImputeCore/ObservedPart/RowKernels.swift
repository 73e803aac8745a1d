/// The short per-row loops of the mixture and t E-steps, written on `SIMD2<Double>`: at
/// p = 10 the compiler does not vectorise them by itself (it cannot rule out that the row
/// pointers overlap), and scalar code made them the largest cost after BLAS. Loads and stores
/// are unaligned; an odd last value is handled alone.
enum RowKernels {
    /// z = x − μ over `count` values with NaN (a missing cell) replaced by 0, and v zeroed.
    @inline(__always)
    static func deviations(_ x: UnsafePointer<Double>, from mu: UnsafePointer<Double>, into z: UnsafeMutablePointer<Double>,
                           zeroing v: UnsafeMutablePointer<Double>, count n: Int) {
        let rx = UnsafeRawPointer(x), rm = UnsafeRawPointer(mu), rz = UnsafeMutableRawPointer(z), rv = UnsafeMutableRawPointer(v)
        var j = 0
        while j &+ 1 < n {
            let offset = j &* 8
            let d = rx.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) - rm.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            rz.storeBytes(of: d.replacing(with: 0, where: d .!= d), toByteOffset: offset, as: SIMD2<Double>.self)
            rv.storeBytes(of: SIMD2<Double>(), toByteOffset: offset, as: SIMD2<Double>.self)
            j &+= 2
        }
        if j < n {
            let d = x[j] - mu[j]
            z[j] = d.isNaN ? 0 : d
            v[j] = 0
        }
    }

    /// a·b over n values (pairwise lanes, then their sum).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var sum = SIMD2<Double>()
        var j = 0
        while j &+ 1 < n {
            let offset = j &* 8
            sum += ra.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) * rb.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
            j &+= 2
        }
        var s = sum[0] + sum[1]
        if j < n { s += a[j] * b[j] }
        return s
    }

    /// z ← c·z over n values.
    @inline(__always)
    static func scale(_ z: UnsafeMutablePointer<Double>, by c: Double, count n: Int) {
        let rz = UnsafeMutableRawPointer(z)
        let factor = SIMD2<Double>(repeating: c)
        var j = 0
        while j &+ 1 < n {
            let offset = j &* 8
            rz.storeBytes(of: rz.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self) * factor, toByteOffset: offset, as: SIMD2<Double>.self)
            j &+= 2
        }
        if j < n { z[j] *= c }
    }
}
