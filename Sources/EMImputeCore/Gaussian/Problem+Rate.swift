/// EM's rate of convergence, which estimates the largest fraction of missing information.
extension Problem {
    /// The contraction rate of plain EM: the median of the last few ratios of successive
    /// parameter changes (ignoring the first, transient iterations).
    static func rate(from changes: [Double]) -> Double? {
        guard changes.count >= 4 else { return nil }
        let ratios = zip(changes.dropFirst(2), changes.dropFirst(3)).compactMap { $0 > 0 ? $1 / $0 : nil }.suffix(5)
        guard !ratios.isEmpty else { return nil }
        let sorted = ratios.sorted()
        return sorted[sorted.count / 2]
    }
}
