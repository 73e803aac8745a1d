@testable import emimpute
import EMImpute
import Foundation
import Testing

/// The library says what happened; the command adds the remedy in its own flags (`Remedy`).
@Suite("remedies are the command's")
struct RemedyMappingTests {
    /// Loads CSV text with the given options.
    private func load(_ csv: String, _ configure: (inout CSVReadOptions) -> Void = { _ in }) throws -> LoadedTable {
        var options = CSVReadOptions()
        configure(&options)
        return try CSVLoader.load(string: csv, options: options)
    }

    /// The report of an `ImputationJob` on `csv`.
    private func report(_ csv: String, options: EMOptions = EMOptions(), delimiter: UInt8 = UInt8(ascii: ",")) throws -> ImputationReport {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var job = ImputationJob(input: CLIRunner.write(csv, in: folder, name: "in.csv"), model: .gaussian(options))
        job.reading.delimiter = delimiter
        let output = try OutputTarget.file(folder + "/out.csv")
        defer { output.abandon() }
        return try job.run(writingTo: output).report
    }

    private func csvError(_ body: () throws -> Void) -> CSVError? {
        do { try body(); return nil } catch let e as CSVError { return e } catch { return nil }
    }

    @Test func aFitErrorGetsItsFlagRemedy() {
        #expect(Remedy.text(for: EMError.constantColumn(column: "b")) == "drop the column (--exclude b); a constant carries no information to impute with")
        #expect(!Remedy.text(for: EMError.tooFewRows(rows: 1, columns: 2)).contains("ridge"), "a prior does not help one row")
        #expect(Remedy.text(for: EMError.tooFewRows(rows: 5, columns: 9)).contains("--ridge 1"))
    }

    @Test func warningsGetTheirFlagRemedies() {
        #expect(Remedy.text(for: EMWarning.notConverged(model: .t, maxIterations: 5, tolerance: 1e-8)).contains("--df"))
        #expect(Remedy.text(for: EMWarning.notConverged(model: .gaussian, maxIterations: 5, tolerance: 1e-8)).contains("--ridge"))
        #expect(Remedy.text(for: EMWarning.identifierLikeColumn(column: "id", rows: 30)).contains("--exclude id"))
        #expect(Remedy.text(for: EMWarning.emptyComponents(components: [3], fitted: 3)).contains("--components 2"))
        #expect(Remedy.text(for: ReportWarning.adjustedImputations(roundedColumns: ["x"], clamped: true)).contains("--clamp"))
    }

    /// A remedy that shows a code or a name quotes it for the shell (`--na 'n'a'` was broken).
    @Test func remediesQuoteForTheShell() throws {
        #expect(ShellQuoting.quoted("n'a") == "'n'\\''a'")
        let error = try #require(csvError { _ = try load("x,y\n1,2\n2,n'a\n3,4\n") })
        #expect(Remedy.text(for: error).contains("add --na 'n'\\''a'"))
        let six = "x,y\n" + (0..<10).map { "\($0 < 6 ? "n/a" : String($0)),\($0)" }.joined(separator: "\n") + "\n"
        let warning = try #require(try load(six).warnings.first)
        #expect(Remedy.text(for: warning).contains("--na 'n/a'"))
    }

    /// The remedies the reader's errors used to carry in their descriptions.
    @Test func readerErrorsGetTheCommandsRemedies() throws {
        let stray = try #require(csvError { _ = try load("a,b\n1,2\n3,4\n5,unknown\n7,8\n9,1e400\n") })
        #expect(Remedy.text(for: stray) == "If these are missing-value codes add --na 'unknown'; otherwise leave the column out with --exclude 'b'.")
        let changed = CSVError(file: "d.csv", kind: .inputChanged(.resized(from: 26, to: 12)))
        #expect(Remedy.text(for: changed) == "Run again once nothing is writing to the file, or work on a copy.")
        let spool = CSVError(file: "<stdin>", kind: .cannotSpool(folder: "/nonexistent/", reason: "No such file or directory"))
        #expect(Remedy.text(for: spool).hasPrefix("Set TMPDIR to a writable folder with room for the input"))
        let applying = CSVError(file: "in.csv", line: 2, column: 1, kind: stray.kind, canLeaveColumnOut: false)
        #expect(Remedy.text(for: applying) == "If these are missing-value codes add --na 'unknown'; otherwise fit the model again without that column.")
    }

    /// A cell that cannot be typed as a code is not offered as one.
    @Test func anInvisibleCharacterIsNotOfferedAsACode() throws {
        let error = try #require(csvError { _ = try CSVLoader.load(data: Data(Array("x,y\n1,".utf8) + [0xEF, 0xBB, 0xBF] + Array("2\n2,3\n3,4\n".utf8))) })
        #expect(!Remedy.text(for: error).contains("--na"))
        let comma = try #require(csvError { _ = try load("x;y\n1;1\n2;2\n3,5;3\n") { $0.delimiter = UInt8(ascii: ";") } })
        #expect(!Remedy.text(for: comma).contains("--na"))
        #expect(Remedy.text(for: comma).contains("decimal point"))
    }

    /// The loader's warning reaches the summary and `describe`, with the command's remedy.
    @Test func theReadersWarningIsInTheSummaryAndInDescribe() throws {
        let csv = "x;y;z\n1,5;2;1\n2,5;3;2\n;5;4\n4,1;4;3\n5,2;7;9\n"
        let t = try load(csv) { $0.delimiter = UInt8(ascii: ";") }
        let report = try report(csv, delimiter: UInt8(ascii: ";"))
        #expect(TextSummary.impute(report).contains("warning: column 'x' (column 1) was read as text"))
        #expect(TextSummary.describe(t).contains("warning: column 'x' (column 1) was read as text"))
        #expect(TextSummary.describe(t).contains("remedy: write the numbers with a decimal point"))
        #expect(TableDescription(t).warnings.map(\.code) == ["textLooksNumeric"])
        #expect(TableDescription(t).warnings.first?.remedy.contains("--exclude 'x'") == true)
    }

    /// The JSON report's remedies are the command's once set; the library leaves them empty.
    @Test func theReportCarriesTheCommandsRemedies() throws {
        var options = EMOptions()
        options.ridge = 1
        var report = try report("id,x\n1,1\n2,\n3,3\n4,2\n5,5\n", options: options)
        #expect(report.warnings.map(\.code) == ["ridgePosteriorMode"])
        #expect(report.warnings.allSatisfy { $0.remedy.isEmpty })
        report.setRemedies(Remedy.text(for:))
        #expect(report.warnings.map(\.remedy) == ["use --ridge 0 for the MLE when the data identify the model"])
        #expect(try report.json().contains(#""remedy" : "use --ridge 0 for the MLE when the data identify the model""#))
    }

    /// Old: the grid printed the name raw, escape code and line break included.
    @Test func describePrintsNoRawControlsFromNames() throws {
        let t = try load("\"bad\u{1B}[2Jname\",\"two\nlines\",\"zero\u{200B}width\"\n1,2,3\n,5,6\n")
        let text = TextSummary.describe(t)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!text.unicodeScalars.contains("\u{200B}"))
        #expect(text.contains("bad\\x1B[2Jname"))
        #expect(text.contains("two\\x0Alines"))
        #expect(text.contains("zero<U+200B>width"))
        // One line per column in the table: the name's line break did not split a row.
        let rows = text.split(separator: "\n").filter { $0.contains(" numeric ") }
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.hasPrefix("bad") || $0.hasPrefix("two") || $0.hasPrefix("zero") })
    }
}
