import Testing
@testable import HefRing
import HefTestSupport

/// The native tests' generator: the SplitMix64 of SwiftBackendTestSupport.swift.
typealias NativeTestRNG = SplitMix64

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
        Modulus(NativeBackend().numberTheory.nttPrimes(bitWidth: bits, logN: logN, count: 1, excluding: [])[0])
    }
}
