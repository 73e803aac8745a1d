/// What one E-step pass accumulates over a set of rows, on the standardised scale and
/// centred at the current mean μ (z = E[x | x_o] − μ). Statistics of disjoint row sets add up.
struct SufficientStatistics {
    let p: Int
    /// Rows that entered (rows with at least one observed variable).
    var rowCount = 0
    /// Observed and missing cells over those rows.
    var observedCells = 0
    var missingCells = 0
    /// Σ z.
    var sum: [Double]
    /// Σ (z zᵀ + C), upper triangle of a row-major p×p matrix.
    var crossProduct: [Double]
    /// Σ log det K_mm over rows.
    var logDeterminantSum = 0.0

    init(columnCount p: Int) {
        self.p = p
        sum = [Double](repeating: 0, count: p)
        crossProduct = [Double](repeating: 0, count: p * p)
    }

    mutating func add(_ other: SufficientStatistics) {
        rowCount += other.rowCount
        observedCells += other.observedCells
        missingCells += other.missingCells
        logDeterminantSum += other.logDeterminantSum
        for j in 0..<p { sum[j] += other.sum[j] }
        for i in 0..<p { for j in i..<p { crossProduct[i * p + j] += other.crossProduct[i * p + j] } }
    }
}
