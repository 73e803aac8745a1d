// Test-only helpers: a seeded generator, a multivariate-normal sampler, naive dense linear
// algebra and a naive, row-by-row observed-data log-likelihood.
//
// Everything here is written independently of the engine (no `@testable` access, no shared
// code): the tests use it to compute expected values from first principles. It is
// deliberately simple (O(p³) Gauss–Jordan per row, [[Double]] everywhere), not fast.

import EMImputeCore
import Foundation

// MARK: - Random numbers

/// xoshiro256** seeded through SplitMix64 (a different generator from the engine's, on purpose).
struct TestRandom: RandomNumberGenerator {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    mutating func next() -> UInt64 {
        let result = Self.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = Self.rotl(s.3, 45)
        return result
    }

    /// Uniform on (0, 1).
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992.0
    }

    /// Standard normal (Box–Muller, one value per call).
    mutating func normal() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

// MARK: - Naive dense linear algebra

/// The result of a Gauss–Jordan inversion.
struct NaiveInverse {
    let inverse: [[Double]]
    /// log |det A|.
    let logAbsDeterminant: Double
    /// sign of det A.
    let sign: Double
}

/// Gauss–Jordan elimination with partial pivoting: A⁻¹ and log |det A|. nil if singular.
func naiveInverse(_ a: [[Double]]) -> NaiveInverse? {
    let n = a.count
    var m = a
    var inv = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
    var logDet = 0.0, sign = 1.0
    for col in 0..<n {
        var pivotRow = col
        for r in col..<n where abs(m[r][col]) > abs(m[pivotRow][col]) { pivotRow = r }
        let pivot = m[pivotRow][col]
        if pivot == 0 || !pivot.isFinite { return nil }
        if pivotRow != col {
            m.swapAt(pivotRow, col)
            inv.swapAt(pivotRow, col)
            sign = -sign
        }
        logDet += log(abs(pivot))
        if pivot < 0 { sign = -sign }
        for j in 0..<n { m[col][j] /= pivot; inv[col][j] /= pivot }
        for r in 0..<n where r != col {
            let f = m[r][col]
            if f == 0 { continue }
            for j in 0..<n { m[r][j] -= f * m[col][j]; inv[r][j] -= f * inv[col][j] }
        }
    }
    return NaiveInverse(inverse: inv, logAbsDeterminant: logDet, sign: sign)
}

/// Determinant by Gauss–Jordan.
func naiveDeterminant(_ a: [[Double]]) -> Double {
    guard let r = naiveInverse(a) else { return 0 }
    return r.sign * exp(r.logAbsDeterminant)
}

/// Solves A x = b (A square, nonsingular) through the naive inverse.
func naiveSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    let inv = naiveInverse(a)!.inverse
    return matVec(inv, b)
}

func matVec(_ a: [[Double]], _ x: [Double]) -> [Double] {
    a.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } }
}

func matMul(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
    let n = a.count, k = b.count, m = b.first?.count ?? 0
    var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
    for i in 0..<n { for l in 0..<k { let x = a[i][l]; for j in 0..<m { c[i][j] += x * b[l][j] } } }
    return c
}

func transpose(_ a: [[Double]]) -> [[Double]] {
    guard let m = a.first?.count else { return [] }
    return (0..<m).map { j in a.map { $0[j] } }
}

/// The lower Cholesky factor of a symmetric positive-definite matrix (textbook algorithm).
func naiveCholesky(_ a: [[Double]]) -> [[Double]] {
    let n = a.count
    var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        for j in 0...i {
            var s = a[i][j]
            for k in 0..<j { s -= l[i][k] * l[j][k] }
            if i == j {
                precondition(s > 0, "matrix not positive definite")
                l[i][i] = s.squareRoot()
            } else {
                l[i][j] = s / l[j][j]
            }
        }
    }
    return l
}

func submatrix(_ a: [[Double]], _ rows: [Int], _ cols: [Int]) -> [[Double]] {
    rows.map { i in cols.map { j in a[i][j] } }
}

/// A Matrix (engine type) as nested arrays.
func nested(_ m: Matrix) -> [[Double]] {
    (0..<m.rowCount).map { i in (0..<m.columnCount).map { j in m[i, j] } }
}

// MARK: - Sampling

/// n draws from N(μ, Σ), via x = μ + L z with Σ = L Lᵀ.
func sampleMultivariateNormal(n: Int, mean: [Double], covariance: [[Double]], using g: inout TestRandom) -> [[Double]] {
    let p = mean.count
    let l = naiveCholesky(covariance)
    return (0..<n).map { _ in
        let z = (0..<p).map { _ in g.normal() }
        return (0..<p).map { i in mean[i] + (0...i).reduce(0) { $0 + l[i][$1] * z[$1] } }
    }
}

