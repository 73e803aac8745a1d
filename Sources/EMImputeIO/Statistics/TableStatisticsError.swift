import Foundation

/// Why statistics files cannot be read or merged.
public enum TableStatisticsError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be opened or read.
    case cannotOpen(path: String, reason: String)
    /// The file is not a statistics file (not JSON, or no `formatVersion`).
    case notStatistics(path: String)
    /// A format this version cannot read.
    case unsupportedVersion(path: String, version: Int)
    /// The file is damaged: `reason` says where.
    case invalid(path: String, reason: String)
    /// Two batches were read with different dialects or missing-value codes.
    case dialectsDiffer(expected: String, found: String)
    /// Two batches have different columns (names, order, or which are numeric).
    case columnsDiffer(expected: String, found: String)

    /// What is wrong.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            return "\(PrintableText.escaping(path)): cannot open: \(reason)"
        case .notStatistics(let path):
            return "\(PrintableText.escaping(path)): not a statistics file"
        case .unsupportedVersion(let path, let version):
            return "\(PrintableText.escaping(path)): statistics format \(version) is not one this version reads (\(TableStatistics.currentFormatVersion))"
        case .invalid(let path, let reason):
            return "\(PrintableText.escaping(path)): the statistics file is damaged: \(reason)"
        case .dialectsDiffer(let expected, let found):
            return "the batches were read differently, so their cells may not mean the same: \(expected) against \(found)"
        case .columnsDiffer(let expected, let found):
            return "the batches have different columns: \(expected) against \(found)"
        }
    }

    /// `description`, for `LocalizedError`.
    public var errorDescription: String? { description }
}
