import Foundation

/// For one missingness pattern, the quantities that condition the missing variables on the
/// observed ones, computed from the precision matrix K = Σ⁻¹:
///
///     C = Cov[x_m | x_o] = K_mm⁻¹
///     E[x_m | x_o] = μ_m − C (K_m· z),  z = x − μ with zeros in the missing places
///     log det Σ_oo = log det Σ + log det K_mm
///
/// Per pattern this costs O(|m|³); per row, |m| contiguous dot products of length p with rows
/// of K and one |m|×|m| product — nothing grows with |o|·|m| per pattern, which matters
/// because most patterns have only a row or two. Buffers are owned (freed by `deinit`, so
/// the solver cannot be copied) and reused, so a solve allocates nothing. They start zeroed,
/// and a failed solve forgets its pattern, so nothing ever reads memory no solve wrote.
struct ConditionalSolver: ~Copyable {
    let p: Int
    /// The precision matrix of the last successful solve and the pattern's missing columns;
    /// nil before the first solve and after a failed one.
    private var precision: UnsafePointer<Double>?
    private var missing: UnsafePointer<Int>?
    private var missingCount = 0
    /// C = K_mm⁻¹, row-major |m|×|m| (full, symmetric), of the last successful solve.
    private(set) var conditionalCovariance: UnsafeMutablePointer<Double>
    /// log det K_mm from the last successful solve.
    private(set) var logDeterminantKmm = 0.0
    private var factor: UnsafeMutablePointer<Double>

    init(columnCount p: Int) {
        self.p = p
        conditionalCovariance = .allocate(capacity: max(1, p * p))
        conditionalCovariance.initialize(repeating: 0, count: max(1, p * p))
        factor = .allocate(capacity: max(1, p * p))
        factor.initialize(repeating: 0, count: max(1, p * p))
    }

    deinit {
        conditionalCovariance.deallocate()
        factor.deallocate()
    }

    /// Whether the last solve succeeded (its results may be read).
    var isSolved: Bool { precision != nil }

    /// Solves for the pattern whose missing columns are `m` (ascending) under the precision
    /// `k` (row-major p×p); both must stay valid while `conditionalDeviations` is used.
    /// Returns false when K_mm is not positive definite; the solver then holds no pattern
    /// (`isSolved` is false), and `conditionalDeviations` writes nothing.
    mutating func solve(precision k: UnsafePointer<Double>, missing m: UnsafeBufferPointer<Int>) -> Bool {
        let nm = m.count
        precision = nil
        missing = nil
        missingCount = 0
        logDeterminantKmm = 0
        guard nm > 0 else { precision = k; return true }
        for a in 0..<nm { for b in 0...a { factor[a * nm + b] = k[m[a] * p + m[b]] } }
        if CholeskyFactorization.factorInPlace(factor, order: nm, stride: nm) != nil { return false }
        // log det = 2 Σ log Lₐₐ, with one log per product of diagonal entries (renormalised
        // before it could leave the Double range) instead of one per entry.
        var logDet = 0.0, product = 1.0
        for a in 0..<nm {
            product *= factor[a * nm + a]
            if product > 0x1p500 || product < 0x1p-500 { logDet += log(product); product = 1 }
        }
        logDet += log(product)
        logDeterminantKmm = 2 * logDet
        // C = K_mm⁻¹ = L⁻ᵀ L⁻¹: invert the triangular factor in place, then one product.
        let inverse = factor
        for j in 0..<nm {
            inverse[j * nm + j] = 1 / inverse[j * nm + j]
            var i = j + 1
            while i < nm {
                var s = 0.0
                var k = j
                while k < i { s += factor[i * nm + k] * inverse[k * nm + j]; k += 1 }
                inverse[i * nm + j] = -s / factor[i * nm + i]
                i += 1
            }
        }
        for a in 0..<nm {
            for b in a..<nm {
                var s = 0.0
                var k = b
                while k < nm { s += inverse[k * nm + a] * inverse[k * nm + b]; k += 1 }
                conditionalCovariance[a * nm + b] = s
                conditionalCovariance[b * nm + a] = s
            }
        }
        precision = k
        missing = m.baseAddress
        missingCount = nm
        return true
    }

    /// E[z_m | z_o] = −C (K_m· z) for the pattern last solved, into `out` (|m| values);
    /// `z` holds x − μ with zeros in the missing places; `work` has room for |m| values.
    /// Call it only after a successful solve (callers check `solve`'s result).
    @inline(__always)
    func conditionalDeviations(_ z: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>) {
        let nm = missingCount
        guard nm > 0, let k = precision, let m = missing else { return }
        for a in 0..<nm { work[a] = Self.dot(k + m[a] * p, z, p) }
        for a in 0..<nm {
            let c = conditionalCovariance + a * nm
            var s = 0.0
            for b in 0..<nm { s += c[b] * work[b] }
            out[a] = -s
        }
    }

    /// Σⱼ aⱼ bⱼ, with four partial sums so the loop pipelines.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, _ n: Int) -> Double {
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        var j = 0
        while j + 4 <= n {
            s0 += a[j] * b[j]
            s1 += a[j + 1] * b[j + 1]
            s2 += a[j + 2] * b[j + 2]
            s3 += a[j + 3] * b[j + 3]
            j += 4
        }
        while j < n { s0 += a[j] * b[j]; j += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
