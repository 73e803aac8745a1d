/// SQUAREM's extrapolation step (Varadhan and Roland 2008), used by `iterate` when
/// `EMOptions.acceleration` is `.squarem`.
extension Problem {
    /// The SQUAREM (S3) extrapolation θ₀ − 2αr + α²v with r = θ₁ − θ₀, v = θ₂ − 2θ₁ + θ₀,
    /// α = −‖r‖/‖v‖ ≤ −1. nil when the step is degenerate.
    func squaremPoint(_ t0: GaussianParameters, _ t1: GaussianParameters, _ t2: GaussianParameters) -> GaussianParameters? {
        let a = t0.flattened, b = t1.flattened, c = t2.flattened
        var rr = 0.0, vv = 0.0
        var r = a, v = a
        for i in a.indices {
            r[i] = b[i] - a[i]
            v[i] = c[i] - 2 * b[i] + a[i]
            rr += r[i] * r[i]
            vv += v[i] * v[i]
        }
        guard vv > 0, rr > 0 else { return nil }
        let alpha = min(-1, -(rr / vv).squareRoot())
        var x = a
        for i in a.indices { x[i] = a[i] - 2 * alpha * r[i] + alpha * alpha * v[i] }
        guard x.allSatisfy(\.isFinite) else { return nil }
        return GaussianParameters(flattened: x, p: p)
    }
}
