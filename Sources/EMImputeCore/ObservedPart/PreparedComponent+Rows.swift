import Foundation

extension PreparedComponent {
    /// Completes a run of rows of any patterns at once: writes each row's ẑ (the deviation
    /// from μ, missing cells replaced by their conditional deviations) and its δ².
    ///
    /// One `dgemm` V = Z̃ K over all the rows (Z̃ the zero-filled deviations), whatever their
    /// patterns; then per row, with w = K_m· z̃ = V_m (read from V, so it costs nothing):
    ///
    ///     ẑ_m = −C_g w,   δ² = z̃ᵀ K z̃ − wᵀ C_g w = z̃ · v + w · ẑ_m,
    ///
    /// the second because the observed-block inverse is Σ_oo⁻¹ = K_oo − K_om C_g K_mo. So a
    /// row costs p² (in BLAS) + |m|² + p, and no set-up per pattern beyond C_g. The rows are
    /// walked in stretches of one pattern (rows of a pattern are adjacent), so a pattern's
    /// missing columns and C_g are looked up once per stretch, not once per row.
    ///
    /// - Parameters:
    ///   - x: `count` rows of length p (row-major, NaN where missing).
    ///   - patterns: each row's pattern index (into `missing` and this component's C_g).
    ///   - missing: the missing columns of every pattern (ascending), pattern g's from
    ///     `missingStart[g]` to `missingStart[g + 1]` (`PreparedData.missingColumns`).
    ///   - z: room for `count` rows of `rowStride` ≥ p values: ẑ in the first p of each
    ///     (the others are left alone).
    ///   - distances: room for `count` values: δ².
    ///   - work: room for `count`×p values.
    /// - Complexity: O(count·p² + Σ |m|²).
    func completeDeviations(_ x: UnsafePointer<Double>, count: Int, patterns: UnsafePointer<Int>,
                            missing: UnsafePointer<Int>, missingStart: UnsafePointer<Int>,
                            into z: UnsafeMutablePointer<Double>, rowStride ld: Int, distances: UnsafeMutablePointer<Double>,
                            work v: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        let p = self.p
        mean.withUnsafeBufferPointer { mu in
            let mu = mu.baseAddress!
            // V is zeroed in the same pass, so that the dgemm below adds onto it (β = 1):
            // OpenBLAS's own β = 0 pass costs a memset call per row.
            for i in 0..<count {
                RowKernels.deviations(x + i &* p, from: mu, into: z + i &* ld, zeroing: v + i &* p, count: p)
            }
        }
        precision.withUnsafeBufferPointer { kb in
            BLAS.multiplyAdding(z, lda: ld, kb.baseAddress!, ldb: p, into: v, ldc: p, rows: count, inner: p, columns: p)
        }
        conditionalCovariances.withUnsafeBufferPointer { cb in
            var i = 0
            while i < count {
                let g = patterns[i]
                var end = i &+ 1
                while end < count && patterns[end] == g { end &+= 1 }
                let m = missing + missingStart[g]
                let nm = missingStart[g &+ 1] &- missingStart[g]
                if nm == 0 || nm == p {
                    for r in i..<end { distances[r] = RowKernels.dot(z + r &* ld, v + r &* p, p) }
                } else if nm == 1 {
                    let c = cb.baseAddress![conditionalOffset[g]], column = m[0]
                    for r in i..<end {
                        let zr = z + r &* ld, vr = v + r &* p
                        let w = vr[column], s = c * w
                        // ẑ_m = −C w; z's missing entry is zero, so the dot skips it.
                        distances[r] = RowKernels.dot(zr, vr, p) - w * s
                        zr[column] = -s
                    }
                } else if nm == 2 {
                    let c = cb.baseAddress! + conditionalOffset[g], m0 = m[0], m1 = m[1]
                    let (c00, c01, c10, c11) = (c[0], c[1], c[2], c[3])
                    for r in i..<end {
                        let zr = z + r &* ld, vr = v + r &* p
                        let w0 = vr[m0], w1 = vr[m1]
                        let s0 = c00 * w0 + c01 * w1, s1 = c10 * w0 + c11 * w1
                        var d2 = RowKernels.dot(zr, vr, p)
                        d2 -= w0 * s0
                        d2 -= w1 * s1
                        zr[m0] = -s0
                        zr[m1] = -s1
                        distances[r] = d2
                    }
                } else {
                    let c = cb.baseAddress! + conditionalOffset[g]
                    for r in i..<end {
                        let zr = z + r &* ld, vr = v + r &* p
                        var d2 = RowKernels.dot(zr, vr, p)
                        var ca = c
                        for a in 0..<nm {
                            var s = 0.0
                            for b in 0..<nm { s += ca[b] * vr[m[b]] }
                            // ẑ_a = −(C w)_a; z's missing entries are zero and not read again.
                            zr[m[a]] = -s
                            d2 -= vr[m[a]] * s
                            ca += nm
                        }
                        distances[r] = d2
                    }
                }
                i = end
            }
        }
    }

    /// Adds Σᵢ weightᵢ C_{gᵢ} to the upper triangle of `cross` (leading dimension `ld` ≥ p) for
    /// a run of rows, once per stretch of rows of one pattern (their weights,
    /// `weights[i·stride]`, summed first). `missing` and `missingStart` as in
    /// `completeDeviations`; `weights` nil: all 1.
    func addConditionalCovariances(count: Int, patterns: UnsafePointer<Int>, missing: UnsafePointer<Int>,
                                   missingStart: UnsafePointer<Int>, weights: UnsafePointer<Double>?, stride: Int,
                                   into cross: UnsafeMutablePointer<Double>, leadingDimension ld: Int) {
        let p = self.p
        conditionalCovariances.withUnsafeBufferPointer { cb in
            var i = 0
            while i < count {
                let g = patterns[i]
                var end = i + 1
                while end < count && patterns[end] == g { end += 1 }
                let m = missing + missingStart[g]
                let nm = missingStart[g + 1] - missingStart[g]
                if nm > 0 && nm < p {
                    var weight = 0.0
                    if let weights {
                        for r in i..<end { weight += weights[r * stride] }
                    } else {
                        weight = Double(end - i)
                    }
                    let c = cb.baseAddress! + conditionalOffset[g]
                    // m ascending: these are upper-triangle entries.
                    for a in 0..<nm { for e in a..<nm { cross[m[a] * ld + m[e]] += weight * c[a * nm + e] } }
                }
                i = end
            }
        }
    }
}
