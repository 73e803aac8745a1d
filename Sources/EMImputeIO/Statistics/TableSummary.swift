import EMImputeCore
import Foundation

/// `TableStatistics` without the rows: what a distributed fit (`emimpute fit --summaries`)
/// needs to start, check and report, when the per-pattern statistics are too large to
/// gather — every column's profile and observed range, the reading options, and the
/// `DistributedSummary` of the modelled columns (column moments and pattern counts). The
/// E-steps then run where the rows are (`emimpute estep --at`).
///
/// Written by `emimpute estep --summary`; merged like `TableStatistics`.
public struct TableSummary: Sendable, Equatable, Codable {
    /// The format this code writes.
    public static let currentFormatVersion = 1

    /// The format of the file.
    public var formatVersion: Int
    /// How the input was read.
    public var dialect: TableStatistics.Dialect
    /// The missing-value codes.
    public var missingTokens: [String]
    /// Every input column, in input order (`numeric` ones are modelled).
    public private(set) var columns: [ColumnProfile]
    /// Per modelled column: its observed range and whether every observed value is an integer.
    public private(set) var observedRanges: [ImputedValueAdjustment.ObservedRange]
    /// The modelled columns' moments and pattern counts.
    public private(set) var summary: DistributedSummary

    /// The summary of `statistics`.
    public init(_ statistics: TableStatistics) {
        formatVersion = Self.currentFormatVersion
        dialect = statistics.dialect
        missingTokens = statistics.missingTokens
        columns = statistics.columns
        observedRanges = statistics.observedRanges
        summary = DistributedSummary(statistics.statistics)
    }

    /// Data rows.
    public var rowCount: Int { summary.rowCount }

    /// Folds in the summary of other rows read the same way: the checks and the empty-part
    /// rule of `TableStatistics.merge`.
    /// - Throws: `TableStatisticsError.dialectsDiffer` or `.columnsDiffer`.
    public mutating func merge(_ other: TableSummary) throws(TableStatisticsError) {
        let mine = TableStatistics(summaryOf: self), theirs = TableStatistics(summaryOf: other)
        guard other.dialect == dialect, other.missingTokens == missingTokens else {
            throw .dialectsDiffer(expected: mine.describeReading, found: theirs.describeReading)
        }
        guard other.columns.map(\.name) == columns.map(\.name) else {
            throw .columnsDiffer(expected: mine.describeColumns, found: theirs.describeColumns)
        }
        if other.rowCount == 0 { return }
        if rowCount == 0 { self = other; return }
        guard other.columns.map(\.kind) == columns.map(\.kind) else {
            throw .columnsDiffer(expected: mine.describeColumns, found: theirs.describeColumns)
        }
        for j in columns.indices {
            columns[j].observed += other.columns[j].observed
            columns[j].missing += other.columns[j].missing
        }
        for c in observedRanges.indices { observedRanges[c].merge(other.observedRanges[c]) }
        // Same modelled names in the same order (checked above), so this cannot fail.
        try? summary.merge(other.summary)
    }

    /// The statistics as JSON: compact, keys sorted, one line.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // An empty part's observed ranges are ±infinity.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// Reads a summary written by `json()`.
    /// - Throws: `TableStatisticsError`.
    public static func read(_ path: String) throws(TableStatisticsError) -> TableSummary {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotOpen(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        let read: TableSummary
        do {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            read = try decoder.decode(TableSummary.self, from: data)
        } catch {
            throw .invalid(path: path, reason: "not a table summary (\(error))")
        }
        guard read.formatVersion == currentFormatVersion else { throw .unsupportedVersion(path: path, version: read.formatVersion) }
        let modelled = read.columns.filter { $0.kind == .numeric }.map(\.name)
        guard modelled == read.summary.columns, read.observedRanges.count == modelled.count else {
            throw .invalid(path: path, reason: "the numeric columns do not match the summary's columns")
        }
        return read
    }

    /// The model file of `result`, a fit on these rows, recording `adjustment` for `apply`.
    public func modelFile(for result: EMResult, adjustment: ImputedValueAdjustment) throws -> ModelFile {
        try ModelFile(result: result, missingTokens: missingTokens, columns: columns, rows: rowCount, adjustment: adjustment)
    }

    /// The imputed-value adjustment that `impute --round-integers/--clamp` would learn.
    public func adjustment(roundIntegers: Bool, clampToObservedRange: Bool) -> ImputedValueAdjustment {
        ImputedValueAdjustment(observed: observedRanges, roundIntegers: roundIntegers, clampToObservedRange: clampToObservedRange)
    }

    /// The JSON report of `result`, as `TableStatistics.report(for:…)` writes it.
    public func report(for result: EMResult, inputs: [String], timings: ImputationReport.Timings,
                       adjustment: ImputedValueAdjustment? = nil) -> ImputationReport {
        let read = dialect.readOptions(missingTokens: missingTokens)
        let s = summary
        let moments: [ColumnMoments.Moment] = s.columns.indices.map { j in
            let n = s.observedCounts[j]
            guard n > 0 else { return .init() }
            return .init(mean: s.means[j] * s.units[j],
                         standardDeviation: n > 1 ? (s.comoments[j] / Double(n - 1)).squareRoot() * s.units[j] : nil)
        }
        return ImputationReport(input: .init(path: inputs.joined(separator: ", "), rows: rowCount, bytes: 0), read: read,
                                columns: columns, observed: moments, imputed: s.columns.map { _ in .init() },
                                imputedCells: 0, fit: FitFacts(result), inputWarnings: [], timings: timings,
                                adjustment: adjustment)
    }
}

extension TableStatistics {
    /// Statistics of no rows with the reading and columns of `summary`, to describe them.
    init(summaryOf s: TableSummary) {
        var options = CSVReadOptions()
        options.delimiter = s.dialect.delimiter.utf8.first ?? options.delimiter
        options.hasHeader = s.dialect.header
        options.missingTokens = s.missingTokens
        self.init(options: options, columns: s.columns, observedRanges: s.observedRanges,
                  statistics: PatternStatistics(columnNames: s.summary.columns), warnings: [])
    }
}
