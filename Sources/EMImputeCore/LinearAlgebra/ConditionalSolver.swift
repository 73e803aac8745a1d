import Foundation

/// For one missingness pattern, the quantities that condition the missing variables on the
/// observed ones, computed from the precision matrix K = Σ⁻¹:
///
///     C = Cov[x_m | x_o] = K_mm⁻¹
///     E[x_m | x_o] = μ_m − C (K_m· z),  z = x − μ with zeros in the missing places
///     log det Σ_oo = log det Σ + log det K_mm
///
/// C is built by bordering, one missing column at a time: with P the columns so far, C_P =
/// K_PP⁻¹, column j next, u = C_P K_Pj and the Schur complement s = K_jj − K_jPᵀ u,
///
///     K_{P+j}⁻¹ = [[C_P + u uᵀ/s, −u/s], [−uᵀ/s, 1/s]],   log det K_{P+j} = log det K_PP + log s
///
/// (s is Lⱼⱼ² of the Cholesky factor of K_mm, computed and checked as `CholeskyFactorization`
/// computes and checks its pivots, so the same patterns fail). The solver keeps the C of every prefix of the last pattern, so a pattern that
/// shares its first t missing columns with the one before (patterns come sorted, so most
/// do) costs only its last |m| − t borderings, O(|m|²) each, instead of O(|m|³). Each prefix's C
/// is computed by the same borderings from the empty set whatever was solved before, so
/// results do not depend on the order of the solves (nor on threads). Patterns with more
/// than `cachedDepth` missing columns are factorised directly (Cholesky, O(|m|³)).
///
/// Per row, |m| contiguous dot products of length p with rows of K and one |m|×|m| product —
/// nothing grows with |o|·|m| per pattern, which matters because most patterns have only a
/// row or two. Buffers are owned (freed by `deinit`, so the solver cannot be copied) and
/// reused, so a solve allocates nothing. They start zeroed, and a failed solve forgets its
/// pattern, so nothing ever reads memory no solve wrote.
struct ConditionalSolver: ~Copyable {
    let p: Int
    /// The precision matrix of the last successful solve and the pattern's missing columns;
    /// nil before the first solve and after a failed one.
    private var precision: UnsafePointer<Double>?
    private var missing: UnsafePointer<Int>?
    private var missingCount = 0
    /// C = K_mm⁻¹, row-major |m|×|m| (full, symmetric), of the last successful solve (valid
    /// until the next solve).
    private(set) var conditionalCovariance: UnsafeMutablePointer<Double>
    /// log det K_mm from the last successful solve.
    private(set) var logDeterminantKmm = 0.0
    private var factor: UnsafeMutablePointer<Double>
    private let ownedCovariance: UnsafeMutablePointer<Double>

    /// Most missing columns whose prefixes are kept (memory Σ t² ≤ 38k doubles).
    static let cachedDepth = 48
    private let depthLimit: Int
    /// C of the first t columns of `prefixColumns`, t×t row-major, at `levels + t(t−1)(2t−1)/6`;
    /// `prefixLogDeterminant[t]` is its log det K; `prefixDepth` levels are valid, all under
    /// `prefixPrecision`.
    private let levels: UnsafeMutablePointer<Double>
    private let prefixColumns: UnsafeMutablePointer<Int>
    private let prefixLogDeterminant: UnsafeMutablePointer<Double>
    private let bordering: UnsafeMutablePointer<Double>
    /// The Cholesky factor of K_PP for the kept prefix, row t at `lower + t·cachedDepth`
    /// (rows shared between prefixes like the levels), and 1 / L_tt.
    private let lower: UnsafeMutablePointer<Double>
    private let inverseDiagonal: UnsafeMutablePointer<Double>
    private var prefixDepth = 0
    private var prefixPrecision: UnsafePointer<Double>?

    init(columnCount p: Int) {
        self.p = p
        ownedCovariance = .allocate(capacity: max(1, p * p))
        ownedCovariance.initialize(repeating: 0, count: max(1, p * p))
        conditionalCovariance = ownedCovariance
        factor = .allocate(capacity: max(1, p * p))
        factor.initialize(repeating: 0, count: max(1, p * p))
        depthLimit = min(p, Self.cachedDepth)
        let d = depthLimit
        let levelCapacity = max(1, d * (d + 1) * (2 * d + 1) / 6)
        levels = .allocate(capacity: levelCapacity)
        levels.initialize(repeating: 0, count: levelCapacity)
        prefixColumns = .allocate(capacity: d + 1)
        prefixColumns.initialize(repeating: 0, count: d + 1)
        prefixLogDeterminant = .allocate(capacity: d + 1)
        prefixLogDeterminant.initialize(repeating: 0, count: d + 1)
        bordering = .allocate(capacity: 2 * max(1, d))
        bordering.initialize(repeating: 0, count: 2 * max(1, d))
        lower = .allocate(capacity: max(1, d * d))
        lower.initialize(repeating: 0, count: max(1, d * d))
        inverseDiagonal = .allocate(capacity: max(1, d))
        inverseDiagonal.initialize(repeating: 0, count: max(1, d))
    }

