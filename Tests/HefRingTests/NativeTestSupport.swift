import Testing
@testable import HefRing

/// SplitMix64: a tiny seeded generator so that failures reproduce.
struct NativeTestRNG: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum NativeTestData {
    /// Random words in [0, q), with the edge values 0, 1 and q-1 at the front.
    static func vector(_ count: Int, _ q: UInt64, _ rng: inout NativeTestRNG) -> [UInt64] {
        var v = (0..<count).map { _ in UInt64.random(in: 0..<q, using: &rng) }
        let edges: [UInt64] = [0, q - 1, 1 % q, q - 1, 0, q / 2, (q + 1) / 2 % q]
        for (i, e) in edges.enumerated() where i < count { v[i] = e }
        return v
    }

    /// One NTT-friendly prime of the given size for ring degree 2^logN.
    static func prime(bits: Int, logN: Int) -> Modulus {
        Modulus(NativeBackend().nttPrimes(bitWidth: bits, logN: logN, count: 1, excluding: [])[0])
    }
}
