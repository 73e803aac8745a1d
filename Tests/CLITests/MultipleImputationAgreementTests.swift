// `impute --imputations M` streams (pass 1, one pass into the Bayesian-bootstrap sums of all M
// refits, pass 2) while the library's `MultipleImputation` works on a matrix in memory: both
// must draw the same bits from the same fit, for any thread count.

import EMImpute
import Foundation
import Testing

@Suite struct MultipleImputationAgreementTests {
    /// 600 rows of 6 correlated columns (exact eighths) with frequent patterns and rare ones
    /// (one or two rows: their refits walk the rows), and one row with nothing observed.
    static func rows() -> [[Double?]] {
        var state: UInt64 = 12345
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int(state >> 40) % 4001 - 2000) / 200
        }
        return (0..<600).map { i in
            let f = next(), g = next()
            let values = (0..<6).map { j in ((f * Double(j + 1) + g * Double(j % 3) + next()) * 8).rounded() / 8 + 10 * Double(j) }
            var row: [Double?] = values
            if i % 7 == 0 { row[1] = nil }
            if i % 11 == 0 { row[3] = nil }
            if i % 13 == 0 { row[4] = nil; row[5] = nil }
            if i == 5 { row = [nil, values[1], values[2], values[3], values[4], values[5]] }
            if i == 17 || i == 18 { row = [values[0], values[1], nil, values[3], nil, values[5]] }
            if i == 40 { row = [nil, nil, nil, nil, nil, nil] }
            return row
        }
    }

    @Test("The CLI's streamed draws equal the library's draws on the loaded matrix bit for bit, for 1 and 3 threads")
    func cliDrawsEqualLibraryDraws() throws {
        let rows = Self.rows()
        let names = ["a", "b", "c", "d", "e", "f"]
        let folder = try CLIRunner.temporaryFolder()
        var text = names.joined(separator: ",") + "\n"
        for row in rows { text += row.map { $0.map { "\($0)" } ?? "NA" }.joined(separator: ",") + "\n" }
        try text.write(toFile: folder + "/in.csv", atomically: true, encoding: .utf8)

        let data = try IncompleteMatrix(rows: rows, columnNames: names)
        var options = EMOptions()
        options.seed = 77
        // The CLI fits pass 1's per-pattern statistics.
        let fit = try GaussianEM(options: options).fit(PatternStatistics(data))
        let library = try MultipleImputation(count: 3, options: options).impute(data, fit: fit)

        for threads in ["1", "3"] {
            let r = try CLIRunner.run(["impute", folder + "/in.csv", "--imputations", "3", "--seed", "77", "--threads", threads,
                                       "-q", "-o", folder + "/out\(threads).csv"])
            #expect(r.status == 0, "\(r.stderr)")
            for m in 1...3 {
                let lines = try String(contentsOfFile: folder + "/out\(threads)-\(m).csv", encoding: .utf8).split(separator: "\n").dropFirst()
                // Each written missing cell against the library's cell at the same (row, column).
                let expected = library.imputations[m - 1].imputedCells
                var drawnCount = 0
                for (i, line) in lines.enumerated() {
                    let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                    for j in 0..<6 where rows[i][j] == nil {
                        drawnCount += 1
                        #expect(Double(fields[j])!.bitPattern == expected[row: i, column: j]?.bitPattern,
                                "imputation \(m), \(threads) thread(s), row \(i), column \(j)")
                    }
                }
                #expect(drawnCount == expected.count)
            }
        }
        // A control: the draws do depend on the seed.
        options.seed = 78
        let other = try MultipleImputation(count: 3, options: options).impute(data, fit: fit)
        #expect(other.imputations[0].imputedCells.map(\.value) != library.imputations[0].imputedCells.map(\.value))
    }
}
