import Foundation

/// For one missingness pattern, the quantities that condition the missing variables on the
/// observed ones, computed from the precision matrix K = Σ⁻¹:
///
///     C = Cov[x_m | x_o] = K_mm⁻¹
///     B = −C K_m·          (|m|×p; its observed columns are the regression of x_m on x_o)
///     E[x_m | x_o] = μ_m + B z,  z = x − μ with zeros in the missing places
///     log det Σ_oo = log det Σ + log det K_mm
///
/// B is kept over all p columns so that a row's conditional mean is a contiguous dot product
/// of length p (the missing places of z are zero, so B's entries there do not matter). The
/// cost scales with the number of *missing* variables: O(|m|³ + |m|²·p) per pattern.
/// Buffers are owned and reused, so a solve allocates nothing.
struct ConditionalSolver {
    let p: Int
    /// B, row-major |m|×p.
    private(set) var regression: UnsafeMutablePointer<Double>
    /// C = K_mm⁻¹, row-major |m|×|m| (full, symmetric).
    private(set) var conditionalCovariance: UnsafeMutablePointer<Double>
    /// log det K_mm from the last solve.
    private(set) var logDeterminantKmm = 0.0
    private var factor: UnsafeMutablePointer<Double>
    private var work: UnsafeMutablePointer<Double>

    init(columnCount p: Int) {
        self.p = p
        regression = .allocate(capacity: max(1, p * p))
        conditionalCovariance = .allocate(capacity: max(1, p * p))
        factor = .allocate(capacity: max(1, p * p))
        work = .allocate(capacity: max(1, p))
    }

    func deallocate() {
        regression.deallocate()
        conditionalCovariance.deallocate()
        factor.deallocate()
        work.deallocate()
    }

    /// Solves for the pattern whose missing columns are `m` (ascending) under the precision
    /// `k` (row-major p×p). Returns false when K_mm is not positive definite.
    mutating func solve(precision k: UnsafePointer<Double>, missing m: UnsafeBufferPointer<Int>) -> Bool {
        let nm = m.count
        logDeterminantKmm = 0
        guard nm > 0 else { return true }
        for a in 0..<nm { for b in 0...a { factor[a * nm + b] = k[m[a] * p + m[b]] } }
        if CholeskyFactorization.factorInPlace(factor, order: nm, stride: nm) != nil { return false }
        var logDet = 0.0
        for a in 0..<nm { logDet += log(factor[a * nm + a]) }
        logDeterminantKmm = 2 * logDet
        // C = K_mm⁻¹, one unit column at a time.
        for c in 0..<nm {
            for a in 0..<nm { work[a] = a == c ? 1 : 0 }
            CholeskyFactorization.solveInPlace(factor, order: nm, stride: nm, work)
            for a in 0..<nm { conditionalCovariance[a * nm + c] = work[a] }
        }
        // B = −C K_m·, accumulated over contiguous rows of K.
        regression.update(repeating: 0, count: nm * p)
        for a in 0..<nm {
            let out = regression + a * p
            for b in 0..<nm {
                let coefficient = -conditionalCovariance[a * nm + b]
                let row = k + m[b] * p
                for j in 0..<p { out[j] += coefficient * row[j] }
            }
        }
        return true
    }

    /// Σⱼ Bₐⱼ zⱼ over all p columns, with four partial sums so the loop pipelines.
    @inline(__always)
    func conditionalDeviation(_ a: Int, _ z: UnsafePointer<Double>) -> Double {
        let b = regression + a * p
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        var j = 0
        while j + 4 <= p {
            s0 += b[j] * z[j]
            s1 += b[j + 1] * z[j + 1]
            s2 += b[j + 2] * z[j + 2]
            s3 += b[j + 3] * z[j + 3]
            j += 4
        }
        while j < p { s0 += b[j] * z[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
