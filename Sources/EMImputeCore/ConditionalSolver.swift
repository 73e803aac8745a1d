/// For one missingness pattern, the quantities that condition the missing variables on the
/// observed ones, computed from the precision matrix K = Σ⁻¹:
///
///     E[x_m | x_o] = μ_m + B (x_o − μ_o),   B = −K_mm⁻¹ K_mo
///     Cov[x_m | x_o] = C = K_mm⁻¹
///     log det Σ_oo = log det Σ + log det K_mm
///
/// Working from K makes the cost scale with the number of *missing* variables, which is
/// small for most rows. Buffers are owned and reused, so a solve allocates nothing.
struct ConditionalSolver {
    let p: Int
    /// B, row-major |m|×|o|.
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

    /// Solves for the pattern with observed columns `o` and missing columns `m` under the
    /// precision `k` (row-major p×p). Returns false when K_mm is not positive definite.
    mutating func solve(precision k: UnsafePointer<Double>, observed o: [Int], missing m: [Int]) -> Bool {
        let nm = m.count, no = o.count
        logDeterminantKmm = 0
        guard nm > 0 else { return true }
        for a in 0..<nm { for b in 0...a { factor[a * nm + b] = k[m[a] * p + m[b]] } }
        if CholeskyFactorization.factorInPlace(factor, order: nm, stride: nm) != nil { return false }
        var logDet = 0.0
        for a in 0..<nm { logDet += _log(factor[a * nm + a]) }
        logDeterminantKmm = 2 * logDet
        // B = −K_mm⁻¹ K_mo, one observed column at a time.
        for c in 0..<no {
            for a in 0..<nm { work[a] = -k[m[a] * p + o[c]] }
            CholeskyFactorization.solveInPlace(factor, order: nm, stride: nm, work)
            for a in 0..<nm { regression[a * no + c] = work[a] }
        }
        // C = K_mm⁻¹.
        for c in 0..<nm {
            for a in 0..<nm { work[a] = a == c ? 1 : 0 }
            CholeskyFactorization.solveInPlace(factor, order: nm, stride: nm, work)
            for a in 0..<nm { conditionalCovariance[a * nm + c] = work[a] }
        }
        return true
    }
}

import Foundation
@inline(__always) private func _log(_ x: Double) -> Double { Foundation.log(x) }
