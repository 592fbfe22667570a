/// The ChaCha20 stream cipher (RFC 8439) used as a keyed pseudo-random function: from a 32-byte
/// key and a 96-bit nonce it expands an unbounded stream of pseudo-random bytes. Hef derives
/// uniform polynomials from a public 32-byte seed this way (so `a` travels as its seed), and
/// all secret randomness comes from a stream keyed by the operating system's CSPRNG.
public struct ChaCha20: Sendable {
    private var key: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)
    private let nonce: (UInt32, UInt32, UInt32)
    private var counter: UInt32

    /// - Parameters:
    ///   - key: 32 bytes.
    ///   - nonce: 12 bytes.
    ///   - counter: first block counter (RFC 8439 test vectors start at 1).
    public init(key: [UInt8], nonce: [UInt8], counter: UInt32 = 0) {
        precondition(key.count == 32, "ChaCha20 key must be 32 bytes")
        precondition(nonce.count == 12, "ChaCha20 nonce must be 12 bytes")
        func word(_ bytes: [UInt8], _ i: Int) -> UInt32 {
            UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8 | UInt32(bytes[4 * i + 2]) << 16
                | UInt32(bytes[4 * i + 3]) << 24
        }
        self.key = (
            word(key, 0), word(key, 1), word(key, 2), word(key, 3),
            word(key, 4), word(key, 5), word(key, 6), word(key, 7)
        )
        self.nonce = (word(nonce, 0), word(nonce, 1), word(nonce, 2))
        self.counter = counter
    }

    /// Overwrites the key with zeros (``secureZero(_:)-([T])``'s C helper); the cipher then
    /// produces the keystream of the all-zero key, so callers must not use it afterwards
    /// (``RandomStream/wipe()`` re-keys before any further use).
    public mutating func wipe() {
        withUnsafeMutableBytes(of: &key) { secureZero($0) }
        counter = 0
    }

    /// Writes the next `blockCount` 64-byte blocks of keystream to `output` (16 words each).
    public mutating func nextBlocks(_ output: UnsafeMutablePointer<UInt32>, blockCount: Int) {
        for b in 0..<blockCount {
            Self.block(key: key, counter: counter, nonce: nonce, output: output + 16 * b)
            precondition(counter != UInt32.max, "ChaCha20 stream exhausted")
            counter &+= 1
        }
    }

    @inline(__always)
    private static func rotl(_ x: UInt32, _ r: UInt32) -> UInt32 { (x << r) | (x >> (32 - r)) }

    @inline(__always)
    private static func quarter(
        _ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32, _ d: inout UInt32
    ) {
        a &+= b
        d ^= a
        d = rotl(d, 16)
        c &+= d
        b ^= c
        b = rotl(b, 12)
        a &+= b
        d ^= a
        d = rotl(d, 8)
        c &+= d
        b ^= c
        b = rotl(b, 7)
    }

    @inline(__always)
    private static func block(
        key k: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32),
        counter: UInt32, nonce: (UInt32, UInt32, UInt32), output: UnsafeMutablePointer<UInt32>
    ) {
        let c0: UInt32 = 0x6170_7865
        let c1: UInt32 = 0x3320_646e
        let c2: UInt32 = 0x7962_2d32
        let c3: UInt32 = 0x6b20_6574
        var x0 = c0
        var x1 = c1
        var x2 = c2
        var x3 = c3
        var x4 = k.0
        var x5 = k.1
        var x6 = k.2
        var x7 = k.3
        var x8 = k.4
        var x9 = k.5
        var x10 = k.6
        var x11 = k.7
        var x12 = counter
        var x13 = nonce.0
        var x14 = nonce.1
        var x15 = nonce.2
        for _ in 0..<10 {
            quarter(&x0, &x4, &x8, &x12)
            quarter(&x1, &x5, &x9, &x13)
            quarter(&x2, &x6, &x10, &x14)
            quarter(&x3, &x7, &x11, &x15)
            quarter(&x0, &x5, &x10, &x15)
            quarter(&x1, &x6, &x11, &x12)
            quarter(&x2, &x7, &x8, &x13)
            quarter(&x3, &x4, &x9, &x14)
        }
        output[0] = x0 &+ c0
        output[1] = x1 &+ c1
        output[2] = x2 &+ c2
        output[3] = x3 &+ c3
        output[4] = x4 &+ k.0
        output[5] = x5 &+ k.1
        output[6] = x6 &+ k.2
        output[7] = x7 &+ k.3
        output[8] = x8 &+ k.4
        output[9] = x9 &+ k.5
        output[10] = x10 &+ k.6
        output[11] = x11 &+ k.7
        output[12] = x12 &+ counter
        output[13] = x13 &+ nonce.0
        output[14] = x14 &+ nonce.1
        output[15] = x15 &+ nonce.2
    }
}
