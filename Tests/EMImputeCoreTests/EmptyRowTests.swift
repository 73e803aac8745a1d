// Issue item 9: a row with nothing observed carries no information: it contributes nothing to
// ℓ, does not move the estimates, and is imputed with μ.

import EMImputeCore
import Foundation
import Testing

@Suite("Rows with nothing observed")
struct EmptyRowTests {
    @Test("they are imputed with μ and do not change μ, Σ or ℓ", arguments: [EMOptions.Acceleration.none, .squarem])
    func emptyRowsChangeNothing(acceleration: EMOptions.Acceleration) throws {
        let rows = mcarDataset(n: 150, p: 4, rate: 0.2, seed: 91)
        let empty = [Double](repeating: .nan, count: 4)
        let insertAt: Set<Int> = [0, 37, 38, 100, 152]  // positions in the padded data, incl. first and last
        var padded: [[Double]] = []
        var source = rows.makeIterator()
        for i in 0..<(rows.count + insertAt.count) {
            padded.append(insertAt.contains(i) ? empty : source.next()!)
        }
        #expect(padded.count == 155)

        var options = EMOptions()
        options.tolerance = 1e-12
        options.maxIterations = 100_000
        options.acceleration = acceleration
        let base = try GaussianEM(options: options).fit(incomplete(rows))
        let withEmpty = try GaussianEM(options: options).fit(incomplete(padded))

        #expect(withEmpty.rowsWithNothingObserved == 5)
        #expect(withEmpty.rowsUsed == 150)
        #expect(base.rowsWithNothingObserved == 0)
        #expect(withEmpty.warnings.contains { $0.code == .rowsWithNothingObserved })

        let sd = base.model.standardDeviations
        #expect(maxRelativeDifference(withEmpty.mean, base.mean, floor: sd) < 1e-12)
        #expect(maxScaledCovarianceDifference(nested(withEmpty.covariance), nested(base.covariance)) < 1e-12)
        #expect(relativeDifference(withEmpty.logLikelihood, base.logLikelihood) < 1e-13)
        // ℓ naively over the padded data (empty rows contribute 0) agrees as well.
        let naive = naiveLogLikelihood(padded, mean: withEmpty.mean, covariance: nested(withEmpty.covariance))
        #expect(relativeDifference(withEmpty.logLikelihood, naive) < 1e-10)

        let completedBase = try nested(base.completed(incomplete(rows)))
        let completed = try nested(withEmpty.completed(incomplete(padded)))
        var k = 0
        var worst = 0.0
        for i in padded.indices {
            if insertAt.contains(i) {
                worst = max(worst, maxRelativeDifference(completed[i], withEmpty.mean, floor: sd))
            } else {
                worst = max(worst, maxRelativeDifference(completed[i], completedBase[k], floor: sd))
                k += 1
            }
        }
        #expect(worst < 1e-10, "imputations differ by \(worst)")
        // Through the model, too.
        var row = empty
        try withEmpty.model.impute(row: &row)
        #expect(maxRelativeDifference(row, withEmpty.mean, floor: sd) < 1e-14)
    }
}
