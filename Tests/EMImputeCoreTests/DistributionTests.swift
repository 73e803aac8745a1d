// The special functions behind p-values and intervals, against closed forms and against
// SciPy 1.17.1 (an independent implementation: Cephes/Boost), to 1e-12 relative.

import EMImputeCore
import Foundation
import Testing

@Suite struct DistributionTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }

    @Test func incompleteBetaAndGammaMatchClosedForms() {
        // I_x(2, 3) = 6x² − 8x³ + 3x⁴; I_x(1, b) = 1 − (1 − x)^b.
        for x in [0.1, 0.5, 0.9] {
            #expect(Self.close(Distributions.regularizedIncompleteBeta(x, 2, 3), 6 * x * x - 8 * x * x * x + 3 * x * x * x * x))
            #expect(Self.close(Distributions.regularizedIncompleteBeta(x, 1, 4.5), 1 - pow(1 - x, 4.5)))
        }
        // Q(1, x) = e^{−x}; Q(½, x) = erfc(√x).
        for x in [0.2, 1.0, 7.5, 40.0] {
            #expect(Self.close(Distributions.regularizedUpperIncompleteGamma(1, x), exp(-x)))
            #expect(Self.close(Distributions.regularizedUpperIncompleteGamma(0.5, x), erfc(x.squareRoot()), 1e-11))
        }
        #expect(Distributions.regularizedIncompleteBeta(1.5, 1, 1).isNaN)
    }

    @Test func matchSciPy() {
        #expect(Self.close(Distributions.regularizedIncompleteBeta(0.3, 2.5, 0.5), 0.018927124071945658))
        #expect(Self.close(Distributions.regularizedIncompleteBeta(0.45, 30, 40), 0.6447480085585666))
        #expect(Self.close(Distributions.regularizedUpperIncompleteGamma(3.5, 2.0), 0.779777408475716))
        #expect(Self.close(Distributions.regularizedUpperIncompleteGamma(50, 60), 0.08440668109369177))
        #expect(Self.close(Distributions.studentTCumulative(2, degreesOfFreedom: 5), 0.9490302605850708))
        #expect(Self.close(Distributions.studentTCumulative(-1.3, degreesOfFreedom: 2.5), 0.15024339463535416))
        #expect(Self.close(Distributions.studentTTwoSidedPValue(3.1, degreesOfFreedom: 12.2), 0.009029248000127187))
        #expect(Self.close(Distributions.studentTQuantile(0.975, degreesOfFreedom: 10), 2.228138851986274))
        #expect(Self.close(Distributions.studentTQuantile(0.975, degreesOfFreedom: 3.5), 2.9400886379827282))
        #expect(Self.close(Distributions.studentTQuantile(0.975, degreesOfFreedom: 1), 12.706204736174694))
        #expect(Self.close(Distributions.studentTQuantile(0.025, degreesOfFreedom: 1e6), -1.959966356814107, 1e-10))
        #expect(Self.close(Distributions.chiSquareSurvival(35.1, degreesOfFreedom: 14), 0.0014207485279426352))
        #expect(Self.close(Distributions.chiSquareSurvival(0.5, degreesOfFreedom: 1), 0.47950012218695337))
        #expect(Self.close(Distributions.chiSquareSurvival(200, degreesOfFreedom: 150), 0.003973185970821635, 1e-11))
    }
}
