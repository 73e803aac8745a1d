// Issue item 11: columns near the ends of the Double range. Multiplying a column by c scales
// its mean and scale by c and leaves every standardised quantity unchanged; Σⱼⱼ of a column
// of magnitude 1e300 overflows by design, so it is checked through scale and S.

import EMImputeCore
import Foundation
import Testing

@Suite("Extreme magnitudes")
struct ExtremeMagnitudeTests {
    static let big = 1e300, small = 1e-300

    @Test("columns × 1e300 and × 1e-300 fit, and the estimates scale accordingly")
    func extremeColumnsScale() throws {
        let rows = mcarDataset(n: 200, p: 3, rate: 0.2, seed: 111)
        let scaled = rows.map { [$0[0] * Self.big, $0[1] * Self.small, $0[2]] }
        #expect(scaled.allSatisfy { $0.allSatisfy { !$0.isInfinite } })
        #expect(scaled.contains { abs($0[0]) > 1e300 })

        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        let base = try GaussianEM(options: options).fit(incomplete(rows))
        let result = try GaussianEM(options: options).fit(incomplete(scaled))
        #expect(result.hasConverged)

        let factors = [Self.big, Self.small, 1]
        // μ scales with its column.
        for j in 0..<3 {
            let expected = base.mean[j] * factors[j]
            let tolerance = 1e-10 * max(abs(expected), base.model.standardDeviations[j] * factors[j])
            #expect(abs(result.mean[j] - expected) <= tolerance, "μ\(j): \(result.mean[j]) vs \(expected)")
        }
        // The scales carry the factor; S and the correlation matrix are unchanged.
        for j in 0..<3 {
            #expect(relativeDifference(result.model.scale[j], base.model.scale[j] * factors[j]) < 1e-12)
            #expect(relativeDifference(result.model.standardDeviations[j], base.model.standardDeviations[j] * factors[j]) < 1e-10)
        }
        let s0 = nested(base.model.standardizedCovariance), s1 = nested(result.model.standardizedCovariance)
        #expect(maxScaledCovarianceDifference(s1, s0) < 1e-10)
        let r0 = nested(base.model.correlation), r1 = nested(result.model.correlation)
        #expect(zip(r0.joined(), r1.joined()).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(r1.joined().allSatisfy { $0.isFinite })
        // The covariance of the column of magnitude 1e300 overflows by design; its covariance with
        // the 1e-300 column is of order 1 and must be finite and correct.
        let c0 = base.covariance, c1 = result.covariance
        #expect(c1[0, 0].isInfinite)
        #expect(abs(c1[0, 1] - c0[0, 1]) < 1e-10 * (c0[0, 0] * c0[1, 1]).squareRoot())
        #expect(abs(c1[2, 2] - c0[2, 2]) < 1e-10 * c0[2, 2])

        // ℓ shifts by the Jacobian: −Σⱼ n_obs,j log cⱼ.
        let observed = (0..<3).map { j in rows.filter { !$0[j].isNaN }.count }
        let expectedLL = base.logLikelihood - Double(observed[0]) * log(Self.big) - Double(observed[1]) * log(Self.small)
        let magnitude = abs(base.logLikelihood) + Double(observed[0] + observed[1]) * log(Self.big)
        #expect(abs(result.logLikelihood - expectedLL) < 1e-12 * magnitude,
                "ℓ \(result.logLikelihood) vs \(expectedLL)")
        #expect(result.isMonotone)

        // Imputations scale with their column.
        let i0 = try nested(base.completed(incomplete(rows))), i1 = try nested(result.completed(incomplete(scaled)))
        var worst = 0.0
        let sd = base.model.standardDeviations
        for i in rows.indices { for j in 0..<3 where rows[i][j].isNaN {
            #expect(i1[i][j].isFinite)
            worst = max(worst, abs(i1[i][j] / factors[j] - i0[i][j]) / sd[j])
        } }
        #expect(worst < 1e-9, "imputations differ by \(worst) sd")

        // The model imputes a fresh row at that magnitude, too.
        var row = [Double.nan, scaled[3][1].isNaN ? 0.5 * Self.small : scaled[3][1], 1.0]
        try result.model.impute(row: &row)
        #expect(row[0].isFinite && abs(row[0]) > 1e290)
    }
}
