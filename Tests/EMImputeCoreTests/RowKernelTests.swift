// The mixture and t E-steps' row kernels (issue 16, iteration cost): the SIMD2 loops give the
// scalar definitions for every length from 0 to 13 (the pairs, the four-value steps and an odd
// last value), and the batched completion of a run of rows of several patterns (|m| = 0, 1, 2,
// 3 and a pattern per row) gives, row by row, what the one-row completion gives.

import Foundation
import Testing

@testable import EMImputeCore

@Suite("Row kernels of the mixture and t E-steps")
struct RowKernelTests {
    @Test("deviations, dot and scale equal their scalar definitions for lengths 0 to 13")
    func kernelsMatchScalarLoops() {
        var generator = SeededGenerator(seed: 16)
        for n in 0...13 {
            let x = (0..<n).map { j in j % 3 == 1 ? Double.nan : generator.nextNormal() }
            let mu = (0..<n).map { _ in generator.nextNormal() }
            var z = [Double](repeating: 7, count: n + 1), v = [Double](repeating: 7, count: n + 1)
            x.withUnsafeBufferPointer { xb in
                mu.withUnsafeBufferPointer { mb in
                    z.withUnsafeMutableBufferPointer { zb in
                        v.withUnsafeMutableBufferPointer { vb in
                            RowKernels.deviations(xb.baseAddress!, from: mb.baseAddress!, into: zb.baseAddress!, zeroing: vb.baseAddress!, count: n)
                        }
                    }
                }
            }
            for j in 0..<n {
                #expect(z[j] == (x[j].isNaN ? 0 : x[j] - mu[j]))
                #expect(v[j] == 0)
            }
            // The value after the row is left alone.
            #expect(z[n] == 7 && v[n] == 7)

            let a = (0..<n).map { _ in generator.nextNormal() }, b = (0..<n).map { _ in generator.nextNormal() }
            var naive = 0.0
            for j in 0..<n { naive += a[j] * b[j] }
            let scale = a.map(abs).reduce(0, +) * b.map(abs).reduce(0, +)
            let dot = a.withUnsafeBufferPointer { ab in b.withUnsafeBufferPointer { RowKernels.dot(ab.baseAddress!, $0.baseAddress!, n) } }
            #expect(abs(dot - naive) <= 1e-15 * max(scale, 1))

            var scaled = a + [7]
            scaled.withUnsafeMutableBufferPointer { RowKernels.scale($0.baseAddress!, by: 0.3, count: n) }
            for j in 0..<n { #expect(scaled[j] == a[j] * 0.3) }
            #expect(scaled[n] == 7)
        }
    }

    @Test("a run of rows of several patterns is completed as row by row, with the extra column left alone")
    func batchedCompletionMatchesOneRow() throws {
        let p = 7
        var generator = SeededGenerator(seed: 61)
        // Σ = A Aᵀ + I, well conditioned.
        let a = (0..<(p * p)).map { _ in generator.nextNormal() }
        var sigma = [Double](repeating: 0, count: p * p)
        for i in 0..<p { for j in 0..<p { for k in 0..<p { sigma[i * p + j] += a[i * p + k] * a[j * p + k] / Double(p) } } }
        for i in 0..<p { sigma[i * p + i] += 1 }
        let mean = (0..<p).map { _ in generator.nextNormal() }
        let missing: [[Int]] = [[], [3], [1, 5], [0, 2, 6], [4], [2, 3]]
        let component = try PreparedComponent(mean: mean, covariance: sigma, missing: missing)
        // Rows: stretches of patterns 0, 1, 2, 3, then one row each of 4, 5, 1, 0.
        let rowPatterns = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 1, 0]
        let count = rowPatterns.count
        var x = [Double](repeating: 0, count: count * p)
        for r in 0..<count {
            for j in 0..<p { x[r * p + j] = missing[rowPatterns[r]].contains(j) ? .nan : generator.nextNormal() }
        }
        let missingColumns = Array(missing.joined()) + [0]
        var start = [0]
        for m in missing { start.append(start.last! + m.count) }
        let ld = p + 1
        var z = [Double](repeating: 42, count: count * ld)
        var distances = [Double](repeating: 0, count: count)
        var work = [Double](repeating: 0, count: count * p)
        x.withUnsafeBufferPointer { xb in
            rowPatterns.withUnsafeBufferPointer { pb in
                missingColumns.withUnsafeBufferPointer { mb in
                    start.withUnsafeBufferPointer { sb in
                        z.withUnsafeMutableBufferPointer { zb in
                            distances.withUnsafeMutableBufferPointer { db in
                                work.withUnsafeMutableBufferPointer { wb in
                                    component.completeDeviations(xb.baseAddress!, count: count, patterns: pb.baseAddress!,
                                                                 missing: mb.baseAddress!, missingStart: sb.baseAddress!,
                                                                 into: zb.baseAddress!, rowStride: ld, distances: db.baseAddress!,
                                                                 work: wb.baseAddress!)
                                }
                            }
                        }
                    }
                }
            }
        }
        var one = [Double](repeating: 0, count: p), oneWork = [Double](repeating: 0, count: 2 * p)
        for r in 0..<count {
            let g = rowPatterns[r]
            let d2 = x.withUnsafeBufferPointer { xb in
                one.withUnsafeMutableBufferPointer { ob in
                    oneWork.withUnsafeMutableBufferPointer { wb in
                        component.completeDeviation(xb.baseAddress! + r * p, pattern: g, missing: missing[g], into: ob.baseAddress!,
                                                    work: wb.baseAddress!)
                    }
                }
            }
            #expect(abs(distances[r] - d2) <= 1e-12 * max(1, d2), "row \(r)")
            for j in 0..<p { #expect(abs(z[r * ld + j] - one[j]) <= 1e-12, "row \(r), column \(j)") }
            #expect(z[r * ld + p] == 42)
        }
    }
}
