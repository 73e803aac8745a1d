// The checks shared by the libFuzzer targets (Tests/Fuzz, compiled together with this file
// by Tests/Fuzz/build.sh) and by FuzzRegressionTests. Nothing here uses a test framework:
// a broken invariant is thrown as a `FuzzHarness.Violation`, which the fuzzers turn into a
// crash and the regression tests into a failed expectation.
//
// A fuzz input is one option byte followed by the CSV bytes:
//   bits 0-1  delimiter: 0 ',', 1 ';', 2 tab, 3 one of `oddDelimiters` (bits 5-7 pick it)
//   bit  2    no header (the first record is data)
//   bits 3-4  missing-value codes: 0 the defaults, 1 defaults + "-99", 2 only "-99",
//             3 defaults + "0", "a,b" and "q\"q" (a code with a delimiter, one with a quote)
//   bit  7    (impute) ridge 1 instead of 0 (and, with delimiter 3, part of the odd delimiter)
import EMImputeCore
@testable import EMImputeIO  // pass 2's range size (Tests/Fuzz/build.sh builds with -enable-testing)
import Foundation

enum FuzzHarness {
    /// A broken invariant: a bug.
    struct Violation: Error, CustomStringConvertible {
        let description: String
    }

    /// Delimiters the CLI accepts (`CSVReadOptions.delimiter(named:)`) that are unusual:
    /// a space, and characters that also occur in numbers.
    static let oddDelimiters: [UInt8] = [" ", ".", "|", "-", "e", "0", ":", "#"].map {
        CSVReadOptions.delimiter(named: $0) ?? UInt8(ascii: ",")
    }

    static let missingTokenVariants: [[String]] = [
        CSVReadOptions.defaultMissingTokens,
        CSVReadOptions.defaultMissingTokens + ["-99"],
        ["-99"],
        CSVReadOptions.defaultMissingTokens + ["0", "a,b", "q\"q"],
    ]

    /// The read options that an option byte stands for.
    static func options(_ b: UInt8) -> CSVReadOptions {
        var o = CSVReadOptions()
        switch b & 3 {
        case 0: o.delimiter = UInt8(ascii: ",")
        case 1: o.delimiter = UInt8(ascii: ";")
        case 2: o.delimiter = UInt8(ascii: "\t")
        default: o.delimiter = oddDelimiters[Int(b >> 5)]
        }
        o.hasHeader = b & 4 == 0
        o.missingTokens = missingTokenVariants[Int((b >> 3) & 3)]
        return o
    }

    /// Every distinct set of read options an option byte can stand for (88 of them: 11
    /// delimiters, with or without a header, 4 sets of codes). All 256 bytes are looked at:
    /// bit 7 picks the odd delimiters `e`, `0`, `:` and `#`.
    static var allOptionBytes: [UInt8] {
        var seen: [CSVReadOptions] = []
        var bytes: [UInt8] = []
        for b in UInt8(0)...UInt8(255) where !seen.contains(options(b)) {
            seen.append(options(b))
            bytes.append(b)
        }
        return bytes
    }

    // MARK: Loader

    /// Loads `path`; nil when the loader rejects it with a `CSVError` (a fine outcome).
    /// Any other error, or a table that breaks an invariant, is a violation.
    static func load(_ path: String, _ options: CSVReadOptions) throws -> LoadedTable? {
        let table: LoadedTable
        do {
            table = try CSVLoader.load(path, options: options)
        } catch is CSVError {
            return nil
        } catch {
            throw Violation(description: "the loader threw something other than a CSVError: \(error)")
        }
        try checkInvariants(table, path: path)
        return table
    }

