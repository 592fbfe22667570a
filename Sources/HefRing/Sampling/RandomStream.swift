/// A buffered ChaCha20 keystream that hands out words: the one source of randomness for every
/// sampler. `RandomStream.secure()` keys it from the operating system's CSPRNG
/// (`getrandom` on Linux, through `SystemRandomNumberGenerator`); `RandomStream(seed:)` makes a
/// reproducible stream, for expanding public seeds and for tests.
public struct RandomStream: Sendable {
    private var cipher: ChaCha20
    private var buffer: [UInt32]
    private var position: Int
    private var wiped = false

    private static let blocksPerRefill = 32

    /// A stream keyed by a 32-byte seed; `domain` separates independent streams of one seed.
    public init(seed: [UInt8], domain: UInt64 = 0) {
        precondition(seed.count == 32, "a seed is 32 bytes")
        var nonce = [UInt8](repeating: 0, count: 12)
        for i in 0..<8 { nonce[i] = UInt8(truncatingIfNeeded: domain >> (8 * UInt64(i))) }
        self.cipher = ChaCha20(key: seed, nonce: nonce)
        self.buffer = [UInt32](repeating: 0, count: 16 * Self.blocksPerRefill)
        self.position = buffer.count
    }

    /// A stream keyed by 32 fresh bytes from the operating system's CSPRNG.
    public static func secure() -> RandomStream {
        var seed = freshSeed()
        defer { secureZero(&seed) }
        return RandomStream(seed: seed)
    }

    /// 32 bytes from the operating system's CSPRNG.
    public static func freshSeed() -> [UInt8] {
        var system = SystemRandomNumberGenerator()
        var seed = [UInt8](repeating: 0, count: 32)
        for i in stride(from: 0, to: 32, by: 8) {
            let w = system.next()
            for j in 0..<8 { seed[i + j] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(j))) }
        }
        return seed
    }

    private mutating func refill() {
        if wiped {
            // Used after wipe(): never hand out the zero key's keystream; re-key from the OS.
            var seed = Self.freshSeed()
            cipher = ChaCha20(key: seed, nonce: [UInt8](repeating: 0, count: 12))
            secureZero(&seed)
            wiped = false
        }
        let blocks = Self.blocksPerRefill
        buffer.withUnsafeMutableBufferPointer { cipher.nextBlocks($0.baseAddress!, blockCount: blocks) }
        position = 0
    }

    /// The next 32 bits of keystream.
    @inline(__always)
    public mutating func next32() -> UInt32 {
        if position == buffer.count { refill() }
        let w = buffer[position]
        position += 1
        return w
    }

    /// The next 64 bits of keystream.
    @inline(__always)
    public mutating func next64() -> UInt64 {
        let lo = UInt64(next32())
        return lo | UInt64(next32()) << 32
    }

    /// The next `count` 64-bit words, exactly as `count` calls of ``next64()`` would give them
    /// (each word from two consecutive 32-bit words, low first), copied from the keystream
    /// buffer in bulk.
    public mutating func fill64(_ out: UnsafeMutablePointer<UInt64>, count: Int) {
        #if _endian(little)
            var remaining = 2 * count
            var destination = UnsafeMutableRawPointer(out)
            while remaining > 0 {
                if position == buffer.count { refill() }
                let take = Swift.min(remaining, buffer.count - position)
                let start = position
                buffer.withUnsafeBufferPointer { source in
                    destination.copyMemory(from: source.baseAddress! + start, byteCount: 4 * take)
                }
                position += take
                remaining -= take
                destination += 4 * take
            }
        #else
            for i in 0..<count { out[i] = next64() }
        #endif
    }

    /// Uniform in `0..<bound` by rejection (no modulo bias).
    public mutating func next(below bound: UInt64) -> UInt64 {
        precondition(bound > 0)
        let mask = bound == 1 ? 0 : UInt64.max >> UInt64((bound - 1).leadingZeroBitCount)
        while true {
            let v = next64() & mask
            if v < bound { return v }
        }
    }

    /// 32 bytes drawn from this stream (e.g. a public seed).
    public mutating func nextSeed() -> [UInt8] {
        var seed = [UInt8]()
        seed.reserveCapacity(32)
        for _ in 0..<8 {
            let w = next32()
            for j in 0..<4 { seed.append(UInt8(truncatingIfNeeded: w >> (8 * UInt32(j)))) }
        }
        return seed
    }

    /// Overwrites the buffered keystream and the ChaCha20 key with ``secureZero(_:)-([T])``
    /// (call before dropping a stream that drew secrets). A stream used after `wipe()` is
    /// re-keyed from the operating system's CSPRNG: it never replays a predictable keystream.
    public mutating func wipe() {
        secureZero(&buffer)
        cipher.wipe()
        position = buffer.count
        wiped = true
    }
}
