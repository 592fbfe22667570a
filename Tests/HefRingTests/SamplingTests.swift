import Testing

@testable import HefRing

@Suite struct SamplingTests {
    /// RFC 8439, section 2.3.2: the ChaCha20 block function test vector.
    @Test func chacha20MatchesRFC8439() {
        let key = (0..<32).map { UInt8($0) }
        let nonce: [UInt8] = [0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0]
        var cipher = ChaCha20(key: key, nonce: nonce, counter: 1)
        var block = [UInt32](repeating: 0, count: 16)
        block.withUnsafeMutableBufferPointer { cipher.nextBlocks($0.baseAddress!, blockCount: 1) }
        let expected: [UInt32] = [
            0xe4e7_f110, 0x1559_3bd1, 0x1fdd_0f50, 0xc471_20a3, 0xc7f4_d1c7, 0x0368_c033, 0x9aaa_2204, 0x4e6c_d4c3,
            0x4664_82d2, 0x09aa_9f07, 0x05d7_c214, 0xa202_8bd9, 0xd19c_12b5, 0xb94e_16de, 0xe883_d0cb, 0x4e3c_50a2,
        ]
        #expect(block == expected)
    }

    @Test func streamsAreReproducibleAndDomainSeparated() {
        let seed = [UInt8](repeating: 5, count: 32)
        var a = RandomStream(seed: seed)
        var b = RandomStream(seed: seed)
        var c = RandomStream(seed: seed, domain: 1)
        let xa = (0..<100).map { _ in a.next64() }
        #expect(xa == (0..<100).map { _ in b.next64() })
        #expect(xa != (0..<100).map { _ in c.next64() })
        var s1 = RandomStream.secure()
        var s2 = RandomStream.secure()
        #expect(s1.next64() != s2.next64() || s1.next64() != s2.next64())
    }

    @Test func ternaryIsBalanced() {
        var stream = RandomStream(seed: [UInt8](repeating: 1, count: 32))
        let t = Sampler.ternary(n: 30000, stream: &stream)
        #expect(t.allSatisfy { $0 >= -1 && $0 <= 1 })
        for v in [-1, 0, 1] as [Int64] {
            let count = t.filter { $0 == v }.count
            #expect(abs(count - 10000) < 400, "value \(v) drawn \(count) times")
        }
    }

    @Test func sparseTernaryHasExactWeight() {
        var stream = RandomStream(seed: [UInt8](repeating: 2, count: 32))
        let t = Sampler.sparseTernary(n: 4096, hammingWeight: 192, stream: &stream)
        #expect(t.filter { $0 != 0 }.count == 192)
        #expect(t.allSatisfy { $0 >= -1 && $0 <= 1 })
    }

    @Test func gaussianHasTheRightSpread() {
        var stream = RandomStream(seed: [UInt8](repeating: 3, count: 32))
        let e = Sampler.gaussian(n: 100_000, stream: &stream)
        let mean = Double(e.reduce(0, +)) / Double(e.count)
        let variance = e.reduce(0.0) { $0 + Double($1 * $1) } / Double(e.count) - mean * mean
        #expect(abs(mean) < 0.05)
        #expect(abs(variance.squareRoot() - DiscreteGaussian.sigma) < 0.05, "σ = \(variance.squareRoot())")
        #expect(e.allSatisfy { abs($0) <= Int64(DiscreteGaussian.bound) })
    }

    @Test func uniformResiduesStayBelowTheirModuli() {
        let basis = RNSBasis(moduli: [1_152_921_504_606_748_673, 1_099_510_054_913], logN: 10, backend: SwiftBackend())
        var stream = RandomStream(seed: [UInt8](repeating: 4, count: 32))
        let a = Sampler.uniform(basis: basis, moduliCount: 2, stream: &stream)
        for i in 0..<2 {
            let q = basis.moduli[i].value
            let residues = a.data[(i * 1024)..<((i + 1) * 1024)]
            #expect(residues.allSatisfy { $0 < q })
            // The top bit of the range is used: not a truncated sampler.
            #expect(residues.contains { $0 > q / 2 })
        }
    }
}
