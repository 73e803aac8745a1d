import Foundation
import Testing
@testable import EMImputeIO

/// The checksum behind issue 11, item 9 is XXH64: the expected values were computed with the
/// reference library (libxxhash 0.8.1, `XXH64(data, length, 0)`), not with this code.
@Suite("Streaming checksum")
struct StreamingChecksumTests {
    /// The byte (i·7 + 3) mod 251 for i = 0, 1, ….
    static let data: [UInt8] = (0..<1000).map { UInt8(($0 * 7 + 3) % 251) }

    static func checksum(_ bytes: some Collection<UInt8>) -> UInt64 {
        var sum = StreamingChecksum()
        Array(bytes).withUnsafeBytes { sum.update($0) }
        return sum.value
    }

    @Test(arguments: [
        (0, 0xEF46_DB37_51D8_E999 as UInt64), (1, 0x1F25_C8D0_BC1F_4BB6), (3, 0x31D2_363F_52E5_64C9), (4, 0x9BB6_4B7D_66EE_9FDA),
        (7, 0x9A7B_1499_59CE_60D8), (8, 0xDAB9_9D95_C6F9_0092), (9, 0x170B_B6BF_975B_4C02), (12, 0xD52E_4078_33AF_5133),
        (31, 0xA2AA_5F33_CC4A_6119), (32, 0x23C3_C17E_F790_FD97), (33, 0x50A7_CFC7_BA58_8784), (63, 0xF143_8F15_B9ED_16E9),
        (64, 0x2CD9_90A1_BEED_6894), (65, 0xC763_DA59_981E_980E), (100, 0x778E_26DF_8290_F456), (1000, 0x021F_7A74_2408_5EA4),
    ])
    func matchesTheReference(length: Int, expected: UInt64) {
        #expect(Self.checksum(Self.data.prefix(length)) == expected)
    }

    @Test func matchesTheReferenceOnText() {
        #expect(Self.checksum(Array("abc".utf8)) == 0x44BC_2CF5_AD77_0999)
        #expect(Self.checksum(Array("x,y\n1,2\n2,3\n,5\n4,4\n5,7\n".utf8)) == 0x7325_36A5_4C22_AF7D)
    }

    /// The value depends on the bytes only, not on the pieces they come in.
    @Test func piecesDoNotMatter() {
        var generator = SplitMix64(seed: 11)
        let whole = Self.checksum(Self.data)
        for _ in 0..<200 {
            var sum = StreamingChecksum()
            var start = 0
            while start < Self.data.count {
                let end = min(Self.data.count, start + Int(generator.next() % 70))
                Self.data[start..<end].withUnsafeBytes { sum.update($0) }
                start = end
            }
            #expect(sum.value == whole)
            #expect(sum.byteCount == Self.data.count)
        }
    }

    @Test func anyChangedBitChangesIt() {
        let whole = Self.checksum(Self.data)
        for position in stride(from: 0, to: Self.data.count, by: 37) {
            var changed = Self.data
            changed[position] ^= 0x10
            #expect(Self.checksum(changed) != whole)
        }
    }
}
