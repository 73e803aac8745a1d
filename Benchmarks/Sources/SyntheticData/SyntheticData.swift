#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// How cells go missing.
public enum MissingMechanism: String, Sendable, CaseIterable {
    /// Missing completely at random: every cell independently with the same probability.
    case mcar
    /// Missing at random: column 0 is always observed; each cell of a column j > 0 is missing
    /// with probability logistic(a + b·z₀), z₀ the row's standardised column-0 value, with
    /// `a` calibrated so the expected share of missing cells over the whole table is the rate.
    case mar
}

/// What to generate: n rows of p columns drawn from N(μ, Σ) with Σᵢⱼ = ρ^|i−j| (unit
/// variances, AR(1) correlation) and μⱼ = j · meanStep, then cells removed.
public struct SyntheticSpec: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// Expected share of missing cells over all n·p cells, in [0, 1).
    public var missingRate: Double
    public var mechanism: MissingMechanism
    /// ρ in (−1, 1).
    public var correlation: Double
    public var seed: UInt64
    /// μⱼ = j · meanStep (column j counted from 0).
    public var meanStep: Double = 1
    /// b in logistic(a + b·z₀) for MAR.
    public var marSlope: Double = 1.5
    /// The text of a missing cell.
    public var missingToken: String = "NA"
    /// MCAR only: if set, K missingness patterns are drawn first (each cell missing with
    /// probability `missingRate`, never a pattern with every cell missing) and every row takes
    /// one of them uniformly at random, so the number of distinct patterns is at most K
    /// whatever the rate. nil (the default): every cell independently.
    public var patternPool: Int?

    public init(rows: Int, columns: Int, missingRate: Double, mechanism: MissingMechanism = .mcar,
                correlation: Double = 0.5, seed: UInt64 = 1) {
        self.rows = rows
        self.columns = columns
        self.missingRate = missingRate
        self.mechanism = mechanism
        self.correlation = correlation
        self.seed = seed
    }

    /// Why the spec cannot be generated, or nil.
    public var problem: String? {
        if rows < 1 { return "--rows must be at least 1" }
        if columns < 1 { return "--columns must be at least 1" }
        if !(missingRate >= 0 && missingRate < 1) { return "--missing-rate must be in [0, 1)" }
        if !(abs(correlation) < 1) { return "--correlation must be in (-1, 1)" }
        if !meanStep.isFinite { return "--mean-step must be finite" }
        if mechanism == .mar && missingRate > 0 {
            if columns < 2 { return "MAR needs at least 2 columns (column 0 is always observed)" }
            if missingRate * Double(columns) / Double(columns - 1) >= 1 {
                return "with MAR column 0 is always observed, so the rate must be below (p-1)/p = \(Double(columns - 1) / Double(columns))"
            }
        }
        if let k = patternPool {
            if k < 1 { return "--patterns must be at least 1" }
            if mechanism != .mcar { return "--patterns applies to MCAR only" }
        }
        if missingToken.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) {
            return "the missing-value token must not contain a comma, quote or newline"
        }
        return nil
    }

    /// The MAR intercept a with E[logistic(a + b·Z)] = rate·p/(p−1), Z ~ N(0, 1), by bisection
    /// on a fixed quadrature grid (deterministic).
    public var marIntercept: Double {
        let target = missingRate * Double(columns) / Double(max(columns - 1, 1))
        let b = marSlope
        func expected(_ a: Double) -> Double {
            let h = 1e-3
            var s = 0.0
            var z = -9.0
            while z <= 9.0 {
                let phi = exp(-0.5 * z * z)
                s += phi / (1 + exp(-(a + b * z)))
                z += h
            }
            return s * h / (2 * Double.pi).squareRoot()
        }
        var lo = -60.0, hi = 60.0
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if expected(mid) < target { lo = mid } else { hi = mid }
        }
        return 0.5 * (lo + hi)
    }
}

/// What a generation produced.
public struct SyntheticSummary: Sendable {
    public let rows: Int
    public let columns: Int
    public let missingCells: Int
    public let bytes: Int
    public var missingShare: Double { Double(missingCells) / Double(rows * columns) }
}

public enum SyntheticDataError: Error, CustomStringConvertible {
    case invalid(String)
    case io(String)
    public var description: String {
        switch self {
        case .invalid(let s): return s
        case .io(let s): return s
        }
    }
}

/// Writes synthetic CSVs. Single-threaded by design: the output depends only on the spec.
public enum SyntheticData {
    /// Writes the CSV to `path` (`-` for standard output).
    @discardableResult
    public static func write(_ spec: SyntheticSpec, to path: String) throws -> SyntheticSummary {
        if let problem = spec.problem { throw SyntheticDataError.invalid(problem) }
        let fd: Int32 = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw SyntheticDataError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { if fd != 1 { close(fd) } }
        return try write(spec, fd: fd, name: path)
    }

    /// Writes the CSV to an open file descriptor.
    public static func write(_ spec: SyntheticSpec, fd: Int32, name: String) throws -> SyntheticSummary {
        if let problem = spec.problem { throw SyntheticDataError.invalid(problem) }
        let n = spec.rows, p = spec.columns
        let capacity = 16 << 20
        let rowLimit = p * (DecimalFormatter.maximumLength + 1) + spec.missingToken.utf8.count * p + 2
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + rowLimit)
        defer { buffer.deallocate() }
        var used = 0
        var total = 0

