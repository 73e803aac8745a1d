/// The short per-row loops of the mixture and t E-steps, written on `SIMD2<Double>`, four
/// values a step: at p = 10 the compiler does not vectorise them by itself (it cannot rule
/// out that the row pointers overlap), and scalar code made them the largest cost after BLAS.
/// Loads and stores are unaligned; an odd last value is handled alone.
enum RowKernels {
    @inline(__always)
    private static func load(_ p: UnsafeRawPointer, _ offset: Int) -> SIMD2<Double> {
        p.loadUnaligned(fromByteOffset: offset, as: SIMD2<Double>.self)
    }

    @inline(__always)
    private static func store(_ value: SIMD2<Double>, _ p: UnsafeMutableRawPointer, _ offset: Int) {
        p.storeBytes(of: value, toByteOffset: offset, as: SIMD2<Double>.self)
    }

    /// z = x − μ over `count` values with NaN (a missing cell) replaced by 0, and v zeroed.
    @inline(__always)
    static func deviations(_ x: UnsafePointer<Double>, from mu: UnsafePointer<Double>, into z: UnsafeMutablePointer<Double>,
                           zeroing v: UnsafeMutablePointer<Double>, count n: Int) {
        let rx = UnsafeRawPointer(x), rm = UnsafeRawPointer(mu), rz = UnsafeMutableRawPointer(z), rv = UnsafeMutableRawPointer(v)
        let zero = SIMD2<Double>()
        var j = 0
        while j &+ 3 < n {
            let o0 = j &* 8, o1 = o0 &+ 16
            let d0 = load(rx, o0) - load(rm, o0), d1 = load(rx, o1) - load(rm, o1)
            store(d0.replacing(with: 0, where: d0 .!= d0), rz, o0)
            store(d1.replacing(with: 0, where: d1 .!= d1), rz, o1)
            store(zero, rv, o0)
            store(zero, rv, o1)
            j &+= 4
        }
        if j &+ 1 < n {
            let o0 = j &* 8
            let d0 = load(rx, o0) - load(rm, o0)
            store(d0.replacing(with: 0, where: d0 .!= d0), rz, o0)
            store(zero, rv, o0)
            j &+= 2
        }
        if j < n {
            let d = x[j] - mu[j]
            z[j] = d.isNaN ? 0 : d
            v[j] = 0
        }
    }

    /// a·b over n values (lane-wise partial sums, then their total).
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = SIMD2<Double>(), s1 = SIMD2<Double>()
        var j = 0
        while j &+ 3 < n {
            let o0 = j &* 8, o1 = o0 &+ 16
            s0 += load(ra, o0) * load(rb, o0)
            s1 += load(ra, o1) * load(rb, o1)
            j &+= 4
        }
        if j &+ 1 < n {
            let o0 = j &* 8
            s0 += load(ra, o0) * load(rb, o0)
            j &+= 2
        }
        let sum = s0 + s1
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
        while j &+ 3 < n {
            let o0 = j &* 8, o1 = o0 &+ 16
            store(load(rz, o0) * factor, rz, o0)
            store(load(rz, o1) * factor, rz, o1)
            j &+= 4
        }
        if j &+ 1 < n {
            let o0 = j &* 8
            store(load(rz, o0) * factor, rz, o0)
            j &+= 2
        }
        if j < n { z[j] *= c }
    }
}
