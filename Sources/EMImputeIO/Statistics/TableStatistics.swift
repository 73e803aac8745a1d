import EMImputeCore
import Foundation

/// What pass 1 learns from a CSV, and all that a fit needs from it: every column's profile,
/// the per-pattern statistics of the modelled columns (`PatternStatistics`), each modelled
/// column's observed range (for `--round-integers` and `--clamp`), and the reading options
/// that shaped them. Mergeable: the statistics of several batches, merged, are those of the
/// batches concatenated, so a model can be refitted on all data without re-reading any.
///
/// Written by `emimpute statistics` as JSON (`json()`, format in Docs/CLI.md), read by
/// `emimpute fit --statistics` (`read(_:)`).
///
/// ```swift
/// var total = try CSVStatisticsReader.read("monday.csv")
/// try total.merge(try CSVStatisticsReader.read("tuesday.csv"))
/// let fit = try GaussianEM().fit(total.statistics)
/// ```
public struct TableStatistics: Sendable, Equatable, Codable {
    /// The format this code writes.
    public static let currentFormatVersion = 1

    /// The CSV dialect the statistics were read with.
    public struct Dialect: Sendable, Equatable, Codable {
        /// The field delimiter, as a one-character string.
        public var delimiter: String
        /// Whether the first record named the columns.
        public var header: Bool

        /// The options that read this dialect with `missingTokens`.
        func readOptions(missingTokens: [String]) -> CSVReadOptions {
            var read = CSVReadOptions()
            read.delimiter = delimiter.utf8.first ?? read.delimiter
            read.hasHeader = header
            read.missingTokens = missingTokens
            return read
        }
    }

    /// The format of the file.
    public var formatVersion: Int
    /// The version of emimpute that wrote it (for information).
    public var emimputeVersion: String
    /// How the input was read.
    public var dialect: Dialect
    /// The missing-value codes.
    public var missingTokens: [String]
    /// Every input column, in input order (`numeric` ones are modelled).
    public private(set) var columns: [ColumnProfile]
    /// Per modelled column, in order: the observed range and whether every observed value is
    /// an integer.
    public private(set) var observedRanges: [ImputedValueAdjustment.ObservedRange]
    /// The statistics of the modelled columns.
    public private(set) var statistics: PatternStatistics
    /// What the reader noticed about the input (not written to the file).
    public var warnings: [CSVWarning] = []

    enum CodingKeys: String, CodingKey {
        case formatVersion, emimputeVersion, dialect, missingTokens, columns, observedRanges, statistics
    }

    /// Statistics from their parts.
    init(options: CSVReadOptions, columns: [ColumnProfile], observedRanges: [ImputedValueAdjustment.ObservedRange],
         statistics: PatternStatistics, warnings: [CSVWarning]) {
        formatVersion = Self.currentFormatVersion
        emimputeVersion = EMImputeVersion.current
        dialect = Dialect(delimiter: String(decoding: [options.delimiter], as: UTF8.self), header: options.hasHeader)
        missingTokens = options.missingTokens
        self.columns = columns
        self.observedRanges = observedRanges
        self.statistics = statistics
        self.warnings = warnings
    }

    /// Moves the kept rows of rare patterns to `spill` and drops them from memory
    /// (`PatternStatistics.moveKeptRows(to:)`).
    mutating func spillKeptRows(to spill: KeptRowsSpillFile) throws {
        try statistics.moveKeptRows { try spill.append($0) }
    }

    /// Reads the kept rows back from `spill` (`PatternStatistics.restoreKeptRows(from:)`).
    mutating func restoreKeptRows(from spill: KeptRowsSpillFile) throws {
        try statistics.restoreKeptRows(from: spill)
    }

    /// Data rows.
    public var rowCount: Int { statistics.rowCount }
    /// Positions (0-based) in `columns` of the modelled columns.
    public var modelledColumns: [Int] { columns.indices.filter { columns[$0].kind == .numeric } }
    /// Names of the modelled columns.
    public var modelledNames: [String] { statistics.columnNames }

    /// The imputed-value adjustment that `impute --round-integers/--clamp` would learn from
    /// the same rows.
    public func adjustment(roundIntegers: Bool, clampToObservedRange: Bool) -> ImputedValueAdjustment {
        ImputedValueAdjustment(observed: observedRanges, roundIntegers: roundIntegers, clampToObservedRange: clampToObservedRange)
    }

