/// 64-bit FNV-1a: an identifier (parameter ids, model ids), not a security primitive.
package struct FNV1a {
    /// The hash of everything combined so far.
    package private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The empty hash.
    package init() {}

    /// Hashes one byte.
    @inline(__always)
    package mutating func combine(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    /// Hashes a word as its 8 little-endian bytes.
    package mutating func combine(_ word: UInt64) {
        for i in 0..<8 { combine(byte: UInt8(truncatingIfNeeded: word >> (8 * UInt64(i)))) }
    }

    /// Hashes every byte of `bytes` in order.
    package mutating func combine<S: Sequence<UInt8>>(bytes: S) {
        for byte in bytes { combine(byte: byte) }
    }
}
