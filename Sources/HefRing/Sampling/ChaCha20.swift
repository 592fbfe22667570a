import CShims

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

    /// Writes the next `blockCount` 64-byte blocks of keystream to `output` (16 words each),
    /// with the C kernel `hef_chacha20_blocks`: 16 blocks at a time on AVX-512, 8 on AVX2, one
    /// in scalar C, the same words on every path (and on either ring backend: the keystream is
    /// not part of the backend, so seeds expand identically everywhere).
    public mutating func nextBlocks(_ output: UnsafeMutablePointer<UInt32>, blockCount: Int) {
        precondition(blockCount >= 0)
        precondition(UInt64(counter) + UInt64(blockCount) <= UInt64(UInt32.max), "ChaCha20 stream exhausted")
        let first = counter
        withUnsafeBytes(of: key) { keyWords in
            withUnsafeBytes(of: nonce) { nonceWords in
                hef_chacha20_blocks(
                    output, keyWords.baseAddress!.assumingMemoryBound(to: UInt32.self),
                    nonceWords.baseAddress!.assumingMemoryBound(to: UInt32.self), first, blockCount)
            }
        }
        counter &+= UInt32(blockCount)
    }
}
