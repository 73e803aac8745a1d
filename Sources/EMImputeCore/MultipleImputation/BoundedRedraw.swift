/// Amelia's bounds for drawn cells: a row's missing block is drawn again while any bounded
/// cell falls outside its bound, up to `MultipleImputation.maximumRedraws` times; cells still
/// outside are then set to the nearest bound. The one rule for the normal, mixture and t draws:
///
/// ```swift
/// var redraw = BoundedRedraw(missing: missing, bounds: bounds, isBounded: isBounded)
/// repeat { /* draw the block into cells */ } while redraw.needsAnotherDraw(cells)
/// ```
struct BoundedRedraw {
    private let missing: [Int]
    private let bounds: [(lower: Double, upper: Double)?]
    private let isBounded: Bool
    private var attempts = 0
    /// Cells of blocks drawn more than once (the whole block counts).
    private(set) var redrawn = 0
    /// Cells set to a bound after the last redraw.
    private(set) var setToBound = 0

    /// `bounds` (per column, original units) on the working scale (x − center) / scale.
    static func standardized(_ bounds: [ClosedRange<Double>?]?, center: [Double], scale: [Double]) -> [(lower: Double, upper: Double)?] {
        center.indices.map { j in
            guard let b = bounds?[j] else { return nil }
            return ((b.lowerBound - center[j]) / scale[j], (b.upperBound - center[j]) / scale[j])
        }
    }

    /// The rule for a block of the columns `missing`; `isBounded`: whether any of them has a
    /// bound (if not, one draw is final).
    init(missing: [Int], bounds: [(lower: Double, upper: Double)?], isBounded: Bool) {
        self.missing = missing
        self.bounds = bounds
        self.isBounded = isBounded
    }

    /// Whether the block just drawn into `cells[0..<missing.count]` (on the scale of the
    /// bounds) must be drawn again; when redraws are exhausted, sets the cells still outside to
    /// their nearest bound and says no.
    mutating func needsAnotherDraw(_ cells: UnsafeMutablePointer<Double>) -> Bool {
        guard isBounded else { return false }
        let outside = missing.indices.filter { a in
            guard let bound = bounds[missing[a]] else { return false }
            return cells[a] < bound.lower || cells[a] > bound.upper
        }
        if outside.isEmpty { return false }
        attempts += 1
        if attempts == 1 { redrawn += missing.count }
        guard attempts > MultipleImputation.maximumRedraws else { return true }
        for a in outside {
            let bound = bounds[missing[a]]!
            cells[a] = min(max(cells[a], bound.lower), bound.upper)
        }
        setToBound += outside.count
        return false
    }
}
