// When the observed-data likelihood is unbounded there is no MLE: EM's steps shrink
// geometrically as Σ collapses onto a singular matrix while ℓ keeps rising by O(1) per
// iteration. The engine must not call such a run converged and return the degenerate Σ;
// it must continue until Σ is numerically singular and report it.

import EMImputeCore
import Foundation
import Testing

@Suite("Unbounded likelihood")
struct UnboundedLikelihoodTests {
    static let cases: [(name: String, rows: [[Double]])] = [
        // Two complete rows in two dimensions: any two points lie on a line.
        ("two complete rows, p = 2", [[1, 2], [2, .nan], [3, 7], [.nan, 4]]),
        // x2 observed on two rows only: its regression on x1 fits them exactly.
        ("column observed twice, p = 2", {
            var g = TestRandom(seed: 121)
            return (0..<30).map { i in [g.normal(), i < 2 ? g.normal() : .nan] }
        }()),
    ]

    @Test("EM does not stop at a degenerate point: it reports the singular covariance",
          arguments: 0..<2, [EMOptions.Acceleration.none, .squarem])
    func unboundedLikelihoodIsReported(index: Int, acceleration: EMOptions.Acceleration) throws {
        let (name, rows) = Self.cases[index]
        var options = EMOptions()  // default tolerance
        options.acceleration = acceleration
        do {
            let fit = try GaussianEM(options: options).fit(incomplete(rows))
            let (converged, r, ll, steps) = (fit.hasConverged, fit.model.correlation[0, 1], fit.logLikelihood, fit.iterations)
            Issue.record("\(name): returned an estimate (converged: \(converged), correlation \(r), ℓ \(ll), \(steps) iterations)")
        } catch let EMError.singularCovariance(columns, _) {
            #expect(Set(columns) == ["V1", "V2"], "\(name): \(columns)")
        }
        // A ridge prior bounds the objective, and the fit converges.
        options.ridge = 1
        let fit = try GaussianEM(options: options).fit(incomplete(rows))
        #expect(fit.hasConverged, "\(name) with a ridge")
        #expect(naiveDeterminant(nested(fit.covariance)) > 0)
    }
}