/// A random, well-conditioned covariance matrix: D (A Aᵀ / k + c I) D with random sds.
func randomCovariance(p: Int, using g: inout TestRandom, ridge: Double = 0.3, scales: [Double]? = nil) -> [[Double]] {
    let k = p + 3
    let a = (0..<p).map { _ in (0..<k).map { _ in g.normal() } }
    var s = matMul(a, transpose(a))
    for i in 0..<p { for j in 0..<p { s[i][j] = s[i][j] / Double(k) + (i == j ? ridge : 0) } }
    let d = scales ?? (0..<p).map { _ in exp(0.5 * g.normal()) }
    for i in 0..<p { for j in 0..<p { s[i][j] *= d[i] * d[j] } }
    return s
}

/// Sets each cell missing independently with probability `rate` (MCAR), never emptying a row
/// entirely unless `allowEmptyRows`.
func maskCompletelyAtRandom(_ x: [[Double]], rate: Double, using g: inout TestRandom,
                            keepColumns: Set<Int> = [], allowEmptyRows: Bool = false) -> [[Double]] {
    x.map { row in
        var r = row
        for j in r.indices where !keepColumns.contains(j) && g.uniform() < rate { r[j] = .nan }
        if !allowEmptyRows && r.allSatisfy(\.isNaN) { r[0] = row[0] }
        return r
    }
}

/// MAR missingness: column 0 is always observed; every other column j is missing with
/// probability logistic(a + b·z₀), z₀ being column 0 standardised with the given centre
/// and scale. Depends only on always-observed values, so the mechanism is ignorable.
func maskAtRandom(_ x: [[Double]], intercept a: Double, slope b: Double, center: Double, scale: Double,
                  using g: inout TestRandom) -> [[Double]] {
    x.map { row in
        var r = row
        let z0 = (row[0] - center) / scale
        let prob = 1 / (1 + exp(-(a + b * z0)))
        for j in 1..<r.count where g.uniform() < prob { r[j] = .nan }
        return r
    }
}

func incomplete(_ rows: [[Double]], names: [String]? = nil) throws -> IncompleteMatrix {
    let p = rows.first?.count ?? 0
    return try IncompleteMatrix(rowCount: rows.count, columnCount: p, values: rows.flatMap { $0 }, columnNames: names)
}

func rowsOf(_ data: IncompleteMatrix) -> [[Double]] {
    (0..<data.rowCount).map { i in Array(data.values[(i * data.columnCount)..<((i + 1) * data.columnCount)]) }
}

// MARK: - Naive likelihood, gradient and conditional means

/// ℓ(μ, Σ) = Σᵢ −½ (|o| log 2π + log det Σ_oo + (x_o − μ_o)ᵀ Σ_oo⁻¹ (x_o − μ_o)), row by row,
/// with a fresh submatrix inversion for every row. Rows with nothing observed contribute 0.
func naiveLogLikelihood(_ rows: [[Double]], mean: [Double], covariance: [[Double]]) -> Double {
    var total = 0.0
    for row in rows {
        let o = row.indices.filter { !row[$0].isNaN }
        if o.isEmpty { continue }
        guard let inv = naiveInverse(submatrix(covariance, o, o)), inv.sign > 0 else { return -.infinity }
        let r = o.map { row[$0] - mean[$0] }
        let q = zip(r, matVec(inv.inverse, r)).reduce(0) { $0 + $1.0 * $1.1 }
        total += -0.5 * (Double(o.count) * log(2 * Double.pi) + inv.logAbsDeterminant + q)
    }
    return total
}

/// The analytic gradient of ℓ: with r = x_o − μ_o and A = Σ_oo⁻¹,
/// ∂ℓ/∂μ = Σᵢ scatter(A r) and ∂ℓ/∂Σ = Σᵢ scatter(½ (A r rᵀ A − A)) (Σ treated as unconstrained).
func naiveGradient(_ rows: [[Double]], mean: [Double], covariance: [[Double]]) -> (mean: [Double], covariance: [[Double]]) {
    let p = mean.count
    var gm = [Double](repeating: 0, count: p)
    var gs = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
    for row in rows {
        let o = row.indices.filter { !row[$0].isNaN }
        if o.isEmpty { continue }
        let a = naiveInverse(submatrix(covariance, o, o))!.inverse
        let r = o.map { row[$0] - mean[$0] }
        let ar = matVec(a, r)
        for (c, j) in o.enumerated() { gm[j] += ar[c] }
        for (c, j) in o.enumerated() {
            for (d, k) in o.enumerated() { gs[j][k] += 0.5 * (ar[c] * ar[d] - a[c][d]) }
        }
    }
    return (gm, gs)
}

