import EMImputeCore
import Foundation

/// Optional changes to imputed cells for survey-style items: rounding to integers in columns
/// whose observed values are all integers, and clamping to each column's observed range.
/// Adjusted cells are no longer conditional means; reports say so.
///
/// Built from the observed cells of a fit (`impute`), or from what a model file recorded
/// about them (`apply`); either way one rule, `adjusted(_:column:)`, changes a value, so a
/// model applied to its training file writes what `impute` wrote.
///
/// ```swift
/// let adjustment = ImputedValueAdjustment(table.matrix, roundIntegers: true, clampToObservedRange: true)
/// let written = adjustment.adjusted(4.6, column: 0)   // 5.0 if column 0 is all integers
/// ```
public struct ImputedValueAdjustment: Codable, Sendable, Equatable {
    /// What the adjustments need to know about one modelled column's observed cells.
    public struct ObservedRange: Codable, Sendable, Equatable {
        /// The smallest observed value (+∞ when nothing is observed).
        public var minimum: Double
        /// The largest observed value (−∞ when nothing is observed).
        public var maximum: Double
        /// Whether every observed value is an integer.
        public var isAllIntegers: Bool

        /// A column's record from its parts.
        public init(minimum: Double, maximum: Double, isAllIntegers: Bool) {
            self.minimum = minimum
            self.maximum = maximum
            self.isAllIntegers = isAllIntegers
        }

        enum CodingKeys: String, CodingKey {
            case minimum, maximum
            case isAllIntegers = "allIntegers"
        }
    }

    /// The model or the data do not fit the adjustment.
    public enum ShapeError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
        /// The adjustment knows `expected` columns; the data have `found`.
        case columnCount(expected: Int, found: Int)

        /// What does not fit.
        public var description: String {
            switch self {
            case .columnCount(let expected, let found):
                return "the imputed-value adjustment describes \(expected) column(s), the data have \(found)"
            }
        }

        /// The description, for `localizedDescription`.
        public var errorDescription: String? { description }
    }

    /// Round imputed cells of all-integer columns.
    public let roundsIntegers: Bool
    /// Clamp imputed cells to [observed minimum, observed maximum].
    public let clampsToObservedRange: Bool
    /// Per modelled column, in order: the observed range and integer-ness.
    public let observed: [ObservedRange]

    /// An adjustment from a recorded description of the observed cells (a model file's).
    public init(observed: [ObservedRange], roundIntegers: Bool, clampToObservedRange: Bool) {
        self.observed = observed
        roundsIntegers = roundIntegers
        clampsToObservedRange = clampToObservedRange
    }

    /// Learns each modelled column's integer-ness and range from the observed cells of `matrix`.
    /// - Complexity: O(n·p), one pass over the matrix.
    public init(_ matrix: IncompleteMatrix, roundIntegers: Bool, clampToObservedRange: Bool) {
        let p = matrix.columnCount
        var columns = [ObservedRange](repeating: ObservedRange(minimum: .infinity, maximum: -.infinity, isAllIntegers: true), count: p)
        for i in 0..<matrix.rowCount {
            for j in 0..<p {
                let v = matrix.values[i * p + j]
                guard !v.isNaN else { continue }
                if v.rounded() != v { columns[j].isAllIntegers = false }
                columns[j].minimum = min(columns[j].minimum, v)
                columns[j].maximum = max(columns[j].maximum, v)
            }
        }
        self.init(observed: columns, roundIntegers: roundIntegers, clampToObservedRange: clampToObservedRange)
    }

    /// The same observed ranges with other choices (`apply` turning an adjustment on or off).
    public func with(roundIntegers: Bool, clampToObservedRange: Bool) -> ImputedValueAdjustment {
        ImputedValueAdjustment(observed: observed, roundIntegers: roundIntegers, clampToObservedRange: clampToObservedRange)
    }

    /// Whether anything changes.
    public var isActive: Bool { roundsIntegers || clampsToObservedRange }

    /// Names of the columns whose imputed cells are rounded.
    public func roundedColumns(_ names: [String]) -> [String] {
        roundsIntegers ? names.indices.filter { $0 < observed.count && observed[$0].isAllIntegers }.map { names[$0] } : []
    }

    /// What changes, in words ("rounded to integers in 'age' and clamped to each column's
    /// observed range"); nil when nothing does.
    public func summary(columnNames names: [String]) -> String? {
        var what: [String] = []
        let rounded = roundedColumns(names)
        if !rounded.isEmpty { what.append("rounded to integers in \(rounded.map { "'\($0)'" }.joined(separator: ", "))") }
        if clampsToObservedRange { what.append("clamped to each column's observed range") }
        return what.isEmpty ? nil : what.joined(separator: " and ")
    }

    /// The rule: an imputed value of modelled column `j` as written — clamped to the
    /// observed range first, then rounded, so a rounded value never leaves the range of
    /// an all-integer column. Every writer of imputed cells (`RowCompleter`) applies it, and
    /// only it.
    /// - Precondition: `j` is a column of the adjustment (`observed.indices`).
    public func adjusted(_ value: Double, column j: Int) -> Double {
        var v = value
        let c = observed[j]
        if clampsToObservedRange, c.minimum <= c.maximum { v = min(max(v, c.minimum), c.maximum) }
        if roundsIntegers, c.isAllIntegers { v = v.rounded() }
        return v
    }

    enum CodingKeys: String, CodingKey {
        case roundsIntegers = "roundIntegers"
        case clampsToObservedRange = "clampToObservedRange"
        case observed
    }
}
