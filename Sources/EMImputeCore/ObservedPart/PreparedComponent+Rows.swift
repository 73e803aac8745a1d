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
    /// row costs p² (in BLAS) + |m|² + p, and no set-up per pattern beyond C_g.
    ///
    /// - Parameters:
    ///   - x: `count` rows of length p (row-major, NaN where missing).
    ///   - patterns: each row's pattern index (into `missing` and this component's C_g).
    ///   - missing: the missing columns of every pattern (ascending), pattern g's from
    ///     `missingStart[g]` to `missingStart[g + 1]` (`PreparedData.missingColumns`).
    ///   - z: room for `count`×p values: ẑ.
    ///   - distances: room for `count` values: δ².
    ///   - work: room for `count`×p values.
    /// - Complexity: O(count·p² + Σ |m|²).
    func completeDeviations(_ x: UnsafePointer<Double>, count: Int, patterns: UnsafePointer<Int>,
                            missing: UnsafePointer<Int>, missingStart: UnsafePointer<Int>,
                            into z: UnsafeMutablePointer<Double>, distances: UnsafeMutablePointer<Double>,
                            work v: UnsafeMutablePointer<Double>) {
        guard count > 0 else { return }
        let p = self.p
        mean.withUnsafeBufferPointer { mu in
            for i in 0..<count {
                let xi = x + i * p, zi = z + i * p
                for j in 0..<p {
                    let d = xi[j] - mu[j]
                    zi[j] = d.isNaN ? 0 : d
                }
            }
        }
        precision.withUnsafeBufferPointer { kb in
            BLAS.multiply(z, lda: p, kb.baseAddress!, ldb: p, into: v, ldc: p, rows: count, inner: p, columns: p)
        }
        conditionalCovariances.withUnsafeBufferPointer { cb in
            for i in 0..<count {
                let zi = z + i * p, vi = v + i * p
                var d2 = ConditionalSolver.dot(zi, vi, p)
                let g = patterns[i]
                let m = missing + missingStart[g]
                let nm = missingStart[g + 1] - missingStart[g]
                if nm > 0 && nm < p {
                    let c = cb.baseAddress! + conditionalOffset[g]
                    for a in 0..<nm {
                        var s = 0.0
                        for b in 0..<nm { s += c[a * nm + b] * vi[m[b]] }
                        // ẑ_a = −(C w)_a; z's missing entries are zero and not read again.
                        zi[m[a]] = -s
                        d2 -= vi[m[a]] * s
                    }
                }
                distances[i] = d2
            }
        }
    }

    /// Adds Σᵢ weightᵢ C_{gᵢ} to the upper triangle of the p×p `cross` for a run of rows,
    /// once per stretch of rows of one pattern (their weights, `weights[i·stride]`, summed first).
    /// `missing` and `missingStart` as in `completeDeviations`; `weights` nil: all 1.
    func addConditionalCovariances(count: Int, patterns: UnsafePointer<Int>, missing: UnsafePointer<Int>,
                                   missingStart: UnsafePointer<Int>, weights: UnsafePointer<Double>?, stride: Int,
                                   into cross: UnsafeMutablePointer<Double>) {
        let p = self.p
        conditionalCovariances.withUnsafeBufferPointer { cb in
            var i = 0
            while i < count {
                let g = patterns[i]
                var weight = 0.0
                var end = i
                while end < count && patterns[end] == g { weight += weights.map { $0[end * stride] } ?? 1; end += 1 }
                let m = missing + missingStart[g]
                let nm = missingStart[g + 1] - missingStart[g]
                if nm > 0 && nm < p {
                    let c = cb.baseAddress! + conditionalOffset[g]
                    // m ascending: these are upper-triangle entries.
                    for a in 0..<nm { for e in a..<nm { cross[m[a] * p + m[e]] += weight * c[a * nm + e] } }
                }
                i = end
            }
        }
    }
}
