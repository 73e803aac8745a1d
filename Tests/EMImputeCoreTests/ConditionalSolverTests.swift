// The per-pattern conditional solve (issue #13, EM speed): C = K_mm⁻¹ and log det K_mm by
// bordering with the prefixes of the previous pattern kept, against the covariance-side
// formula Cov[x_m | x_o] = Σ_mm − Σ_mo Σ_oo⁻¹ Σ_om and log det Σ_oo = log det Σ + log det K_mm
// computed naively (Gauss–Jordan), on well- and ill-conditioned Σ, short and long patterns,
// in sorted and random order, and checks that a result never depends on what was solved before.

import Foundation
import Testing

@testable import EMImputeCore

@Suite("Conditional solver")
struct ConditionalSolverTests {
    /// C and log det K_mm from Σ alone, without the precision matrix.
    private func reference(_ sigma: [[Double]], missing m: [Int]) -> (c: [[Double]], logDetKmm: Double) {
        let p = sigma.count
        let o = (0..<p).filter { !m.contains($0) }
        let logDetSigma = naiveInverse(sigma)!.logAbsDeterminant
        guard !o.isEmpty else { return (submatrix(sigma, m, m), -logDetSigma) }
        let soo = naiveInverse(submatrix(sigma, o, o))!
        let smo = submatrix(sigma, m, o)
        let correction = matMul(matMul(smo, soo.inverse), transpose(smo))
        let smm = submatrix(sigma, m, m)
        let c = (0..<m.count).map { a in (0..<m.count).map { b in smm[a][b] - correction[a][b] } }
        // log det Σ_oo = log det Σ + log det K_mm.
        return (c, soo.logAbsDeterminant - logDetSigma)
    }

    private func solved(_ solver: inout ConditionalSolver, _ k: [Double], _ m: [Int]) -> (c: [[Double]], logDet: Double)? {
        let ok = k.withUnsafeBufferPointer { kb in m.withUnsafeBufferPointer { solver.solve(precision: kb.baseAddress!, missing: $0) } }
        guard ok else { return nil }
        let nm = m.count
        let c = (0..<nm).map { a in (0..<nm).map { b in solver.conditionalCovariance[a * nm + b] } }
        return (c, solver.logDeterminantKmm)
    }

    /// Largest entry difference relative to the largest entry of the reference.
    private func difference(_ a: [[Double]], _ b: [[Double]]) -> Double {
        let scale = b.joined().map(abs).max() ?? 1
        return zip(a.joined(), b.joined()).map { abs($0 - $1) }.max().map { $0 / scale } ?? 0
    }

    private func precision(of sigma: [[Double]]) -> [Double] {
        Array(naiveInverse(sigma)!.inverse.joined())
    }

    private func randomPatterns(p: Int, count: Int, using g: inout TestRandom) -> [[Int]] {
        (0..<count).map { _ in
            let size = 1 + Int(g.uniform() * Double(p))
            return Array((0..<p).shuffled(using: &g).prefix(min(size, p))).sorted()
        }
    }

    @Test("C and log det K_mm equal the covariance-side formula, in any order; none depends on the solves before")
    func matchesTheCovarianceFormula() throws {
        var g = TestRandom(seed: 31)
        let p = 9
        let sigma = randomCovariance(p: p, using: &g)
        let k = precision(of: sigma)
        var patterns = randomPatterns(p: p, count: 200, using: &g)
        patterns += [[0], [p - 1], Array(0..<p), Array(1..<p), Array(0..<(p - 1))]
        var solver = ConditionalSolver(columnCount: p)
        var first: [[Int]: (c: [[Double]], logDet: Double)] = [:]
        for order in [patterns, patterns.sorted { $0.lexicographicallyPrecedes($1) }, patterns.reversed()] {
            for m in order {
                let got = try #require(solved(&solver, k, m))
                let want = reference(sigma, missing: m)
                #expect(difference(got.c, want.c) < 1e-10, "\(m)")
                #expect(abs(got.logDet - want.logDetKmm) < 1e-10 * max(1, abs(want.logDetKmm)), "\(m)")
                // Bit for bit the same whatever came before (so threads cannot change results).
                if let earlier = first[m] {
                    #expect(earlier.c == got.c && earlier.logDet == got.logDet, "\(m)")
                } else {
                    first[m] = got
                }
                var fresh = ConditionalSolver(columnCount: p)
                let alone = try #require(solved(&fresh, k, m))
                #expect(alone.c == got.c && alone.logDet == got.logDet, "\(m)")
            }
        }
    }

    @Test("ill-conditioned but valid Σ: still the covariance-side values, to the accuracy the conditioning allows")
    func illConditioned() throws {
        // AR(1) with ρ = 0.999: condition number ≈ 4·10⁶ at p = 8.
        let p = 8
        let sigma = (0..<p).map { i in (0..<p).map { j in pow(0.999, Double(abs(i - j))) } }
        let k = precision(of: sigma)
        var g = TestRandom(seed: 32)
        var solver = ConditionalSolver(columnCount: p)
        for m in randomPatterns(p: p, count: 150, using: &g).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let got = try #require(solved(&solver, k, m))
            let want = reference(sigma, missing: m)
            #expect(difference(got.c, want.c) < 1e-7, "\(m): \(difference(got.c, want.c))")
            #expect(abs(got.logDet - want.logDetKmm) < 1e-7 * max(1, abs(want.logDetKmm)), "\(m)")
        }
    }

    @Test("patterns longer than the kept prefixes are factorised directly, with the same results")
    func longPatterns() throws {
        var g = TestRandom(seed: 33)
        let p = ConditionalSolver.cachedDepth + 6
        let sigma = randomCovariance(p: p, using: &g, ridge: 1)
        let k = precision(of: sigma)
        var solver = ConditionalSolver(columnCount: p)
        for size in [ConditionalSolver.cachedDepth - 1, ConditionalSolver.cachedDepth, ConditionalSolver.cachedDepth + 1, p - 1, p] {
            let m = Array((0..<p).shuffled(using: &g).prefix(size)).sorted()
            let got = try #require(solved(&solver, k, m))
            let want = reference(sigma, missing: m)
            #expect(difference(got.c, want.c) < 1e-10, "|m| = \(size): \(difference(got.c, want.c))")
            #expect(abs(got.logDet - want.logDetKmm) < 1e-10 * max(1, abs(want.logDetKmm)), "|m| = \(size)")
        }
    }

    @Test("a K_mm that is not positive definite fails, and the next solve is unaffected")
    func failureLeavesNoTrace() throws {
        // Columns 0 and 1 of K equal (K singular on {0, 1}); column 2 independent.
        let k: [Double] = [1, 1, 0,
                           1, 1, 0,
                           0, 0, 2]
        var solver = ConditionalSolver(columnCount: 3)
        #expect(solved(&solver, k, [0]) != nil)
        #expect(solved(&solver, k, [0, 1]) == nil)
        #expect(solved(&solver, k, [0, 1, 2]) == nil)
        let after = try #require(solved(&solver, k, [0, 2]))
        var fresh = ConditionalSolver(columnCount: 3)
        let alone = try #require(solved(&fresh, k, [0, 2]))
        #expect(after.c == alone.c && after.logDet == alone.logDet)
        #expect(after.c == [[1, 0], [0, 0.5]])
    }
}