    /// The invariants of a loaded table.
    static func checkInvariants(_ t: LoadedTable, path: String) throws {
        func check(_ ok: Bool, _ what: @autoclosure () -> String) throws {
            if !ok { throw Violation(description: "loader invariant: \(what())") }
        }
        let m = t.matrix
        try check(t.rowCount > 0, "a table with no rows was returned (\(t.rowCount))")
        try check(!t.columns.isEmpty, "a table with no columns was returned")
        try check(m.rowCount == t.rowCount, "matrix.rowCount \(m.rowCount) != table.rowCount \(t.rowCount)")
        try check(m.columnCount == t.modelledColumns.count, "matrix.columnCount \(m.columnCount) != \(t.modelledColumns.count) modelled columns")
        try check(m.values.count == m.rowCount * m.columnCount, "matrix has \(m.values.count) values for \(m.rowCount)x\(m.columnCount)")
        try check(m.columnNames == t.modelledNames, "matrix column names \(m.columnNames) != modelled names \(t.modelledNames)")
        try check(t.modelledColumns == t.columns.indices.filter { t.columns[$0].kind == .numeric },
                  "modelled columns \(t.modelledColumns) are not exactly the numeric ones (\(t.columns.map(\.kind)))")
        try check(t.modelledColumns == t.modelledColumns.sorted(), "modelled columns out of order")
        for (j, c) in t.columns.enumerated() {
            try check(c.position == j + 1, "column \(j + 1) has position \(c.position)")
            try check(c.observed >= 0 && c.missing >= 0, "column \(c.name): negative counts")
            try check(c.observed + c.missing == t.rowCount,
                      "column \(c.name): observed \(c.observed) + missing \(c.missing) != rows \(t.rowCount)")
        }
        if t.options.hasHeader {
            try check(Set(t.columns.map(\.name)).count == t.columns.count, "duplicate column names \(t.columns.map(\.name))")
        }
        for v in m.values { try check(v.isFinite || v.isNaN, "a matrix value is \(v)") }
        let p = m.columnCount
        for (c, j) in t.modelledColumns.enumerated() {
            let nan = (0..<m.rowCount).reduce(0) { $0 + (m.values[$1 * p + c].isNaN ? 1 : 0) }
            try check(nan == t.columns[j].missing, "column \(t.columns[j].name): \(nan) NaN in the matrix but \(t.columns[j].missing) missing cells")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        try check(size == nil || size == t.byteCount, "byteCount \(t.byteCount) != file size \(size ?? -1)")
        try check(t.input.path == path && !t.input.isSpooled, "input path \(t.input.path), spooled \(t.input.isSpooled)")
    }

    // MARK: Impute

    /// The whole impute path on the CSV at `path`: load, fit (when small), write the completed
    /// CSV to `outputPath`, and check it. When the fit is skipped (too many columns) or throws
    /// an `EMError`, the writer is still exercised with made-up imputed values.
    ///
    /// Returns whether a fit succeeded.
    @discardableResult
    static func impute(_ path: String, _ options: CSVReadOptions, ridge: Double, outputPath: String,
                       maxFittedColumns: Int = 24) throws -> Bool {
        guard let table = try load(path, options) else { return false }
        let m = table.matrix
        var imputed: ImputedCells
        var fitted = false
        if m.columnCount <= maxFittedColumns {
            do {
                let result = try GaussianEM(options: emOptions(ridge: ridge)).fit(m)
                imputed = result.imputedCells
                fitted = true
                do {
                    _ = try imputed.completing(m)
                } catch {
                    throw Violation(description: "the imputed cells are not the missing cells: \(error)")
                }
                if let bad = imputed.first(where: { !$0.value.isFinite }) {
                    throw Violation(description: "an imputed value is \(bad.value) (row \(bad.row), column \(bad.column))")
                }
            } catch is EMError {
                imputed = madeUpValues(m)
            }
        } else {
            imputed = madeUpValues(m)
        }
        try writeAndCheck(table, imputed: imputed, outputPath: outputPath)
        if fitted { try runPipeline(table, ridge: ridge, outputPath: outputPath + ".job") }
        return fitted
    }

    /// The library's pipeline (`ImputationJob`, what `emimpute impute` runs: streaming pass 1,
    /// EM on the pattern statistics, pass 2) on the input the loader accepted and the fit
    /// succeeded on: it must either throw one of the library's typed errors or write a CSV that
    /// loads again with the same shape, every observed cell reading back as before and every
    /// missing one filled with a finite number.
    static func runPipeline(_ table: LoadedTable, ridge: Double, outputPath: String) throws {
        var job = ImputationJob(input: table.input.path, reading: table.options, model: .gaussian(emOptions(ridge: ridge)))
        job.threads = 1
        job.includesInference = false
        unlink(outputPath)
        defer { unlink(outputPath) }
        do {
            let target = try OutputTarget.file(outputPath)
            do {
                _ = try job.run(writingTo: target)
                try target.commit()
            } catch {
                target.abandon()
                throw error
            }
        } catch is CSVError, is EMError, is GaussianModelError, is EMOptionsError {
            return
        } catch {
            throw Violation(description: "the pipeline threw something other than the library's typed errors: \(type(of: error)): \(error)")
        }
        let again: LoadedTable
        do {
            again = try CSVLoader.load(outputPath, options: table.options)
        } catch {
            throw Violation(description: "pipeline: the completed CSV does not load again: \(error)")
        }
        let m = table.matrix, p = m.columnCount
        guard again.rowCount == table.rowCount, again.matrix.columnCount == p else {
            throw Violation(description: "pipeline: \(again.rowCount) × \(again.matrix.columnCount) after writing, \(table.rowCount) × \(p) before")
        }
        for (k, before) in m.values.enumerated() {
            let after = again.matrix.values[k]
            if before.isNaN ? !after.isFinite : after != before {
                throw Violation(description: "pipeline: row \(k / p + 1), column \(m.columnNames[k % p]): \(before) before, \(after) after")
            }
        }
    }

    /// The fit the impute target runs: at most 50 iterations, one thread.
    static func emOptions(ridge: Double) -> EMOptions {
        var em = EMOptions()
        em.maxIterations = 50
        em.threads = 1
        em.ridge = ridge
        return em
    }

    /// Values that exercise the formatter: negative, fractional, exponents, zero.
    /// A value for every missing cell of `matrix`, from a palette of awkward spellings.
    static func madeUpValues(_ matrix: IncompleteMatrix) -> ImputedCells {
        let palette: [Double] = [1.5, -2, 0, 1e-7, 123456.789, -0.0, 2.5e300, 1.0 / 3]
        return readingOrder(matrix, (0..<matrix.missingCount).map { palette[$0 % palette.count] })
    }

    /// Writes the completed CSV and checks it against the table: byte-identical when nothing
    /// was missing; otherwise it loads again with the same shape, the observed cells read back
    /// as the same numbers and the imputed cells as the imputed values. Written a second time
    /// through a tiny read buffer (records cut at every place), it must come out the same.
    static func writeAndCheck(_ table: LoadedTable, imputed: ImputedCells, outputPath: String) throws {
        func check(_ ok: Bool, _ what: @autoclosure () -> String) throws {
            if !ok { throw Violation(description: "writer: \(what())") }
        }
        func write(bufferSize: Int?) throws -> Data {
            unlink(outputPath)
            do {
                let target = try OutputTarget.file(outputPath)
                do {
                    if let bufferSize {
                        try writeCompleted(table, imputed, to: target, chunkSize: bufferSize, threads: 2)
                    } else {
                        try writeCompleted(table, imputed, to: target)
                    }
                    try target.commit()
                } catch {
                    target.abandon()
                    throw error
                }
            } catch {
                throw Violation(description: "writer (buffer \(bufferSize.map(String.init) ?? "default")): \(type(of: error)): \(error)")
            }
            return try Data(contentsOf: URL(fileURLWithPath: outputPath))
        }
        let input = try Data(contentsOf: URL(fileURLWithPath: table.input.path))
        let small = 1 + input.count % 7
        let chunked = try write(bufferSize: small)
        // The whole input in one buffer, as with the default 4 MiB one, without allocating 4 MiB.
        let output = try write(bufferSize: input.count < 1 << 16 ? input.count + 1 : nil)
        try check(chunked == output, "the output through a \(small)-byte buffer differs from the output through a large one")
        let m = table.matrix
        if m.missingCount == 0 {
            try check(input == output, "nothing was missing but the output (\(output.count) bytes) differs from the input (\(input.count) bytes)")
            return
        }
        let again: LoadedTable
        do {
            again = try CSVLoader.load(outputPath, options: table.options)
        } catch {
            throw Violation(description: "writer: the completed CSV does not load again: \(error)")
        }
        try checkInvariants(again, path: outputPath)
        try check(again.rowCount == table.rowCount, "\(again.rowCount) rows after writing, \(table.rowCount) before")
        try check(again.columns.map(\.name) == table.columns.map(\.name),
                  "column names \(again.columns.map(\.name)) after writing, \(table.columns.map(\.name)) before")
        try check(again.columns.map(\.kind) == table.columns.map(\.kind),
                  "column kinds \(again.columns.map(\.kind)) after writing, \(table.columns.map(\.kind)) before")
        for (j, c) in table.columns.enumerated() where c.kind != .numeric {
            try check(again.columns[j].observed == c.observed, "column \(c.name): observed count changed")
        }
        let p = m.columnCount
        for i in 0..<m.rowCount {
            for c in 0..<p {
                let before = m.values[i * p + c], after = again.matrix.values[i * p + c]
                if before.isNaN {
                    let value = imputed[row: i, column: c]
                    try check(after == value, "row \(i + 1), column \(m.columnNames[c]): imputed \(value.map { "\($0)" } ?? "nothing") reads back as \(after)")
                } else {
                    try check(after == before, "row \(i + 1), column \(m.columnNames[c]): observed \(before) reads back as \(after)")
                }
            }
        }
    }
}

/// The imputed cells of `matrix` whose values a test states in reading order (row by row,
/// left to right): each value is given its cell's position here, once, by walking the
/// missing cells; what consumes the result reads positions only.
func readingOrder(_ matrix: IncompleteMatrix, _ values: [Double]) -> ImputedCells {
    let p = matrix.columnCount
    let missing = matrix.values.indices.filter { matrix.values[$0].isNaN }
    let cells = zip(missing, values).map { ImputedCell(row: $0 / p, column: $0 % p, value: $1) }
    return try! ImputedCells(rowCount: matrix.rowCount, columnCount: p, cells: cells)
}

/// Writes the completed CSV of `table` with its missing cells set to `imputed` (cells of the
/// modelled matrix, by position) through pass 2 (`RangeCompletion`, in ranges of `chunkSize`
/// bytes); `onCell` runs as each imputed cell is completed. A missing cell without an imputed
/// cell is written as NaN, which the writer refuses.
func writeCompleted(_ table: LoadedTable, _ imputed: ImputedCells, to target: OutputTarget, chunkSize: Int = 1 << 22, threads: Int = 1,
                    onCell: @escaping @Sendable () -> Void = {}) throws {
    let given = imputed
    let file = try table.snapshot.reopen(table.input.path, display: table.input.displayName)
    let stream = RangeCompletion.Stream(makeCompleter: {
        RowCompleter(columnNames: table.modelledNames, adjustment: nil) { row, column in
            onCell()
            return given[row: row, column: column] ?? .nan
        }
    }, output: target, consumers: [])
    _ = try RangeCompletion.run(fd: file.fd, size: file.size, columnNames: table.modelledNames, options: table.options,
                                file: table.input.displayName, streams: [stream], snapshot: table.snapshot, threads: threads,
                                chunkSize: chunkSize)
}