        func flush() throws {
            var done = 0
            while done < used {
                let w = Glibc_write(fd, buffer + done, used - done)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw SyntheticDataError.io("cannot write \(name): \(String(cString: strerror(errno)))")
                }
                done += w
            }
            total += used
            used = 0
        }
        func append(_ s: String) {
            for b in s.utf8 { buffer[used] = b; used += 1 }
        }

        // Header.
        for j in 0..<p {
            if j > 0 { append(",") }
            append("x\(j + 1)")
        }
        append("\n")

        let token = Array(spec.missingToken.utf8)
        var source = RowSource(spec)
        var missing = 0
        let row = UnsafeMutablePointer<Double>.allocate(capacity: p)
        defer { row.deallocate() }
        for _ in 0..<n {
            source.next(into: row)
            for j in 0..<p {
                if j > 0 { buffer[used] = UInt8(ascii: ","); used += 1 }
                let v = row[j]
                if v.isNaN {
                    missing += 1
                    for b in token { buffer[used] = b; used += 1 }
                } else {
                    used += DecimalFormatter.write(v, to: buffer + used)
                }
            }
            buffer[used] = 10
            used += 1
            if used >= capacity { try flush() }
        }
        try flush()
        return SyntheticSummary(rows: n, columns: p, missingCells: missing, bytes: total)
    }
}

extension SyntheticData {
    /// The same rows as `write` would produce, as a row-major n×p matrix (NaN where missing),
    /// without the rounding to 10 significant digits.
    public static func matrix(_ spec: SyntheticSpec) throws -> [Double] {
        if let problem = spec.problem { throw SyntheticDataError.invalid(problem) }
        let p = spec.columns
        var values = [Double](repeating: 0, count: spec.rows * p)
        var source = RowSource(spec)
        values.withUnsafeMutableBufferPointer { out in
            for i in 0..<spec.rows { source.next(into: out.baseAddress! + i * p) }
        }
        return values
    }
}

/// Draws rows one after another: the complete row from N(μ, Σ), then its missing cells (NaN).
struct RowSource {
    let spec: SyntheticSpec
    private var rng: Xoshiro256StarStar
    private var normals: NormalSource
    private let innovation: Double
    private let means: [Double]
    /// MCAR: a cell is missing when a 64-bit draw falls below this threshold.
    private let mcarThreshold: UInt64
    private let marIntercept: Double
    /// Pattern pool, K×p flags.
    private let pool: [Bool]

    init(_ spec: SyntheticSpec) {
        self.spec = spec
        let p = spec.columns
        rng = Xoshiro256StarStar(seed: spec.seed)
        normals = NormalSource(Xoshiro256StarStar(seed: spec.seed ^ 0x5DEE_CE66_D1CE_5EED))
        innovation = (1 - spec.correlation * spec.correlation).squareRoot()
        means = (0..<p).map { Double($0) * spec.meanStep }
        let threshold: UInt64 = spec.missingRate <= 0 ? 0 : UInt64(min(spec.missingRate * 0x1p64, 0x1p64 - 2048))
        mcarThreshold = threshold
        marIntercept = spec.mechanism == .mar && spec.missingRate > 0 ? spec.marIntercept : 0
        var pool: [Bool] = []
        if let k = spec.patternPool {
            var draw = Xoshiro256StarStar(seed: spec.seed ^ 0x0BAD_5EED_0BAD_5EED)
            for _ in 0..<k {
                while true {
                    let flags = (0..<p).map { _ in draw.next() < threshold }
                    if flags.contains(false) { pool += flags; break }
                }
            }
        }
        self.pool = pool
    }

    mutating func next(into row: UnsafeMutablePointer<Double>) {
        let p = spec.columns, rho = spec.correlation
        // AR(1) across columns gives Corr(xᵢ, xⱼ) = ρ^|i−j| with unit variances.
        var x = normals.next()
        row[0] = x
        for j in 1..<max(p, 1) {
            x = rho * x + innovation * normals.next()
            row[j] = x
        }
        switch spec.mechanism {
        case .mcar:
            if let k = spec.patternPool {
                let base = Int(rng.next() % UInt64(k)) * p
                for j in 0..<p { row[j] = pool[base + j] ? .nan : means[j] + row[j] }
            } else {
                for j in 0..<p { row[j] = rng.next() < mcarThreshold ? .nan : means[j] + row[j] }
            }
        case .mar:
            let z0 = row[0]
            let probability = spec.missingRate > 0 ? 1 / (1 + exp(-(marIntercept + spec.marSlope * z0))) : 0
            row[0] = means[0] + z0
            for j in 1..<max(p, 1) { row[j] = rng.nextUniform() < probability ? .nan : means[j] + row[j] }
        }
    }
}

@inline(__always)
private func Glibc_write(_ fd: Int32, _ p: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, p, count)
    #else
    return Darwin.write(fd, p, count)
    #endif
}
