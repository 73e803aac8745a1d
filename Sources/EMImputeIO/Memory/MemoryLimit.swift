import Foundation

/// How much memory the kept rows of rare patterns may take while EM runs; beyond it they are
/// spilled to a temporary file (`KeptRowsSpillFile`) and read back every iteration, with the
/// same estimates, bit for bit.
///
/// ```swift
/// let limit = try MemoryLimit("512M")   // or "2G", "1500000" (bytes), "auto"
/// var job = ImputationJob(input: "big.csv")
/// job.memoryLimit = limit
/// ```
public enum MemoryLimit: Sendable, Equatable, CustomStringConvertible {
    /// A quarter of the machine's physical memory, at most 128 MiB (`automaticBytes`).
    case automatic
    /// This many bytes.
    case bytes(Int)

    /// A quarter of the physical memory, at most 128 MiB: with it `impute` stays within about
    /// 250 MB on tens of millions of rows (the kept rows are what grows with them; the moments
    /// grow only with the distinct patterns).
    public static var automaticBytes: Int {
        Int(min(ProcessInfo.processInfo.physicalMemory / 4, 128 << 20))
    }

    /// Whether `cells` kept cells (8 bytes each) exceed the limit, and so are spilled.
    public func isExceeded(byKeptCells cells: Int) -> Bool {
        cells.multipliedReportingOverflow(by: MemoryLayout<Double>.size).partialValue > byteCount
            || cells > Int.max / MemoryLayout<Double>.size
    }

    /// The limit in bytes.
    public var byteCount: Int {
        switch self {
        case .automatic: return Self.automaticBytes
        case .bytes(let n): return n
        }
    }

    /// Reads `auto`, a number of bytes, or a number with a binary suffix: `K`, `M`, `G`, `T`
    /// (powers of 1024; upper or lower case, an optional `B` or `iB` after it): `512M`, `2G`,
    /// `1.5GiB`, `1048576`.
    /// - Throws: `MemoryLimit.ParseError` for anything else, or a limit beyond `Int.max` bytes.
    public init(_ text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "auto" || trimmed.lowercased() == "automatic" { self = .automatic; return }
        var number = Substring(trimmed.lowercased())
        for suffix in ["ib", "b"] where number.hasSuffix(suffix) && number.count > suffix.count {
            number = number.dropLast(suffix.count)
            break
        }
        var multiplier = 1.0
        if let last = number.last, let power = ["k": 1.0, "m": 2.0, "g": 3.0, "t": 4.0][String(last)] {
            multiplier = pow(1024, power)
            number = number.dropLast()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value.isFinite, value >= 0 else { throw ParseError(text: text) }
        let bytes = (value * multiplier).rounded(.down)
        guard bytes < 0x1p63 else { throw ParseError(text: text) }
        self = .bytes(Int(bytes))
    }

    /// The limit in words, with the automatic one's bytes.
    public var description: String {
        switch self {
        case .automatic: return "automatic (\(Self.automaticBytes) bytes)"
        case .bytes(let n): return "\(n) bytes"
        }
    }

    /// A memory limit that could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
        /// The text given.
        public let text: String
        /// What is wrong, with the forms accepted.
        public var description: String {
            "'\(PrintableText.escaping(text))' is not a memory size: give bytes (1048576), a size with K, M, G or T (512M, 2G), or auto"
        }
        /// `description`, for `LocalizedError`.
        public var errorDescription: String? { description }
    }
}
