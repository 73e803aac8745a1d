import Foundation

/// The Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix.
///
/// Works on small dense matrices held row-major. Failure (a pivot that is not positive,
/// or negligible relative to its diagonal entry) is reported, never papered over: the
/// index of the failing pivot is the first variable that is (numerically) a linear
/// combination of the ones before it.
struct CholeskyFactorization {
    /// The order of the matrix.
    let order: Int
    /// The lower-triangular factor, row-major, `order * order` entries (upper part zero).
    var lower: [Double]

    /// Thrown when the matrix is not numerically positive definite.
    struct NotPositiveDefinite: Error {
        /// The pivot where the factorisation broke down.
        let pivot: Int
    }

    /// Relative size below which a pivot counts as zero.
    static let relativePivotTolerance = 1e-10

    /// Factorises the symmetric matrix `a` (row-major; only the lower triangle is read).
    init(_ a: [Double], order n: Int) throws(NotPositiveDefinite) {
        precondition(a.count == n * n, "matrix does not match its order")
        order = n
        lower = a
        let ok = lower.withUnsafeMutableBufferPointer { l in
            CholeskyFactorization.factorInPlace(l.baseAddress!, order: n, stride: n)
        }
        if let pivot = ok { throw NotPositiveDefinite(pivot: pivot) }
    }

    /// Factorises in place the `n`×`n` lower triangle of `a` (row stride `stride`).
    /// Returns the failing pivot, or nil on success. Zeroes the strict upper triangle.
    @inline(__always)
    static func factorInPlace(_ a: UnsafeMutablePointer<Double>, order n: Int, stride: Int) -> Int? {
        for j in 0..<n {
            let rowJ = a + j * stride
            var d = rowJ[j]
            for k in 0..<j { d -= rowJ[k] * rowJ[k] }
            let original = rowJ[j]
            if !(d > relativePivotTolerance * abs(original)) || !(d > 0) || !d.isFinite { return j }
            let ljj = d.squareRoot()
            rowJ[j] = ljj
            let inv = 1 / ljj
            for i in (j + 1)..<max(n, j + 1) {
                let rowI = a + i * stride
                var s = rowI[j]
                for k in 0..<j { s -= rowI[k] * rowJ[k] }
                rowI[j] = s * inv
            }
            for k in (j + 1)..<max(n, j + 1) { rowJ[k] = 0 }
        }
        return nil
    }

    /// Lⱼⱼ² / Aⱼⱼ for each j: the share of variable j's variance not explained by the
    /// variables before it. Near 0 means near-collinear.
    func relativePivots(of a: [Double]) -> [Double] {
        (0..<order).map { j in lower[j * order + j] * lower[j * order + j] / a[j * order + j] }
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    var logDeterminant: Double {
        var s = 0.0
        for i in 0..<order { s += log(lower[i * order + i]) }
        return 2 * s
    }

    /// Solves A x = b in place.
    func solve(_ b: inout [Double]) {
        precondition(b.count == order)
        lower.withUnsafeBufferPointer { l in
            b.withUnsafeMutableBufferPointer { x in
                CholeskyFactorization.solveInPlace(l.baseAddress!, order: order, stride: order, x.baseAddress!)
            }
        }
    }

    /// Forward then back substitution with the factor held in `l` (row stride `stride`).
    @inline(__always)
    static func solveInPlace(_ l: UnsafePointer<Double>, order n: Int, stride: Int, _ x: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var s = x[i]
            let row = l + i * stride
            for k in 0..<i { s -= row[k] * x[k] }
            x[i] = s / row[i]
        }
        var i = n - 1
        while i >= 0 {
            var s = x[i]
            for k in (i + 1)..<max(n, i + 1) { s -= l[k * stride + i] * x[k] }
            x[i] = s / l[i * stride + i]
            i -= 1
        }
    }

    /// A⁻¹, symmetric, row-major.
    var inverse: [Double] {
        var inv = [Double](repeating: 0, count: order * order)
        var column = [Double](repeating: 0, count: order)
        for j in 0..<order {
            for i in 0..<order { column[i] = i == j ? 1 : 0 }
            solve(&column)
            for i in 0..<order { inv[i * order + j] = column[i] }
        }
        // Symmetrise away rounding so that downstream factorisations see an exactly symmetric matrix.
        for i in 0..<order {
            for j in (i + 1)..<max(order, i + 1) {
                let v = 0.5 * (inv[i * order + j] + inv[j * order + i])
                inv[i * order + j] = v
                inv[j * order + i] = v
            }
        }
        return inv
    }
}

extension CholeskyFactorization {
    /// The columns that make the p×p covariance `sigma` singular at `pivot` j: column j and
    /// the earlier columns that predict it (standardised regression coefficient above 1%).
    static func dependentColumns(_ sigma: [Double], order p: Int, pivot j: Int, names: [String]) -> [String] {
        guard j > 0 else { return [names[j]] }
        var lead = [Double](repeating: 0, count: j * j)
        for a in 0..<j { for b in 0..<j { lead[a * j + b] = sigma[a * p + b] } }
        guard let factor = try? CholeskyFactorization(lead, order: j) else { return [names[j]] }
        var beta = (0..<j).map { sigma[$0 * p + j] }
        factor.solve(&beta)
        let sj = max(sigma[j * p + j], .leastNormalMagnitude).squareRoot()
        let involved = (0..<j).filter { abs(beta[$0]) * sigma[$0 * p + $0].squareRoot() / sj > 0.01 }
        return (involved + [j]).map { names[$0] }
    }
}
