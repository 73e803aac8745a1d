@testable import EMImputeIO
import Testing

@Suite("Column histograms")
struct ColumnHistogramTests {
    @Test("values at the ends of Double's range are binned, never trapped on")
    func extremeRanges() {
        let wide = ImputedValueAdjustment.ObservedRange(minimum: -1.7e308, maximum: 1.7e308, isAllIntegers: false)
        var h = ColumnHistogram(range: wide, valueCount: 100)
        #expect(h.binWidth.isFinite && h.binWidth > 0)
        h.addObserved(-1.7e308)
        h.addObserved(1.7e308)
        h.addObserved(0)
        h.addImputed(-Double.greatestFiniteMagnitude)
        h.addImputed(Double.greatestFiniteMagnitude)
        #expect(h.observed.first == 1 && h.observed.last == 1 && h.observedCount == 3)
        #expect(h.imputed.first == 1 && h.imputed.last == 1)
        // A range too narrow for its width to be a normal number.
        let narrow = ImputedValueAdjustment.ObservedRange(minimum: 0, maximum: 5e-324, isAllIntegers: false)
        var n = ColumnHistogram(range: narrow, valueCount: 10)
        n.addObserved(0)
        n.addObserved(5e-324)
        n.addImputed(1)
        n.addImputed(-1)
        #expect(n.observedCount == 2 && n.imputed.first == 1 && n.imputed.last == 1 && n.imputedBelow == 1 && n.imputedAbove == 1)
    }

    @Test("an ordinary value lands in the bin whose edges hold it")
    func ordinaryBins() {
        let range = ImputedValueAdjustment.ObservedRange(minimum: 0, maximum: 10, isAllIntegers: false)
        let h = ColumnHistogram(range: range, valueCount: 64)  // Rice: 2·64^⅓ = 8 bins of 1.25
        #expect(h.observed.count == 8 && h.binWidth == 1.25)
        #expect(h.bin(of: 0) == 0 && h.bin(of: 1.2) == 0 && h.bin(of: 1.25) == 1 && h.bin(of: 9.99) == 7 && h.bin(of: 10) == 7)
        #expect(h.bin(of: -3) == 0 && h.bin(of: 42) == 7)
    }
}