    deinit {
        ownedCovariance.deallocate()
        factor.deallocate()
        levels.deallocate()
        prefixColumns.deallocate()
        prefixLogDeterminant.deallocate()
        bordering.deallocate()
        lower.deallocate()
        inverseDiagonal.deallocate()
    }

    /// Offset of level t (the C of t columns) in `levels`.
    @inline(__always)
    private static func levelOffset(_ t: Int) -> Int { ((t &- 1) &* t &* (2 &* t &- 1)) / 6 }

    /// Borders level t (columns `prefixColumns[0..<t]`) with column j into level t + 1.
    /// Returns false when the Schur complement is not a valid pivot.
    ///
    /// The Schur complement is computed as `CholeskyFactorization` computes its pivot (row t
    /// of the factor L of K_PP, by the same sums in the same order), so a pattern fails here
    /// exactly when its factorisation would.
    @inline(__always)
    private mutating func border(level t: Int, column j: Int, precision k: UnsafePointer<Double>) -> Bool {
        // Index arithmetic wraps (&+, &*): every index is below p² and cachedDepth³, and at
        // these tiny sizes the overflow checks cost as much as the flops.
        let kj = k + j &* p
        let c = levels + Self.levelOffset(t), next = levels + Self.levelOffset(t &+ 1)
        let kP = bordering, u = bordering + depthLimit
        let stride = depthLimit, rowT = lower + t &* stride
        var a = 0
        while a < t { kP[a] = kj[prefixColumns[a]]; a &+= 1 }
        // Row t of L: L_tc = (K_jPc − Σ_{k<c} L_tk L_ck) / L_cc.
        a = 0
        while a < t {
            var s = kP[a]
            let rowA = lower + a &* stride
            var q = 0
            while q < a { s -= rowT[q] * rowA[q]; q &+= 1 }
            rowT[a] = s * inverseDiagonal[a]
            a &+= 1
        }
        var d = kj[j]
        var q = 0
        while q < t { d -= rowT[q] * rowT[q]; q &+= 1 }
        let original = kj[j]
        guard d > CholeskyFactorization.relativePivotTolerance * abs(original), d > 0, d.isFinite else { return false }
        inverseDiagonal[t] = 1 / d.squareRoot()
        // u = C_P K_Pj; C_{P+j} from C_P, u and the Schur complement d.
        a = 0
        while a < t {
            let row = c + a &* t
            var s = 0.0, b = 0
            while b < t { s += row[b] * kP[b]; b &+= 1 }
            u[a] = s
            a &+= 1
        }
        let inverse = 1 / d
        let n = t &+ 1
        a = 0
        while a < t {
            let scaled = u[a] * inverse
            let from = c + a &* t, to = next + a &* n
            var b = a
            while b < t { to[b] = from[b] + scaled * u[b]; b &+= 1 }
            to[t] = -scaled
            next[t &* n &+ a] = -scaled
            b = 0
            while b < a { to[b] = next[b &* n &+ a]; b &+= 1 }
            a &+= 1
        }
        next[t &* n &+ t] = inverse
        prefixLogDeterminant[n] = prefixLogDeterminant[t] + log(d)
        prefixColumns[t] = j
        return true
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
        if nm <= depthLimit {
            if prefixPrecision != k { prefixPrecision = k; prefixDepth = 0 }
            var t = 0
            while t < prefixDepth, t < nm, prefixColumns[t] == m[t] { t += 1 }
            prefixDepth = t
            while t < nm {
                guard border(level: t, column: m[t], precision: k) else { return false }
                t += 1
                prefixDepth = t
            }
            conditionalCovariance = levels + Self.levelOffset(nm)
            logDeterminantKmm = prefixLogDeterminant[nm]
            precision = k
            missing = m.baseAddress
            missingCount = nm
            return true
        }
        conditionalCovariance = ownedCovariance
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
