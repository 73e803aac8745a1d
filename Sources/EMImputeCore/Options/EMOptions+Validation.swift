extension EMOptions {
    /// The largest accepted `maxIterations`. Each iteration keeps a record in the history,
    /// so the cap bounds memory too (about 60 bytes an iteration).
    public static let maximumIterationCap = 10_000_000

    /// The largest accepted `ridge`. With λ = 10¹² the prior's weight λ / (n + λ) exceeds
    /// 1 − 10⁻³ for any data set under a billion rows, so larger values change nothing but
    /// rounding; near the Double range the prior's terms overflow and the objective becomes
    /// −∞ (it could then never converge).
    public static let maximumRidge = 1e12

    /// The largest accepted `starts`. Every start is a full EM run whose outcome is kept, so
    /// an unbounded count would run, and grow, without end.
    public static let maximumStarts = 10_000

    /// The largest accepted `threads`. The E-step splits the data into at most 256 blocks,
    /// so more threads than that add nothing; 1024 leaves room without spawning absurd numbers.
    public static let maximumThreads = 1024

    /// Checks every field against its range; `GaussianEM.fit` calls it before anything else.
    ///
    /// - Throws: `EMOptionsError` naming the first field out of range and what it must be:
    ///   `tolerance` finite and ≥ 0; `maxIterations` in 1…`maximumIterationCap`; `ridge`
    ///   finite in 0…`maximumRidge`; `starts` in 0…`maximumStarts`; `threads` nil or in
    ///   1…`maximumThreads`.
    public func validate() throws(EMOptionsError) {
        guard tolerance >= 0, tolerance.isFinite else { throw .invalidTolerance(tolerance) }
        guard (1...Self.maximumIterationCap).contains(maxIterations) else { throw .invalidMaxIterations(maxIterations) }
        guard ridge >= 0, ridge <= Self.maximumRidge else { throw .invalidRidge(ridge) }
        guard (0...Self.maximumStarts).contains(starts) else { throw .invalidStarts(starts) }
        if let threads, !(1...Self.maximumThreads).contains(threads) { throw .invalidThreads(threads) }
    }
}