    /// Folds in the statistics of other rows read the same way, as if they had followed these.
    /// - Throws: `TableStatisticsError.dialectsDiffer` or `.columnsDiffer` when `other` was read
    ///   with another dialect or missing-value codes, or has other columns (names, order or
    ///   kinds): the rows would not be the same variables.
    public mutating func merge(_ other: TableStatistics) throws(TableStatisticsError) {
        guard other.dialect == dialect, other.missingTokens == missingTokens else {
            throw .dialectsDiffer(expected: describeReading, found: other.describeReading)
        }
        guard other.columns.map(\.name) == columns.map(\.name) else {
            throw .columnsDiffer(expected: describeColumns, found: other.describeColumns)
        }
        // Statistics of no rows (an empty part of a larger input) merge as nothing: their
        // columns' kinds were judged from no cell.
        if other.rowCount == 0 { return }
        if rowCount == 0 {
            let kept = warnings
            self = other
            warnings = kept + other.warnings
            return
        }
        guard other.columns.map(\.kind) == columns.map(\.kind) else {
            throw .columnsDiffer(expected: describeColumns, found: other.describeColumns)
        }
        for j in columns.indices {
            columns[j].observed += other.columns[j].observed
            columns[j].missing += other.columns[j].missing
        }
        for c in observedRanges.indices { observedRanges[c].merge(other.observedRanges[c]) }
        // Same modelled names in the same order, so this cannot fail.
        try? statistics.merge(other.statistics)
        warnings += other.warnings
    }

    var describeReading: String {
        "delimiter '\(PrintableText.escaping(dialect.delimiter))', \(dialect.header ? "a header" : "no header"), missing-value codes [\(missingTokens.map { "'\(PrintableText.escaping($0))'" }.joined(separator: ", "))]"
    }

    var describeColumns: String {
        columns.map { "\(PrintableText.escaping($0.name)) (\($0.kind.rawValue))" }.joined(separator: ", ")
    }

    /// The statistics as JSON: compact (kept rows can be many), keys sorted, one line.
    public func json() throws -> String {
        String(decoding: try Self.encoder().encode(self), as: UTF8.self) + "\n"
    }

    /// Writes `json()` to `target`, the groups one at a time: the whole text is never held,
    /// only one group's.
    public func writeJSON(to target: OutputTarget) throws {
        let encoder = Self.encoder()
        var shell = self
        shell.statistics = statistics.withoutGroups
        let text = String(decoding: try encoder.encode(shell), as: UTF8.self)
        // The one empty list of groups, in the statistics (the last key): the groups go there.
        // (Inside a string a quote is escaped, so the marker cannot come from a name.)
        guard let marker = text.range(of: "\"groups\":[]", options: .backwards) else {
            preconditionFailure("the statistics' groups are not where the format puts them")
        }
        try target.write(String(text[..<marker.lowerBound]) + "\"groups\":[")
        var first = true
        for group in statistics.encodedGroups {
            if !first { try target.write(",") }
            first = false
            try encoder.encode(group).withUnsafeBytes { try target.write($0) }
        }
        try target.write("]" + String(text[marker.upperBound...]) + "\n")
    }

    private static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return encoder
    }

    /// Reads a statistics file written by `json()`.
    /// - Throws: `TableStatisticsError`.
    public static func read(_ path: String) throws(TableStatisticsError) -> TableStatistics {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .cannotOpen(path: path, reason: (error as NSError).localizedFailureReason ?? error.localizedDescription)
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let version: Int
        do {
            version = try decoder.decode(VersionProbe.self, from: data).formatVersion
        } catch {
            throw .notStatistics(path: path)
        }
        guard version == currentFormatVersion else { throw .unsupportedVersion(path: path, version: version) }
        let read: TableStatistics
        do {
            read = try decoder.decode(TableStatistics.self, from: data)
        } catch let error as DecodingError {
            throw .invalid(path: path, reason: Self.reason(error))
        } catch {
            throw .invalid(path: path, reason: "\(error)")
        }
        let modelled = read.modelledColumns.map { read.columns[$0].name }
        guard modelled == read.statistics.columnNames, read.observedRanges.count == modelled.count else {
            throw .invalid(path: path, reason: "the numeric columns do not match the statistics' columns")
        }
        return read
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
            let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            if case .keyNotFound(let key, _) = error { return "\(path.isEmpty ? "" : path + ": ")the key '\(key.stringValue)' is missing" }
            return "\(path.isEmpty ? "" : path + ": ")\(c.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private struct VersionProbe: Decodable { let formatVersion: Int }
}
