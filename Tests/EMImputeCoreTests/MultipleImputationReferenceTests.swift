// Pooling, Little's test and standard errors against independent implementations, whose
// outputs are committed in Tests/Reference (README there says how to regenerate them):
// R mice::pool on lm fits, a NumPy Little's test, and lavaan's saturated model with
// missing = "ml" and the observed (Hessian) information.

import EMImputeCore
import Foundation
import Testing

struct MIReference: Decodable {
    struct Pooling: Decodable {
        let formula: String
        let term: [String]
        let estimate, ubar, b, t, df, riv, lambda, fmi: [Double]
        let dfcom: [Double]
        let statistic: [Double]
        let p_value: [Double]
        let std_error: [Double]
        let lower95, upper95: [Double]
        enum CodingKeys: String, CodingKey {
            case formula, term, estimate, ubar, b, t, df, riv, lambda, fmi, dfcom, statistic, lower95, upper95
            case p_value = "p.value", std_error = "std.error"
        }
    }
    struct SE: Decodable {
        let dataset: String
        let columns: [String]
        let missingCodes: [String]
        let mean: [Double]
        let covariance: [[Double]]
        let meanStandardErrors: [Double]
        let covarianceStandardErrors: [[Double]]
    }
    let pooling: [Pooling]
    let standardErrors: [SE]
}

struct LittleReference: Decodable {
    struct Pattern: Decodable { let missing: [Int]; let rows: Int; let contribution: Double }
    struct Dataset: Decodable {
        let name: String
        let statistic: Double
        let degreesOfFreedom: Int
        let pValue: Double
        let patterns: [Pattern]
    }
    let datasets: [Dataset]
}

@Suite struct MultipleImputationReferenceTests {
    static func load<T: Decodable>(_ name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: repositoryRoot().appendingPathComponent("Tests/Reference/\(name)")))
    }

    static func relativeDifference(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    @Test("Rubin's rules with Barnard–Rubin df agree with mice::pool to 1e-8")
    func poolingMatchesMice() throws {
        let reference: MIReference = try Self.load("mi.reference.json")
        let columns = ["Ozone", "Solar.R", "Wind", "Temp", "Month", "Day"]
        let matrices = try (1...5).map { m in
            let data = try TestCSV.load(repositoryRoot().appendingPathComponent("Tests/Reference/mi/airquality-\(m).csv"),
                                        columns: columns, missingCodes: ["", "NA"])
            #expect(data.missingCount == 0)
            return try Matrix(rowCount: data.rowCount, columnCount: data.columnCount, storage: data.values)
        }
        var worst = 0.0
        for case let r in reference.pooling {
            let sides = r.formula.split(separator: "~")
            let response = columns.firstIndex(of: sides[0].trimmingCharacters(in: .whitespaces))!
            let predictors = sides[1].split(separator: "+").map { columns.firstIndex(of: $0.trimmingCharacters(in: .whitespaces))! }
            let pooled = try PooledAnalysis.regression(matrices, columnNames: columns, response: response, predictors: predictors)
            #expect(pooled.terms.map(\.name) == r.term)
            for (k, term) in pooled.terms.enumerated() {
                let e = term.estimate
                let pairs: [(Double, Double)] = [
                    (e.estimate, r.estimate[k]), (e.withinVariance, r.ubar[k]), (e.betweenVariance, r.b[k]), (e.totalVariance, r.t[k]),
                    (e.completeDataDegreesOfFreedom, r.dfcom[k]), (e.degreesOfFreedom, r.df[k]), (e.relativeIncreaseInVariance, r.riv[k]),
                    (e.proportionOfVarianceMissing, r.lambda[k]), (e.fractionOfMissingInformation, r.fmi[k]),
                    (e.standardError, r.std_error[k]), (e.tStatistic, r.statistic[k]), (e.pValue, r.p_value[k]),
                    (e.lowerBound95, r.lower95[k]), (e.upperBound95, r.upper95[k]),
                ]
                for (ours, theirs) in pairs {
                    let d = Self.relativeDifference(ours, theirs)
                    worst = max(worst, d)
                    #expect(d < 1e-8, "\(r.formula) \(term.name): \(ours) vs mice \(theirs)")
                }
            }
        }
        print("pooling vs mice::pool: largest relative difference \(worst)")
    }

    @Test("Little's d², df, p and per-pattern contributions agree with the NumPy reference to 1e-8",
          arguments: ["airquality", "penguins", "survey"])
    func littleMatchesNumPy(name: String) throws {
        let fixture = try ReferenceFixture.load(name)
        let reference: LittleReference = try Self.load("little.reference.json")
        let expected = try #require(reference.datasets.first { $0.name == name })
        let data = try TestCSV.load(repositoryRoot().appendingPathComponent(fixture.dataset), columns: fixture.columns,
                                    missingCodes: fixture.missingCodes)
        let model = try GaussianModel(columnNames: fixture.columns, mean: fixture.mean, covariance: Matrix(rows: fixture.covariance))
        let test = try LittleMCARTest(data, model: model)
        print("Little \(name): d² \(test.statistic) vs \(expected.statistic), relative difference \(Self.relativeDifference(test.statistic, expected.statistic))")
        #expect(Self.relativeDifference(test.statistic, expected.statistic) < 1e-8)
        #expect(test.degreesOfFreedom == expected.degreesOfFreedom)
        #expect(Self.relativeDifference(try #require(test.pValue), expected.pValue) < 1e-8)
        #expect(test.patterns.count == expected.patterns.count)
        for pattern in expected.patterns {
            let ours = try #require(test.patterns.first { $0.missingColumns == pattern.missing })
            #expect(ours.rowCount == pattern.rows)
            #expect(abs(ours.contribution - pattern.contribution) <= 1e-8 * max(1, abs(pattern.contribution)))
            #expect(!ours.usesPseudoInverse)
        }
    }

    @Test("Standard errors of μ and Σ agree with lavaan's observed information to 1e-5 relative", arguments: [0, 1])
    func standardErrorsMatchLavaan(index: Int) throws {
        let reference: MIReference = try Self.load("mi.reference.json")
        let r = reference.standardErrors[index]
        let data = try TestCSV.load(repositoryRoot().appendingPathComponent(r.dataset), columns: r.columns, missingCodes: r.missingCodes)
        // At lavaan's own estimates, so that only the information computation is compared.
        let model = try GaussianModel(columnNames: r.columns, mean: r.mean, covariance: Matrix(rows: r.covariance))
        let se = try StandardErrors(data, model: model)
        var worst = 0.0
        for j in r.columns.indices {
            worst = max(worst, Self.relativeDifference(se.mean[j], r.meanStandardErrors[j]))
            for k in r.columns.indices { worst = max(worst, Self.relativeDifference(se.covariance[j, k], r.covarianceStandardErrors[j][k])) }
        }
        print("standard errors vs lavaan (\(r.dataset)): largest relative difference \(worst)")
        #expect(worst < 1e-5)
        // Complete columns carry no missing information; an incomplete one does.
        #expect(se.meanFractionMissing.allSatisfy { $0 > -1e-9 && $0 < 1 })
    }
}