/// E[x_m | x_o] = μ_m + Σ_mo Σ_oo⁻¹ (x_o − μ_o) for one row (observed cells returned as is).
func naiveConditionalMean(_ row: [Double], mean: [Double], covariance: [[Double]]) -> [Double] {
    let o = row.indices.filter { !row[$0].isNaN }
    let m = row.indices.filter { row[$0].isNaN }
    var out = row
    if m.isEmpty { return out }
    if o.isEmpty {
        for j in m { out[j] = mean[j] }
        return out
    }
    let w = naiveSolve(submatrix(covariance, o, o), o.map { row[$0] - mean[$0] })
    for j in m { out[j] = mean[j] + zip(o, w).reduce(0) { $0 + covariance[j][$1.0] * $1.1 } }
    return out
}

/// Sample mean and divisor-n covariance of complete rows.
func sampleMoments(_ rows: [[Double]]) -> (mean: [Double], covariance: [[Double]]) {
    let n = Double(rows.count), p = rows[0].count
    let mean = (0..<p).map { j in rows.reduce(0) { $0 + $1[j] } / n }
    var cov = [[Double]](repeating: [Double](repeating: 0, count: p), count: p)
    for r in rows { for i in 0..<p { for j in 0..<p { cov[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) } } }
    for i in 0..<p { for j in 0..<p { cov[i][j] /= n } }
    return (mean, cov)
}

// MARK: - Comparisons

/// Largest |a − b| / max(|b|, floorⱼ) over a vector.
func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: [Double]? = nil) -> Double {
    precondition(a.count == b.count)
    var worst = 0.0
    for j in a.indices {
        let denominator = max(abs(b[j]), floor?[j] ?? 0, .leastNormalMagnitude)
        let d = abs(a[j] - b[j]) / denominator
        worst = max(worst, d.isNaN ? .infinity : d)
    }
    return worst
}

/// Largest |Aⱼₖ − Bⱼₖ| / √(Bⱼⱼ Bₖₖ): covariance differences on the correlation scale, which
/// stays meaningful for near-zero covariances.
func maxScaledCovarianceDifference(_ a: [[Double]], _ b: [[Double]]) -> Double {
    let p = b.count
    var worst = 0.0
    for j in 0..<p { for k in 0..<p {
        let d = abs(a[j][k] - b[j][k]) / (b[j][j] * b[k][k]).squareRoot()
        worst = max(worst, d.isNaN ? .infinity : d)
    } }
    return worst
}

/// |a − b| / max(|b|, tiny).
func relativeDifference(_ a: Double, _ b: Double) -> Double {
    let d = abs(a - b) / max(abs(b), .leastNormalMagnitude)
    return d.isNaN ? .infinity : d
}

/// The repository root, three directories above this file (Tests/EMImputeCoreTests/…).
func repositoryRoot(_ file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

// MARK: - Datasets

/// n rows from a random p-variate normal (random mean, random covariance), before masking.
func gaussianSample(n: Int, p: Int, seed: UInt64) -> [[Double]] {
    var g = TestRandom(seed: seed)
    let mean = (0..<p).map { _ in 10 * g.normal() }
    let cov = randomCovariance(p: p, using: &g)
    return sampleMultivariateNormal(n: n, mean: mean, covariance: cov, using: &g)
}

/// A random Gaussian sample with each cell missing with probability `rate` (no empty rows).
func mcarDataset(n: Int, p: Int, rate: Double, seed: UInt64) -> [[Double]] {
    var g = TestRandom(seed: seed &+ 0x5EED)
    return maskCompletelyAtRandom(gaussianSample(n: n, p: p, seed: seed), rate: rate, using: &g)
}

/// A random Gaussian sample whose columns 1… go missing depending on column 0 (MAR).
func marDataset(n: Int, p: Int, intercept: Double, slope: Double, seed: UInt64) -> [[Double]] {
    let x = gaussianSample(n: n, p: p, seed: seed)
    let x0 = x.map { $0[0] }
    let m = x0.reduce(0, +) / Double(n)
    let s = (x0.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(n - 1)).squareRoot()
    var g = TestRandom(seed: seed &+ 0xA11)
    return maskAtRandom(x, intercept: intercept, slope: slope, center: m, scale: s, using: &g)
}

/// Fraction of missing cells among columns `columns`.
func missingFraction(_ rows: [[Double]], columns: [Int]) -> Double {
    var missing = 0
    for r in rows { for j in columns where r[j].isNaN { missing += 1 } }
    return Double(missing) / Double(rows.count * columns.count)
}
