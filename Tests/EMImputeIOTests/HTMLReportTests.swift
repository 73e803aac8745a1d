import EMImputeCore
import Foundation
import Testing
import EMImputeIO

@Suite("HTML report")
struct HTMLReportTests {
    /// A small CSV with three missingness patterns, a text column and a hostile column name.
    static let csv = #"""
        id,"a<b&""c""",y,z
        r1,1.5,2.0,10
        r2,2.5,,11
        r3,3.0,4.5,9
        r4,,5.0,14
        r5,4.5,6.0,12
        r6,5.0,,13
        r7,6.5,7.5,15
        r8,7.0,8.0,16
        r9,,9.5,15
        r10,8.5,9.0,18

        """#

    /// Loads `csv` from a file at `path` (created here), fits it and renders the page, with the
    /// imputed cells adjusted as `impute --round-integers`/`--clamp` would.
    static func render(_ csv: String, path: String? = nil, options: EMOptions = EMOptions(),
                       roundIntegers: Bool = false, clamp: Bool = false, remedy: ((ReportWarning) -> String)? = nil)
        throws -> (page: String, table: LoadedTable, report: ImputationReport) {
        let file = path ?? NSTemporaryDirectory() + "/emimpute-html-\(UUID().uuidString).csv"
        FileManager.default.createFile(atPath: file, contents: Data(csv.utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let table = try CSVLoader.load(file)
        var job = ImputationJob(input: file, model: .gaussian(options))
        job.roundsIntegers = roundIntegers
        job.clampsToObservedRange = clamp
        let output = try OutputTarget.file(file + ".completed.csv")
        defer { output.abandon() }
        var outcome = try job.run(writingTo: output)
        if let remedy { outcome.report.setRemedies(remedy) }
        return (outcome.htmlReport(), table, outcome.report)
    }

    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// The markup of the `<svg>` element with the given id.
    static func svg(_ id: String, in page: String) -> String? {
        guard let start = page.range(of: "<svg id=\"\(id)\""),
              let end = page.range(of: "</svg>", range: start.upperBound..<page.endIndex) else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }

    @Test func pageIsSelfContained() throws {
        let page = try Self.render(Self.csv).page
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.hasSuffix("</html>\n"))
        let lower = page.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("http://"))
        #expect(!lower.contains("https://"))
        #expect(!lower.contains("<link"))
        #expect(!lower.contains("<img"))
        #expect(!lower.contains("<iframe"))
        #expect(!lower.contains("@import"))
        #expect(!lower.contains(" src="))
        // Every href or url() is a same-document fragment.
        #expect(Self.count("url(", in: lower) == Self.count("url(#", in: lower))
        #expect(Self.count("href=", in: lower) == Self.count("href=\"#", in: lower))
        #expect(lower.contains("<style>"))
        #expect(lower.contains("@media print"))
    }

    @Test func pageHasTheFourCharts() throws {
        let page = try Self.render(Self.csv).page
        for id in ["convergence", "convergence-change", "missingness", "distributions", "correlation", "overimputation-chart"] {
            #expect(Self.count("<svg id=\"\(id)\"", in: page) == 1, "chart \(id)")
            #expect(Self.svg(id, in: page) != nil, "chart \(id) is closed")
        }
        #expect(Self.count("<svg", in: page) == 6)
        #expect(Self.count("</svg>", in: page) == 6)
    }

    @Test func userTextIsEscaped() throws {
        let dir = NSTemporaryDirectory() + "/emimpute <&> \"html\" \(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (page, table, _) = try Self.render(Self.csv, path: dir + "/in'put.csv")
        #expect(table.modelledNames.first == "a<b&\"c\"")
        #expect(!page.contains("a<b&\"c\""))
        #expect(page.contains("a&lt;b&amp;&quot;c&quot;"))
        // In every chart that names columns, and in the column table.
        for id in ["missingness", "distributions", "correlation"] {
            #expect(Self.svg(id, in: page)?.contains("a&lt;b&amp;&quot;c&quot;") == true, "chart \(id)")
        }
        #expect(!page.contains("<&>"))
        #expect(page.contains("emimpute &lt;&amp;&gt; &quot;html&quot;"))
        #expect(page.contains("in&#39;put.csv"))
    }

    @Test func longColumnNamesAreTruncatedWithTheFullNameAsATooltip() throws {
        let long = "a_remarkably_long_column_name_that_will_not_fit_anywhere"
        let (page, _, _) = try Self.render(Self.csv.replacingOccurrences(of: ",y,z\n", with: ",\(long),z\n"))
        let map = try #require(Self.svg("missingness", in: page))
        #expect(map.contains("<title>\(long)</title>"))
        #expect(map.contains("a_remarkably_long_c…"))
        #expect(!map.contains(">\(long)</text>"))
    }

    @Test func missingnessMapHasOneRowPerPattern() throws {
        let (page, table, report) = try Self.render(Self.csv)
        #expect(report.patterns.count == 3)
        #expect(Self.count("class=\"pattern-row\"", in: page) == report.patterns.count)
        let map = try #require(Self.svg("missingness", in: page))
        // One cell per pattern and modelled column; missing cells match the patterns.
        let p = table.modelledNames.count
        #expect(Self.count("class=\"cell-observed\"", in: map) + Self.count("class=\"cell-missing\"", in: map) == 3 * p)
        #expect(Self.count("class=\"cell-missing\"", in: map) == report.patterns.reduce(0) { $0 + $1.missing.count })
        #expect(!page.contains("more patterns"))
    }

    @Test func missingnessMapIsCappedWithANote() throws {
        // 8 columns with about a third of the cells missing at random: far more than 60 patterns.
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var csv = (1...8).map { "v\($0)" }.joined(separator: ",") + "\n"
        for _ in 0..<400 {
            csv += (0..<8).map { _ in next() < 0.3 ? "NA" : String(format: "%.3f", next() * 10) }.joined(separator: ",") + "\n"
        }
        let (page, _, report) = try Self.render(csv, options: { var o = EMOptions(); o.maxIterations = 50; return o }())
        try #require(report.patterns.count > HTMLReport.maximumPatternRows)
        #expect(Self.count("class=\"pattern-row\"", in: page) == HTMLReport.maximumPatternRows)
        #expect(page.contains("+\(report.patterns.count - HTMLReport.maximumPatternRows) more patterns"))
    }

    @Test func distributionsHaveOnePanelPerColumnWithEveryValueBinned() throws {
        let (page, _, report) = try Self.render(Self.csv)
        let chart = try #require(Self.svg("distributions", in: page))
        let modelled = report.columnSummary.filter { $0.type == .numeric }
        #expect(Self.count("class=\"histogram\"", in: chart) == modelled.count)
        for c in modelled {
            // The counts come from the binning pass: every observed and imputed value lands in a bin.
            #expect(chart.contains("\(c.observed) observed · \(c.missing) imputed"), "column \(c.name)")
        }
        #expect(Self.count("class=\"hist-imputed\"", in: chart) == modelled.filter { $0.missing > 0 }.count)
        #expect(Self.count("class=\"hist-observed\"", in: chart) == modelled.count)
    }

    /// The nonzero bars of a histogram step path ("M x,y0 V y H x … V y0 Z") as pixel
    /// intervals [left, right].
    static func bars(_ path: String) -> [ClosedRange<Double>] {
        var numbers: [(Character, Double)] = []
        var command: Character = " ", text = ""
        for ch in path + "Z" {
            if ch.isLetter || ch == "," {
                if let v = Double(text) { numbers.append((command, v)) }
                text = ""
                if ch.isLetter { command = ch }
            } else {
                text.append(ch)
            }
        }
        guard numbers.count >= 2, numbers[0].0 == "M" else { return [] }
        var x = numbers[0].1
        let baseline = numbers[1].1
        var height = baseline
        var out: [ClosedRange<Double>] = []
        for (c, v) in numbers.dropFirst(2) {
            if c == "V" { height = v } else if c == "H" {
                if height != baseline { out.append(x...v) }
                x = v
            }
        }
        return out
    }

    /// The `d` of the first path with class `cls` in the panel of column `j`.
    static func histogramPath(_ cls: String, column j: Int, in chart: String) -> String? {
        guard let panel = chart.range(of: "<g class=\"histogram\" data-column=\"\(j)\""),
              let end = chart.range(of: "</g>", range: panel.upperBound..<chart.endIndex),
              let path = chart.range(of: "<path class=\"\(cls)\" d=\"", range: panel.upperBound..<end.lowerBound),
              let close = chart.range(of: "\"", range: path.upperBound..<end.lowerBound) else { return nil }
        return String(chart[path.upperBound..<close.lowerBound])
    }

    // Issue 11, item 16 — fails on the old code, whose histograms binned the conditional
    // means even when the CSV and the JSON report had the clamped values.
    @Test func histogramsShowTheWrittenValues() throws {
        // b ≈ 2a; the rows missing a have b far outside 2…20, so E[a | b] leaves a's observed
        // range 1…10 on both sides.
        var csv = "a,b\n"
        for a in 1...10 { csv += "\(a),\(Double(2 * a) + (a % 2 == 0 ? 0.3 : -0.3))\n" }
        csv += ",60\n,-30\n,55\n"
        // The bins span a's observed range; imputations beyond it are counted in the end bins
        // and said in a note under the panel.
        func outsideNote(clamp: Bool) throws -> Bool {
            let (page, _, report) = try Self.render(csv, clamp: clamp)
            #expect(report.options.clampToObservedRange == clamp)
            let chart = try #require(Self.svg("distributions", in: page))
            let imputed = Self.bars(try #require(Self.histogramPath("hist-imputed", column: 0, in: chart)))
            try #require(!imputed.isEmpty)
            return chart.contains("1 imputed below, 2 above the observed range")
        }
        // Control: without --clamp the imputations do lie outside (E[a | b=-30] < 1; 60 and 55 give a > 10).
        #expect(try outsideNote(clamp: false))
        #expect(try !outsideNote(clamp: true))
        let page = try Self.render(csv, clamp: true).page
        #expect(page.contains("Imputed values are shown as written: conditional means, then clamped to the observed range"))
    }

    @Test func correlationHeatmapHasACellPerPairWithValues() throws {
        let (page, _, report) = try Self.render(Self.csv)
        let chart = try #require(Self.svg("correlation", in: page))
        let p = report.columns.count
        #expect(Self.count(": r = ", in: chart) == p * p)
        // p ≤ 15: the values are printed, the diagonal as 1.00.
        #expect(Self.count(">1.00</text>", in: chart) == p)
        let r01 = String(format: "%.2f", report.correlation[0][1]).replacingOccurrences(of: "-", with: "−")
        #expect(chart.contains(">\(r01)</text>"))
    }

    @Test func warningsAreShownWithRemedies() throws {
        var options = EMOptions()
        options.maxIterations = 2
        let (page, _, report) = try Self.render(Self.csv, options: options, remedy: { "do something about \($0.code)" })
        try #require(!report.warnings.isEmpty)
        #expect(Self.count("<div class=\"warning\"", in: page) == report.warnings.count)
        #expect(Self.count("Remedy: ", in: page) == report.warnings.count)
        #expect(page.contains("Remedy: do something about notConverged"))
        // Without a remedy from the writer of the report, the warning stands alone.
        let (bare, _, _) = try Self.render(Self.csv, options: options)
        #expect(Self.count("<div class=\"warning\"", in: bare) == report.warnings.count)
        #expect(!bare.contains("Remedy: "))
        #expect(page.contains("did not converge"))
        #expect(!page.contains("No warnings."))
    }

    @Test func convergenceChartsPlotEveryIteration() throws {
        let (page, _, report) = try Self.render(Self.csv)
        let likelihood = try #require(Self.svg("convergence", in: page))
        let change = try #require(Self.svg("convergence-change", in: page))
        // Up to 60 iterations every one is plotted (a precondition of the counts below).
        try #require(report.history.count <= 60)
        #expect(Self.count("<circle", in: likelihood) == report.history.count)
        #expect(Self.count("<circle", in: change) == report.history.filter { $0.maxAbsoluteChange > 0 }.count)
        #expect(change.contains("class=\"tolerance\""))
    }
}
