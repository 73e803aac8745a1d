/// Mean vector and covariance matrix (row-major, full) of a p-variate normal: the point EM
/// moves. The engine keeps them on the standardised scale.
struct GaussianParameters: Equatable {
    var mean: [Double]
    var covariance: [Double]
    var p: Int { mean.count }

    /// Largest absolute change of any mean or covariance entry.
    func maxAbsoluteChange(from old: GaussianParameters) -> Double {
        var d = 0.0
        for j in 0..<p { d = Swift.max(d, abs(mean[j] - old.mean[j])) }
        for i in 0..<p { for j in i..<p { d = Swift.max(d, abs(covariance[i * p + j] - old.covariance[i * p + j])) } }
        return d
    }

    /// Largest change relative to the old value (absolute where the old value is ~0).
    func maxRelativeChange(from old: GaussianParameters) -> Double {
        func rel(_ a: Double, _ b: Double) -> Double { abs(b) > 1e-12 ? abs(a - b) / abs(b) : abs(a - b) }
        var d = 0.0
        for j in 0..<p { d = Swift.max(d, rel(mean[j], old.mean[j])) }
        for i in 0..<p { for j in i..<p { d = Swift.max(d, rel(covariance[i * p + j], old.covariance[i * p + j])) } }
        return d
    }

    /// The flat vector (mean, then upper triangle of Σ) that acceleration extrapolates.
    var flattened: [Double] {
        var v = mean
        for i in 0..<p { for j in i..<p { v.append(covariance[i * p + j]) } }
        return v
    }

    init(mean: [Double], covariance: [Double]) {
        self.mean = mean
        self.covariance = covariance
    }

    init(flattened v: [Double], p: Int) {
        mean = Array(v[0..<p])
        covariance = [Double](repeating: 0, count: p * p)
        var k = p
        for i in 0..<p { for j in i..<p { covariance[i * p + j] = v[k]; covariance[j * p + i] = v[k]; k += 1 } }
    }
}
