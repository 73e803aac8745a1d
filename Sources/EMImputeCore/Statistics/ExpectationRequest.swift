/// The parameter point at which the holders of a distributed fit's rows run one E-step.
///
/// On the standardised scale of the fit: a value x of column j enters as
/// (x − `center[j]`) / `scale[j]`, with the centre and scale of the whole data (in original
/// units), so that every part standardises alike.
public struct ExpectationRequest: Sendable, Equatable, Codable {
    /// The E-step's number in the fit (1 for the first), for information.
    public var step: Int
    /// The modelled columns, in order.
    public var columns: [String]
    /// Per column, the centre and scale of the standardisation (original units).
    public var center: [Double]
    /// Per column, the scale of the standardisation (original units).
    public var scale: [Double]
    /// The current mean, standardised (p).
    public var mean: [Double]
    /// The inverse of the current standardised covariance, row-major p×p.
    public var precision: [Double]

    /// A request; `precision` must be p×p.
    public init(step: Int, columns: [String], center: [Double], scale: [Double], mean: [Double], precision: [Double]) {
        self.step = step
        self.columns = columns
        self.center = center
        self.scale = scale
        self.mean = mean
        self.precision = precision
    }
}

/// What one E-step gathers from a set of rows, on the standardised scale and centred at the
/// request's mean μ: with z the row's conditional expectation E[x | x_o] − μ and C the
/// conditional covariance of its missing cells, `sum` is Σ z and `crossProduct` Σ (z zᵀ + C)
/// (upper triangle, row-major p×p). The rows' observed-data log-likelihood follows from these
/// and `logDeterminantSum` (Σ log det K_mm), `rows` and `observedCells` (see `GaussianEM`).
/// Sums of disjoint row sets add up (`add`).
public struct ExpectationSums: Sendable, Equatable, Codable {
    /// The modelled columns, in order.
    public var columns: [String]
    /// Rows with at least one observed cell.
    public var rows = 0
    /// Observed and missing cells over those rows.
    public var observedCells = 0
    /// Missing cells over those rows.
    public var missingCells = 0
    /// Σ z (p).
    public var sum: [Double]
    /// Σ (z zᵀ + C), upper triangle of a row-major p×p matrix (the lower triangle is zero).
    public var crossProduct: [Double]
    /// Σ log det K_mm over the rows.
    public var logDeterminantSum = 0.0
    /// Whether some pattern's K_mm was not positive definite (the sums are then meaningless).
    public var isSingular = false

    /// Zero sums over `columns`.
    public init(columns: [String]) {
        self.columns = columns
        sum = [Double](repeating: 0, count: columns.count)
        crossProduct = [Double](repeating: 0, count: columns.count * columns.count)
    }

    /// Adds the sums of other rows over the same columns.
    /// - Throws: `DataError.columnsDiffer` when the columns differ.
    public mutating func add(_ other: ExpectationSums) throws(DataError) {
        guard other.columns == columns, other.sum.count == sum.count, other.crossProduct.count == crossProduct.count else {
            throw .columnsDiffer(missing: columns.filter { !other.columns.contains($0) },
                                 unexpected: other.columns.filter { !columns.contains($0) })
        }
        rows += other.rows
        observedCells += other.observedCells
        missingCells += other.missingCells
        logDeterminantSum += other.logDeterminantSum
        isSingular = isSingular || other.isSingular
        for j in sum.indices { sum[j] += other.sum[j] }
        for k in crossProduct.indices { crossProduct[k] += other.crossProduct[k] }
    }
}

extension PatternStatistics {
    /// The E-step sums of these rows at `request`, as a fit on all the rows would compute
    /// them for its part (the same code: `ExpectationStep`).
    /// - Throws: `DataError.columnsDiffer` when the request is for other columns.
    /// - Complexity: O(Σ_kept rows p² + Σ_moment patterns (|m|·|o|·p + |m|³)).
    public func expectationSums(at request: ExpectationRequest, threads: Int = 1) throws(DataError) -> ExpectationSums {
        let p = columnCount
        precondition(!self.keptRowsAreElsewhere, "restore the kept rows first")
        guard request.columns == columnNames, request.center.count == p, request.scale.count == p, request.mean.count == p,
              request.precision.count == p * p else {
            throw .columnsDiffer(missing: columnNames.filter { !request.columns.contains($0) },
                                 unexpected: request.columns.filter { !columnNames.contains($0) })
        }
        var sums = ExpectationSums(columns: columnNames)
        guard rowCount > 0 else { return sums }
        // The whole data's standardisation, in these statistics' units (powers of two: exact).
        var scaling = ColumnScaling(self)
        scaling.center = (0..<p).map { request.center[$0] / units[$0] }
        scaling.scale = (0..<p).map { request.scale[$0] / units[$0] }
        let step = ExpectationStep(data: StandardizedData(self, scaling: scaling), threads: threads)
        // The kept rows are in memory: reading them cannot fail.
        guard let stats = (try? step.run(mean: request.mean, precision: request.precision)) ?? nil else {
            sums.isSingular = true
            return sums
        }
        sums.rows = stats.rowCount
        sums.observedCells = stats.observedCells
        sums.missingCells = stats.missingCells
        sums.sum = stats.sum
        sums.crossProduct = stats.crossProduct
        sums.logDeterminantSum = stats.logDeterminantSum
        return sums
    }
}
