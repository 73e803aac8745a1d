import EMImpute
import Foundation
import Testing

// The Swift examples of Docs/Library.md and README.md, compiled and run.
//
// The code between `// docs:begin FILE` and `// docs:end` must be, line for line (after
// removing the common indentation), the `swift` blocks of FILE in order, without their
// `import` lines (which must appear at the top of this file). A `text` block that directly
// follows a `swift` block in the document is what that code prints; `print` is captured below.

/// Captures what the documented code prints.
final class PrintedLines: @unchecked Sendable {
    var lines: [String] = []
    func append(_ items: [Any], separator: String) {
        let text = items.map { "\($0)" }.joined(separator: separator)
        lines.append(contentsOf: text.components(separatedBy: "\n"))
    }
}

@Suite("Library examples in the docs")
struct LibraryExampleTests {
    @Test func inMemoryExampleOfLibraryMarkdown() throws {
        let printed = PrintedLines()
        func print(_ items: Any..., separator: String = " ") { printed.append(items, separator: separator) }

        // docs:begin Docs/Library.md
        // Ten observations of three variables; nil marks a missing cell.
        let data = try IncompleteMatrix(
            rows: [
                [5.1, 3.5, 1.4],
                [4.9, nil, 1.4],
                [6.3, 3.3, 6.0],
                [5.8, 2.7, nil],
                [7.1, 3.0, 5.9],
                [nil, 3.2, 4.5],
                [5.0, 3.6, 1.4],
                [6.7, nil, nil],
                [5.5, 2.4, 3.8],
                [6.4, 3.2, 4.5],
            ],
            columnNames: ["length", "width", "petal"])

        // Which cells are missing, grouped into patterns (most frequent first).
        for group in data.patternGroups() {
            let names = group.pattern.missingColumns.map { data.columnNames[$0] }
            print(group.rowCount, "row(s) missing", names.isEmpty ? "nothing" : names.joined(separator: ", "))
        }

        // Fit μ and Σ by EM.
        var options = EMOptions()
        options.tolerance = 1e-10  // stricter than the default 1e-8
        let fit = try GaussianEM(options: options).fit(data)

        func fixed(_ values: [Double]) -> String {
            values.map { String(format: "%8.4f", $0) }.joined(separator: " ")
        }
        print("converged:", fit.hasConverged, "after", fit.iterations, "iterations; monotone:", fit.isMonotone)
        print("log-likelihood:", String(format: "%.4f", fit.logLikelihood))
        print("mean:      ", fixed(fit.mean))
        for row in fit.covariance.rows { print("covariance:", fixed(row)) }
        print("largest fraction of missing information:", String(format: "%.2f", fit.largestFractionOfMissingInformation ?? 0))
        print("warnings:", fit.warnings.map(\.code))

        // The completed matrix: observed cells unchanged, missing ones their conditional means.
        let completed = try fit.completed(data)
        for row in completed.rows { print(fixed(row)) }

        // Impute a new row with the fitted model, with the uncertainty of the imputation.
        let model = fit.model
        var row = [6.0, Double.nan, 5.0]
        let sd = try model.conditionalStandardDeviations(row: row)
        try model.impute(row: &row)
        print("width given length 6 and petal 5:", String(format: "%.3f ± %.3f", row[1], sd[1]))

        // Many rows: one imputer factorises Σ once.
        let imputer = ConditionalImputer(model)
        var batch: [[Double]] = [[.nan, 3.0, .nan], [7.0, .nan, 6.5]]
        for k in batch.indices { try imputer.impute(row: &batch[k]) }
        for row in batch { print(fixed(row)) }

        // A model that the data cannot identify is an error that names the column.
        do {
            _ = try GaussianEM().fit(IncompleteMatrix(rows: [[1, 5], [2, 5], [nil, 5]], columnNames: ["a", "b"]))
        } catch let error as EMError {
            print(error.localizedDescription)
            if case .constantColumn(let column) = error { print("leave out:", column) }
        }
        // docs:end

        let expected = Result { try DocumentedSwift.expectedOutput(of: "Docs/Library.md", block: 0) }
        #expect((try? expected.get()).map { OutputMatcher.matches(expected: $0, actual: printed.lines) } == true,
                "Docs/Library.md: \(expected.problem)the example prints\n\(printed.lines.joined(separator: "\n"))")
        // The facts the document states about this example.
        #expect(fit.hasConverged && fit.isMonotone)
        #expect(completed.rowCount == 10 && !completed.storage.contains(where: \.isNaN))
    }

    @Test func csvExampleOfLibraryMarkdown() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fit = try imputeSurvey(CLIRunner.dataset("survey.csv"), output: folder + "/completed.csv", report: folder + "/report.json")
        #expect(fit.rowsUsed == 497 && fit.rowsWithNothingObserved == 3 && fit.hasConverged)
        // The same bytes as the command line tool writes.
        let cli = try CLIRunner.run(["impute", CLIRunner.dataset("survey.csv"), "--na", "-99", "--exclude", "respondent_id", "--quiet"])
        #expect(cli.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/completed.csv")) == cli.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))) as! [String: Any]
        #expect(report["rowsUsed"] as? Int == 497)
    }

    @Test func multipleImputationExampleOfLibraryMarkdown() throws {
        let printed = PrintedLines()
        try multipleImputationExample(printed: printed)
        let expected = Result { try DocumentedSwift.expectedOutput(of: "Docs/Library.md", block: 2) }
        #expect((try? expected.get()).map { OutputMatcher.matches(expected: $0, actual: printed.lines) } == true,
                "Docs/Library.md: \(expected.problem)the example prints\n\(printed.lines.joined(separator: "\n"))")
    }

    @Test func exampleOfReadme() throws {
        let printed = PrintedLines()
        func print(_ items: Any..., separator: String = " ") { printed.append(items, separator: separator) }

        // docs:begin README.md
        let data = try IncompleteMatrix(rows: [[1.0, 2.0], [2.0, nil], [3.0, 7.0], [nil, 4.0], [5.0, 6.0]],
                                        columnNames: ["x", "y"])
        let fit = try GaussianEM().fit(data)
        print(fit.mean, fit.covariance.rows, fit.logLikelihood, fit.hasConverged)
        let completed = try fit.completed(data)  // a Matrix with the conditional means filled in
        print(completed.rows)
        // docs:end

        let expected = Result { try DocumentedSwift.expectedOutput(of: "README.md", block: 0) }
        #expect((try? expected.get()).map { OutputMatcher.matches(expected: $0, actual: printed.lines) } == true,
                "README.md: \(expected.problem)the example prints\n\(printed.lines.joined(separator: "\n"))")
    }

    /// The code above is the code in the documents.
    @Test(arguments: ["Docs/Library.md", "README.md"])
    func documentShowsTheTestedCode(_ file: String) throws {
        let regions = try DocumentedSwift.regions(for: file)
        let blocks = try DocumentedSwift.swiftBlocks(of: file)
        #expect(blocks.count == regions.count, "\(file) has \(blocks.count) swift block(s); this test has \(regions.count) region(s) for it")
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let imports = Set(source.components(separatedBy: "\n").filter { $0.hasPrefix("import ") })
        for (k, (block, region)) in zip(blocks, regions).enumerated() {
            for line in block.imports { #expect(imports.contains(line), "\(file) swift block \(k + 1): '\(line)' is not imported by the test") }
            #expect(block.code == region, """
                \(file) swift block \(k + 1) differs from Tests/CLITests/LibraryExampleTests.swift
                --- document
                \(block.code.joined(separator: "\n"))
                --- test
                \(region.joined(separator: "\n"))
                """)
        }
    }
}

// The second Swift block of Docs/Library.md: a function, called by csvExampleOfLibraryMarkdown.
// docs:begin Docs/Library.md
/// Imputes a CSV file as `emimpute impute --na -99 --exclude respondent_id` does: writes the
/// completed CSV (atomically) and the JSON report, and returns the fit.
func imputeSurvey(_ input: String, output: String, report: String) throws -> EMResult {
    var job = ImputationJob(input: input)
    job.reading.missingTokens += ["-99"]      // --na -99
    job.reading.excluded = ["respondent_id"]  // --exclude respondent_id

    // Pass 1 into per-pattern statistics, EM on them, pass 2 writing each completed row.
    let target = try OutputTarget.file(output)  // a temporary file, renamed by commit()
    let outcome: ImputationOutcome
    do {
        outcome = try job.run(writingTo: target)
        try target.commit()
    } catch {
        target.abandon()
        throw error
    }
    try OutputTarget.writeFile(report, contents: try outcome.report.json())
    guard case .gaussian(let fit) = outcome.fit else { fatalError("a normal model was asked for") }
    return fit
}
// docs:end

// The third Swift block of Docs/Library.md, run by multipleImputationExampleOfLibraryMarkdown.
func multipleImputationExample(printed: PrintedLines) throws {
    func print(_ items: Any...) { printed.append(items, separator: " ") }
    // docs:begin Docs/Library.md
    // 60 rows: y = 2 + 0.5x + noise, missing for a third of the rows with x > 10 (MAR).
    let x = (0..<60).map { Double($0 % 20) }
    let noise = (0..<60).map { Double(($0 * 37) % 11) / 5 - 1 }  // a fixed, irregular pattern
    let rows: [[Double?]] = (0..<60).map { i in
        let y = 2 + 0.5 * x[i] + noise[i]
        return [x[i], i % 3 == 0 && x[i] > 10 ? nil : y]
    }
    let data = try IncompleteMatrix(rows: rows, columnNames: ["x", "y"])
    let fit = try GaussianEM().fit(data)
    func fixed(_ v: Double) -> String { String(format: "%.4f", v) }

    let little = try LittleMCARTest(data, model: fit.model)
    print("Little: d2", fixed(little.statistic), "df", little.degreesOfFreedom, "p", fixed(little.pValue ?? .nan))
    let errors = try StandardErrors(data, model: fit.model)
    print("SE of the means:", errors.mean.map(fixed), "fraction missing:", errors.meanFractionMissing.map(fixed))

    var options = EMOptions()
    options.seed = 2026
    let imputations = try MultipleImputation(count: 5, options: options).impute(data, fit: fit)
    let completed = try imputations.completed(data)  // 5 matrices, observed cells untouched

    // Any complete-data analysis, pooled: here the slope of y ~ x.
    let fits = try completed.map { try LinearRegression($0, response: 1, predictors: [0]) }
    let slope = try RubinPooling.pool(estimates: fits.map { $0.coefficients[1] },
                                      variances: fits.map { $0.variances[1] },
                                      completeDataDegreesOfFreedom: Double(fits[0].residualDegreesOfFreedom))
    print("slope", fixed(slope.estimate), "SE", fixed(slope.standardError), "95%", fixed(slope.lowerBound95), fixed(slope.upperBound95))
    print("df", fixed(slope.degreesOfFreedom), "fmi", fixed(slope.fractionOfMissingInformation))
    // docs:end
}

extension Result where Failure == any Error {
    /// The error's description and a line break, or nothing.
    var problem: String {
        if case .failure(let error) = self { return "\(error)\n" }
        return ""
    }
}

/// Extraction of the Swift examples from the documents and from this file.
enum DocumentedSwift {
    struct Block {
        var imports: [String]
        var code: [String]
    }

    struct Missing: Error, CustomStringConvertible { let description: String }

    static func text(_ file: String) throws -> String {
        guard let text = DocumentationFiles.text(of: file) else { throw Missing(description: "\(file) cannot be read") }
        return text
    }

    /// The `swift` blocks of `file`, with their leading `import` lines split off.
    static func swiftBlocks(of file: String) throws -> [Block] {
        try fencedBlocks(in: text(file)).filter { $0.info == "swift" }.map { b in
            var lines = b.lines
            var imports: [String] = []
            while let first = lines.first, first.hasPrefix("import ") || (first.isEmpty && !imports.isEmpty) {
                if !first.isEmpty { imports.append(first) }
                lines.removeFirst()
            }
            return Block(imports: imports, code: trimBlankEnds(lines))
        }
    }

    /// The `text` block right after the `block`-th (0-based) `swift` block of `file`.
    static func expectedOutput(of file: String, block: Int) throws -> [String] {
        let all = try fencedBlocks(in: text(file))
        let swift = all.indices.filter { all[$0].info == "swift" }
        guard block < swift.count, swift[block] + 1 < all.count, all[swift[block] + 1].info == "text" else {
            throw Missing(description: "\(file): swift block \(block + 1) is not followed by a `text` block with its output")
        }
        return all[swift[block] + 1].lines
    }

    /// The `// docs:begin file` … `// docs:end` regions of this source file, dedented.
    static func regions(for file: String, source: String = #filePath) throws -> [[String]] {
        let lines = try String(contentsOfFile: source, encoding: .utf8).components(separatedBy: "\n")
        var regions: [[String]] = []
        var current: [String]?
        for line in lines {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "// docs:begin \(file)" { current = []; continue }
            if trimmed == "// docs:end", let c = current { regions.append(dedent(c)); current = nil; continue }
            current?.append(line)
        }
        return regions
    }

    static func dedent(_ lines: [String]) -> [String] {
        let indent = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return trimBlankEnds(lines.map { $0.trimmingCharacters(in: .whitespaces).isEmpty ? "" : String($0.dropFirst(indent)) })
    }

    static func trimBlankEnds(_ lines: [String]) -> [String] {
        var l = lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
        while l.first?.isEmpty == true { l.removeFirst() }
        while l.last?.isEmpty == true { l.removeLast() }
        return l
    }
}

extension LibraryExampleTests {
    @Test func mixtureAndTExampleOfLibraryMarkdown() throws {
        let printed = PrintedLines()
        func print(_ items: Any..., separator: String = " ") { printed.append(items, separator: separator) }

        // docs:begin Docs/Library.md
        // Two groups of rows (small and large), some cells missing, one row far out.
        let data = try IncompleteMatrix(
            rows: [
                [1.0, 2.1], [1.2, 2.0], [0.8, 1.7], [1.1, nil], [0.9, 1.9], [1.3, 2.4], [0.7, 1.6], [1.0, 2.2],
                [6.0, 8.1], [6.3, 8.4], [5.8, 7.7], [nil, 8.0], [6.1, 8.3], [5.7, 7.9], [6.4, 8.8], [6.2, nil],
                [1.05, 9.0],
            ],
            columnNames: ["size", "weight"])

        // A mixture of two normals; the best of five k-means++ starts is kept.
        var mixtureOptions = GaussianMixtureOptions()
        mixtureOptions.components = 2
        let mixture = try GaussianMixtureEM(options: mixtureOptions).fit(data)
        print("mixture: weights", mixture.model.weights.map { String(format: "%.3f", $0) }.sorted(),
              "BIC", String(format: "%.2f", mixture.bayesianInformationCriterion))
        for cell in mixture.imputedCells {  // each imputed cell with its row (0-based) and column
            print("imputed: row", cell.row, data.columnNames[cell.column], String(format: "%.3f", cell.value))
        }
        let moments = try mixture.model.conditionalMoments(row: [6.0, .nan])
        print("weight given size 6:", String(format: "%.3f ± %.3f", moments.mean[1], moments.standardDeviation[1]))

        // K chosen by BIC among 1…3.
        let selection = try GaussianMixtureEM(options: mixtureOptions).fitSelectingComponents(data, maxComponents: 3)
        print("BIC chooses K =", selection.best.model.componentCount, "of", selection.table.map(\.components))

        // A multivariate t: ν estimated by ECME, the outlying row weighted down.
        let t = try MultivariateTEM().fit(data)
        let row = t.mostDownweightedRows[0]
        print("t: ν =", String(format: "%.2f", t.degreesOfFreedom), "; most down-weighted: row", row.row,
              "weight", String(format: "%.3f", row.weight))
        // docs:end

        let expected = Result { try DocumentedSwift.expectedOutput(of: "Docs/Library.md", block: 3) }
        #expect((try? expected.get()).map { OutputMatcher.matches(expected: $0, actual: printed.lines) } == true,
                "Docs/Library.md: \(expected.problem)the example prints\n\(printed.lines.joined(separator: "\n"))")
        // The facts the document states about this example.
        #expect(selection.best.model.componentCount == 2)
        #expect(row.row == 16)
    }
}

extension LibraryExampleTests {
    @Test func analyticsExampleOfLibraryMarkdown() throws {
        let printed = PrintedLines()
        func print(_ items: Any..., separator: String = " ") { printed.append(items, separator: separator) }

        // docs:begin Docs/Library.md
        // A CSV held in memory, read by the rules of a file (an error names "<string>", the line
        // and the column); `CSVLoader.load(data:)` and `load(contentsOf:)` read Data and URLs.
        let csv = "site,x,y\nA,2.5,\nB,,4\nC,3.5,5\nD,4,7\nE,1,2.2\nF,5,8.1\nG,2,3.9\nH,6,9.5\n"
        let table = try CSVLoader.load(string: csv)
        defer { table.input.removeSpool() }  // the bytes were spooled to a temporary file
        print("modelled:", table.modelledNames, "text:", table.columns.filter { $0.kind == .text }.map(\.name))

        // A fit that its progress callback can stop: told every iteration of every start.
        var options = EMOptions()
        options.starts = 2
        let deadline = ContinuousClock.now + .seconds(600)
        let fit = try GaussianEM(options: options).fit(table.matrix) { _ in ContinuousClock.now < deadline }
        do {
            _ = try GaussianEM(options: options).fit(table.matrix) { $0.start < 1 }
        } catch EMError.cancelled(let start, let iteration) {
            print("cancelled in start", start, "after iteration", iteration)
        }

        // Warnings are typed: match their cases or codes, never their text.
        print("warnings:", fit.warnings.map(\.code.rawValue))
        for case .startsDisagree(let starts, _) in fit.warnings { print(starts, "starts disagree") }

        // The completed matrix as CSV, without the input file (`writeCSV(to:columnNames:)` for a file).
        let completed = try fit.completed(table.matrix)
        let text = try completed.csv(columnNames: table.matrix.columnNames)
        print(text.split(separator: "\n").prefix(3).joined(separator: " | "))

        // A model file, read back in one call and typed by its kind.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("model-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try ModelFile(table: table, result: fit).json().write(to: url, atomically: true, encoding: .utf8)
        if case .gaussian(let model) = try FittedModel(contentsOf: url) {
            var row = [3.0, Double.nan]
            try model.impute(row: &row)
            print("y given x = 3:", String(format: "%.3f", row[1]))
        }
        // docs:end

        let expected = Result { try DocumentedSwift.expectedOutput(of: "Docs/Library.md", block: 4) }
        #expect((try? expected.get()).map { OutputMatcher.matches(expected: $0, actual: printed.lines) } == true,
                "Docs/Library.md: \(expected.problem)the example prints\n\(printed.lines.joined(separator: "\n"))")
        // The facts the document states: the CSV reads back as the completed matrix, and the
        // imputation is the conditional mean μ_y + Σ_yx / Σ_xx · (3 − μ_x).
        let back = try CSVLoader.load(string: text)
        defer { back.input.removeSpool() }
        #expect(back.matrix.values == completed.storage)
        let (mean, cov) = (fit.mean, fit.covariance)
        let conditional = mean[1] + cov[1, 0] / cov[0, 0] * (3 - mean[0])
        #expect(printed.lines.last == "y given x = 3: " + String(format: "%.3f", conditional))
    }
}
