import EMImputeCore
import Foundation
import Testing
@testable import EMImputeIO

/// The pipeline as a library type (issue #12) on the streaming data path (issue #13): what the
/// report says of the imputed cells is what the CSV holds, for every model kind, with
/// rounding and clamping.
@Suite("Imputation job")
struct ImputationJobTests {
    /// 200 rows of three correlated columns (two of integers), a text column, cells missing.
    static func csv() -> String {
        var g = SplitMix64(seed: 7)
        func uniform() -> Double { Double(g.next() >> 11) / Double(1 << 53) }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
        var out = "id,a,b,c,label\n"
        for i in 0..<200 {
            let z = normal()
            let a = (10 + 3 * z + normal()).rounded(), b = (5 - 2 * z + normal()).rounded(), c = z + 0.5 * normal()
            let cells = [a, b, c].enumerated().map { j, v in uniform() < 0.2 + 0.05 * Double(j) ? "NA" : ShortestDecimal.format(v) }
            out += "r\(i),\(cells.joined(separator: ",")),\(i % 3 == 0 ? "x" : "y")\n"
        }
        return out
    }

    /// The imputed cells of the completed file, per modelled column, read back from its text.
    static func imputedCells(input: String, output: String, columns: [String]) throws -> [[Double]] {
        let before = input.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let after = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(before.count == after.count)
        return columns.map { name in
            let j = before[0].firstIndex { $0 == name }!
            return (1..<before.count).filter { before[$0][j] == "NA" }.map { Double(after[$0][j])! }
        }
    }

    @Test("the report's imputed-cell summaries and counts are those of the cells written", arguments: [
        (ImputationJob.Model.gaussian(EMOptions()), false),
        (ImputationJob.Model.gaussian(EMOptions()), true),
        (ImputationJob.Model.t(MultivariateTOptions()), true),
        (ImputationJob.Model.mixture({ var o = GaussianMixtureOptions(); o.components = 2; return o }(), selectingUpTo: nil), true),
    ])
    func reportDescribesTheWrittenCells(model: ImputationJob.Model, adjusts: Bool) throws {
        let text = Self.csv()
        let input = temporaryFile(text)
        let outputPath = input + ".out.csv"
        var job = ImputationJob(input: input, model: model)
        job.reading.excluded = ["id"]
        job.roundsIntegers = adjusts
        job.clampsToObservedRange = adjusts
        let output = try OutputTarget.file(outputPath)
        let outcome = try job.run(writingTo: output)
        try output.commit()
        let cells = try Self.imputedCells(input: text, output: outputPath, columns: ["a", "b", "c"])
        #expect(outcome.report.imputedCells == cells.map(\.count).reduce(0, +))
        for (k, name) in ["a", "b", "c"].enumerated() {
            let summary = try #require(outcome.report.columnSummary.first { $0.name == name })
            let mean = cells[k].reduce(0, +) / Double(cells[k].count)
            #expect(abs(summary.imputedMean! - mean) <= 1e-9 * max(1, abs(mean)), "\(name)")
            #expect(summary.missing == cells[k].count)
            if adjusts && k < 2 { #expect(cells[k].allSatisfy { $0 == $0.rounded() }, "\(name) rounded") }
        }
        // The text column and the identifiers pass through.
        #expect(outcome.report.options.textColumns == ["label"] && outcome.report.options.excludedColumns == ["id"])
        #expect(outcome.htmlReport().contains("<svg"))
    }

    @Test("a changed input between the two passes is refused, never half-written")
    func inputChangedBetweenPasses() throws {
        let text = Self.csv()
        let input = temporaryFile(text)
        let job = ImputationJob(input: input)
        let output = try OutputTarget.file(input + ".out.csv")
        defer { output.abandon() }
        // A fit whose progress callback edits the input: pass 2 then reads other bytes.
        var edited = false
        let error = #expect(throws: CSVError.self) {
            _ = try job.run(writingTo: output) { _ in
                guard !edited else { return }
                edited = true
                try? Data(text.replacingOccurrences(of: "r1,", with: "r9,").utf8).write(to: URL(fileURLWithPath: input))
            }
        }
        guard case .inputChanged? = error?.kind else { Issue.record("\(String(describing: error))"); return }
    }
}
