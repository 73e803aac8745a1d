/// Per-column centre and scale (available-case mean and standard deviation, divisor
/// n_obs − 1), computed without overflow for magnitudes up to the largest Double.
struct ColumnScaling: Equatable {
    var center: [Double]
    var scale: [Double]
    var observedCounts: [Int]

    init(_ data: IncompleteMatrix) {
        let n = data.rowCount, p = data.columnCount
        var maxAbs = [Double](repeating: 0, count: p)
        var counts = [Int](repeating: 0, count: p)
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<p { let v = x[i * p + j]; if !v.isNaN { counts[j] += 1; maxAbs[j] = Swift.max(maxAbs[j], abs(v)) } } }
        }
        // Work on x / max|x| so that neither sums nor squares overflow.
        let unit = maxAbs.map { $0 > 0 ? $0 : 1 }
        var sum = [Double](repeating: 0, count: p)
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<p { let v = x[i * p + j]; if !v.isNaN { sum[j] += v / unit[j] } } }
        }
        let meanUnit = (0..<p).map { counts[$0] > 0 ? sum[$0] / Double(counts[$0]) : 0 }
        var squares = [Double](repeating: 0, count: p)
        data.values.withUnsafeBufferPointer { x in
            for i in 0..<n { for j in 0..<p { let v = x[i * p + j]; if !v.isNaN { let d = v / unit[j] - meanUnit[j]; squares[j] += d * d } } }
        }
        center = (0..<p).map { meanUnit[$0] * unit[$0] }
        scale = (0..<p).map { counts[$0] > 1 ? (squares[$0] / Double(counts[$0] - 1)).squareRoot() * unit[$0] : 0 }
        observedCounts = counts
    }

    /// (x − centre) / scale, computed as x/s − c/s so that extreme magnitudes do not overflow.
    @inline(__always) func standardize(_ x: Double, column j: Int) -> Double {
        x / scale[j] - center[j] / scale[j]
    }
}
