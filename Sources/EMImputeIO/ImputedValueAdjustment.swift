import EMImputeCore

/// Optional changes to imputed cells for survey-style items: rounding to integers in columns
/// whose observed values are all integers, and clamping to each column's observed range.
/// Adjusted cells are no longer conditional means; reports say so.
public struct ImputedValueAdjustment: Sendable {
    /// Round imputed cells of all-integer columns.
    public let roundsIntegers: Bool
    /// Clamp imputed cells to [observed minimum, observed maximum].
    public let clampsToObservedRange: Bool
    /// Per modelled column: whether every observed value is an integer, and the observed range.
    let isIntegerColumn: [Bool]
    let minimum: [Double]
    let maximum: [Double]

    /// Learns each modelled column's integer-ness and range from the observed cells of `matrix`.
    public init(_ matrix: IncompleteMatrix, roundIntegers: Bool, clampToObservedRange: Bool) {
        let p = matrix.columnCount
        var integer = [Bool](repeating: true, count: p)
        var low = [Double](repeating: .infinity, count: p), high = [Double](repeating: -.infinity, count: p)
        for i in 0..<matrix.rowCount {
            for j in 0..<p {
                let v = matrix.values[i * p + j]
                guard !v.isNaN else { continue }
                if v.rounded() != v { integer[j] = false }
                low[j] = min(low[j], v)
                high[j] = max(high[j], v)
            }
        }
        roundsIntegers = roundIntegers
        clampsToObservedRange = clampToObservedRange
        isIntegerColumn = integer
        minimum = low
        maximum = high
    }

    /// Whether anything changes.
    public var isActive: Bool { roundsIntegers || clampsToObservedRange }

    /// Names of the columns whose imputed cells are rounded.
    public func roundedColumns(_ names: [String]) -> [String] {
        roundsIntegers ? names.indices.filter { isIntegerColumn[$0] }.map { names[$0] } : []
    }

    /// The imputed values (row-major order of the missing cells of `matrix`) after adjustment.
    public func adjusted(_ imputed: [Double], of matrix: IncompleteMatrix) -> [Double] {
        guard isActive else { return imputed }
        let p = matrix.columnCount
        var out = imputed
        var k = 0
        for i in 0..<matrix.rowCount {
            for j in 0..<p where matrix.values[i * p + j].isNaN {
                var v = out[k]
                if clampsToObservedRange, minimum[j] <= maximum[j] { v = min(max(v, minimum[j]), maximum[j]) }
                if roundsIntegers, isIntegerColumn[j] { v = v.rounded() }
                out[k] = v
                k += 1
            }
        }
        return out
    }
}
