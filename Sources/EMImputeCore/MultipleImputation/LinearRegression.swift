import Foundation

/// An ordinary least-squares fit y = β₀ + β₁x₁ + … + β_k x_k + ε on a complete matrix: the
/// complete-data analysis whose estimates `RubinPooling` pools.
///
/// ```swift
/// let ols = try LinearRegression(completed, response: 2, predictors: [0, 1])
/// ols.coefficients, ols.variances, ols.residualDegreesOfFreedom
/// ```
public struct LinearRegression: Sendable, Equatable {
    /// β̂: the intercept, then one coefficient per predictor in the order given.
    public let coefficients: [Double]
    /// The estimated variances of β̂ (diagonal of σ̂² (XᵀX)⁻¹, σ̂² = RSS/(n − k − 1)).
    public let variances: [Double]
    /// n − k − 1: the complete-data degrees of freedom.
    public let residualDegreesOfFreedom: Int

    /// A fit from its parts.
    init(coefficients: [Double], variances: [Double], residualDegreesOfFreedom: Int) {
        self.coefficients = coefficients
        self.variances = variances
        self.residualDegreesOfFreedom = residualDegreesOfFreedom
    }

    /// Fits by a QR factorisation (modified Gram–Schmidt) of the design matrix.
    ///
    /// - Parameters:
    ///   - matrix: complete data (no NaN in the columns used).
    ///   - response: the column of y.
    ///   - predictors: the columns of x₁ … x_k (an intercept is always included).
    /// - Throws: `RegressionError` when a column index is out of range or repeated, a used
    ///   cell is not finite, there are no more rows than coefficients, or the design is
    ///   rank-deficient.
    /// - Complexity: O(n·k²).
    public init(_ matrix: Matrix, response: Int, predictors: [Int]) throws(RegressionError) {
        let n = matrix.rowCount, k = predictors.count + 1
        let columns = [response] + predictors
        guard columns.allSatisfy({ (0..<matrix.columnCount).contains($0) }) else { throw .columnOutOfRange }
        guard Set(columns).count == columns.count else { throw .repeatedColumn }
        guard n > k else { throw .tooFewRows(rows: n, coefficients: k) }
        // Columns of X (intercept first), held column-major, and y.
        var q = [[Double]](repeating: [Double](repeating: 1, count: n), count: k)
        for (c, j) in predictors.enumerated() { for i in 0..<n { q[c + 1][i] = matrix[i, j] } }
        var y = (0..<n).map { matrix[$0, response] }
        guard y.allSatisfy(\.isFinite), q.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw .nonFiniteValue }
        var r = [Double](repeating: 0, count: k * k)
        for c in 0..<k {
            for d in 0..<c {
                var dot = 0.0
                for i in 0..<n { dot += q[d][i] * q[c][i] }
                r[d * k + c] = dot
                for i in 0..<n { q[c][i] -= dot * q[d][i] }
            }
            var norm = 0.0
            for i in 0..<n { norm += q[c][i] * q[c][i] }
            norm = norm.squareRoot()
            guard norm > 1e-12 * Double(n).squareRoot() * (c == 0 ? 1 : Self.scale(of: predictors[c - 1], in: matrix)) else {
                throw .rankDeficient
            }
            r[c * k + c] = norm
            for i in 0..<n { q[c][i] /= norm }
        }
        // β = R⁻¹ Qᵀ y; the residual is y − Q Qᵀ y (projected out column by column).
        var qty = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var dot = 0.0
            for i in 0..<n { dot += q[c][i] * y[i] }
            qty[c] = dot
            for i in 0..<n { y[i] -= dot * q[c][i] }
        }
        var beta = qty
        for c in stride(from: k - 1, through: 0, by: -1) {
            var s = beta[c]
            for d in (c + 1)..<k { s -= r[c * k + d] * beta[d] }
            beta[c] = s / r[c * k + c]
        }
        let rss = y.reduce(0) { $0 + $1 * $1 }
        let sigma2 = rss / Double(n - k)
        // (XᵀX)⁻¹ = R⁻¹ R⁻ᵀ: diagonal entries are the squared norms of the rows of R⁻¹.
        var rInverse = [Double](repeating: 0, count: k * k)
        for c in 0..<k {
            rInverse[c * k + c] = 1 / r[c * k + c]
            for d in stride(from: c - 1, through: 0, by: -1) {
                var s = 0.0
                for e in (d + 1)...c { s += r[d * k + e] * rInverse[e * k + c] }
                rInverse[d * k + c] = -s / r[d * k + d]
            }
        }
        coefficients = beta
        variances = (0..<k).map { row in sigma2 * (row..<k).reduce(0.0) { $0 + rInverse[row * k + $1] * rInverse[row * k + $1] } }
        residualDegreesOfFreedom = n - k
    }

    /// The root mean square of a column, the yardstick for a negligible residual norm.
    private static func scale(of column: Int, in matrix: Matrix) -> Double {
        var s = 0.0
        for i in 0..<matrix.rowCount { s += matrix[i, column] * matrix[i, column] }
        return max((s / Double(max(matrix.rowCount, 1))).squareRoot(), .leastNormalMagnitude)
    }
}

/// Why a regression cannot be fitted.
public enum RegressionError: Error, Equatable, Sendable, LocalizedError {
    /// A column index is not a column of the matrix.
    case columnOutOfRange
    /// The response or a predictor is named twice.
    case repeatedColumn
    /// A used cell is NaN or infinite.
    case nonFiniteValue
    /// n must exceed the number of coefficients.
    case tooFewRows(rows: Int, coefficients: Int)
    /// A predictor is (numerically) a linear combination of the intercept and the others.
    case rankDeficient

    /// What is wrong, in the library's terms.
    public var errorDescription: String? {
        switch self {
        case .columnOutOfRange: "a regression column is not a column of the data"
        case .repeatedColumn: "a regression names a column twice"
        case .nonFiniteValue: "a regression cell is not a finite number"
        case .tooFewRows(let n, let k): "a regression with \(k) coefficients needs more than \(k) rows, not \(n)"
        case .rankDeficient: "a predictor is a linear combination of the others (the design matrix is rank-deficient)"
        }
    }
}
