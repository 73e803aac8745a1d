/// Where an EM run gets the E-step's sums at a parameter point: from rows in memory
/// (`ExpectationStep`) or from holders of the rows elsewhere (`RemoteExpectation`, for a
/// fit whose rows are spread over many machines).
protocol ExpectationSource {
    /// The modelled columns (p).
    var columnCount: Int { get }
    /// The sums at the standardised mean `mean` and precision `precision` (row-major p×p), or
    /// nil when some pattern's K_mm is not positive definite.
    func run(mean: [Double], precision: [Double]) throws -> SufficientStatistics?
}

extension ExpectationStep: ExpectationSource {
    var columnCount: Int { data.p }
}

/// The E-step of a distributed fit: each request goes to `expectation`, which gathers the
/// partial sums of every part of the data (`PatternStatistics.expectationSums(at:)`) and
/// adds them up.
struct RemoteExpectation: ExpectationSource {
    let columnCount: Int
    let columnNames: [String]
    /// The standardisation, in original units.
    let scaling: ColumnScaling
    let expectation: (ExpectationRequest) throws -> ExpectationSums
    /// Calls made so far (a class so that `run` can count from a value type).
    private let counter = Counter()

    init(columnNames: [String], scaling: ColumnScaling, expectation: @escaping (ExpectationRequest) throws -> ExpectationSums) {
        columnCount = columnNames.count
        self.columnNames = columnNames
        self.scaling = scaling
        self.expectation = expectation
    }

    func run(mean: [Double], precision: [Double]) throws -> SufficientStatistics? {
        counter.value += 1
        let request = ExpectationRequest(step: counter.value, columns: columnNames, center: scaling.center, scale: scaling.scale,
                                         mean: mean, precision: precision)
        let sums = try expectation(request)
        guard sums.columns == columnNames, sums.sum.count == columnCount, sums.crossProduct.count == columnCount * columnCount else {
            throw DataError.columnsDiffer(missing: columnNames.filter { !sums.columns.contains($0) },
                                          unexpected: sums.columns.filter { !columnNames.contains($0) })
        }
        if sums.isSingular { return nil }
        var stats = SufficientStatistics(columnCount: columnCount)
        stats.rowCount = sums.rows
        stats.observedCells = sums.observedCells
        stats.missingCells = sums.missingCells
        stats.sum = sums.sum
        stats.crossProduct = sums.crossProduct
        stats.logDeterminantSum = sums.logDeterminantSum
        return stats
    }

    private final class Counter: @unchecked Sendable { var value = 0 }
}
