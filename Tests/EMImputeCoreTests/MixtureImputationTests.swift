// Issue 16: what the mixture imputes, from first principles — the responsibility-weighted
// conditional mean and the SD of the mixture's conditional distribution (within- plus
// between-component variance) — and a start that needs no complete row.

import EMImputeCore
import Foundation
import Testing

@Suite("Mixture imputation from first principles")
struct MixtureImputationTests {
    @Test("each cell's value and SD are the conditional mixture's mean and SD: Σ rₖ mₖ and √(Σ rₖ (vₖ + mₖ²) − mean²)")
    func meanAndStandardDeviationOfTheConditionalMixture() throws {
        let data = try incomplete(threeClusterSample(n: 240, seed: 1611, missingRate: 0.25))
        var options = GaussianMixtureOptions()
        options.components = 3
        let fit = try GaussianMixtureEM(options: options).fit(data)
        let model = fit.model
        let means = model.components.map(\.mean), covariances = model.components.map { nested($0.covariance) }
        var values: [Double] = [], deviations: [Double] = []
        var betweenMatters = false
        for row in rowsOf(data) {
            let o = row.indices.filter { !row[$0].isNaN }, m = row.indices.filter { row[$0].isNaN }
            guard !m.isEmpty else { continue }
            // Per component: log πₖ N(x_o | μₖ,o, Σₖ,oo), and the conditional means and variances.
            var logDensity: [Double] = [], conditionalMeans: [[Double]] = [], conditionalVariances: [[Double]] = []
            for k in model.components.indices {
                let s = covariances[k], mu = means[k]
                let d = o.map { row[$0] - mu[$0] }
                let soo = submatrix(s, o, o)
                let solved = o.isEmpty ? [] : naiveSolve(soo, d)
                let q = zip(d, solved).reduce(0) { $0 + $1.0 * $1.1 }
                let logDet = o.isEmpty ? 0 : log(naiveDeterminant(soo))
                logDensity.append(log(model.weights[k]) - 0.5 * (Double(o.count) * log(2 * Double.pi) + logDet + q))
                conditionalMeans.append(m.map { j in mu[j] + zip(o, solved).reduce(0) { $0 + s[j][$1.0] * $1.1 } })
                conditionalVariances.append(m.map { j in
                    let column = o.map { s[$0][j] }
                    let w = o.isEmpty ? [] : naiveSolve(soo, column)
                    return s[j][j] - zip(column, w).reduce(0) { $0 + $1.0 * $1.1 }
                })
            }
            let top = logDensity.max()!
            let unnormalised = logDensity.map { exp($0 - top) }
            let r = unnormalised.map { $0 / unnormalised.reduce(0, +) }
            for a in m.indices {
                let mean = r.indices.reduce(0.0) { $0 + r[$1] * conditionalMeans[$1][a] }
                let within = r.indices.reduce(0.0) { $0 + r[$1] * conditionalVariances[$1][a] }
                let between = r.indices.reduce(0.0) { $0 + r[$1] * (conditionalMeans[$1][a] - mean) * (conditionalMeans[$1][a] - mean) }
                values.append(mean)
                deviations.append((within + between).squareRoot())
                if between > 0.01 * within { betweenMatters = true }
            }
        }
        // The cells come sorted by (row, column), the order the loop above visits them in.
        let fitted = fit.imputedCells.map(\.value), fittedDeviations = fit.imputedCells.map { $0.conditionalStandardDeviation ?? .nan }
        #expect(values.count == fitted.count)
        #expect(maxRelativeDifference(fitted, values, floor: [Double](repeating: 1, count: values.count)) < 1e-9)
        #expect(maxRelativeDifference(fittedDeviations, deviations) < 1e-9)
        // Some row sits between clusters, so the between-component part is really tested.
        #expect(betweenMatters)
    }

    @Test("with no complete row the k-means++ start still works and finds the clusters")
    func noCompleteRow() throws {
        // Every row misses exactly one cell, cycling through the columns within each cluster
        // (row i belongs to cluster i mod 3).
        var rows = threeClusterSample(n: 300, seed: 1612, missingRate: 0)
        for i in rows.indices { rows[i][(i / 3) % 3] = .nan }
        let data = try incomplete(rows)
        #expect(rowsOf(data).allSatisfy { $0.contains { $0.isNaN } })
        var options = GaussianMixtureOptions()
        options.components = 3
        options.starts = 3
        let fit = try GaussianMixtureEM(options: options).fit(data)
        #expect(fit.hasConverged && fit.emptyComponents.isEmpty && fit.regularizedComponents.isEmpty)
        #expect(fit.imputedCells.allSatisfy { $0.value.isFinite && ($0.conditionalStandardDeviation ?? .nan).isFinite })
        // The three centres of `threeClusterSample`, each found by one component.
        let centres: [[Double]] = [[0, 0, 0], [6, 1, -4], [-5, 7, 3]]
        for centre in centres {
            let nearest = fit.model.components.map { c in zip(c.mean, centre).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }.min()!
            #expect(nearest < 1, "no component near \(centre)")
        }
        #expect(fit.model.weights.allSatisfy { abs($0 - 1.0 / 3) < 0.05 })
    }
}
