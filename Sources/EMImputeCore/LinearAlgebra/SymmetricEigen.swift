import Foundation

/// The eigendecomposition A = V diag(λ) Vᵀ of a small symmetric matrix by cyclic Jacobi
/// rotations, used for pseudo-inverses of blocks that Cholesky rejects.
struct SymmetricEigen {
    /// λ, unsorted.
    let values: [Double]
    /// V, row-major; column k is the eigenvector of values[k].
    let vectors: [Double]
    let order: Int

    init(_ a: [Double], order n: Int) {
        var a = a
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in 0..<n where i != j { off += a[i * n + j] * a[i * n + j] } }
            var scaleSquared = 0.0
            for i in 0..<n { scaleSquared += a[i * n + i] * a[i * n + i] }
            if off <= 1e-30 * max(scaleSquared, .leastNormalMagnitude) { break }
            for p in 0..<n {
                for q in (p + 1)..<max(n, p + 1) where a[p * n + q] != 0 {
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * a[p * n + q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        values = (0..<n).map { a[$0 * n + $0] }
        vectors = v
        order = n
    }

    /// The Moore–Penrose pseudo-inverse, dropping eigenvalues at or below `relativeTolerance`
    /// times the largest; and its rank.
    func pseudoInverse(relativeTolerance: Double = 1e-10) -> (inverse: [Double], rank: Int) {
        let n = order
        let largest = values.map(abs).max() ?? 0
        let kept = (0..<n).filter { values[$0] > relativeTolerance * largest }
        var inverse = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n {
            var s = 0.0
            for k in kept { s += vectors[i * n + k] * vectors[j * n + k] / values[k] }
            inverse[i * n + j] = s
        } }
        return (inverse, kept.count)
    }
}
