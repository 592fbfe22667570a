import CShims
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

    /// The C keystream computes 16 blocks per AVX-512 vector and 8 per AVX2 vector: every path
    /// must give the words of one block at a time, from the RFC 8439 vector's block on and up to
    /// the counter's end (29 and 30 blocks: a run of 16, one of 8, then single blocks).
    @Test func everyKeystreamPathGivesTheSameWords() {
        // The key bytes 0, 1, …, 31 as little-endian words.
        let keyWords: [UInt32] = [
            0x0302_0100, 0x0706_0504, 0x0b0a_0908, 0x0f0e_0d0c, 0x1312_1110, 0x1716_1514, 0x1b1a_1918, 0x1f1e_1d1c,
        ]
        let nonce: [UInt32] = [0x0900_0000, 0x4a00_0000, 0]
        for (start, count) in [(UInt32(1), 29), (UInt32.max - 30, 30)] {
            var reference = [UInt32](repeating: 0, count: 16 * count)
            reference.withUnsafeMutableBufferPointer { out in
                for i in 0..<count {
                    hef_chacha20_blocks_on_path(0, out.baseAddress! + 16 * i, keyWords, nonce, start + UInt32(i), 1)
                }
            }
            if start == 1 { #expect(reference[0] == 0xe4e7_f110 && reference[15] == 0x4e3c_50a2) }
            for path in Int32(0)...3 {
                var words = [UInt32](repeating: 0, count: 16 * count)
                words.withUnsafeMutableBufferPointer {
                    hef_chacha20_blocks_on_path(path, $0.baseAddress!, keyWords, nonce, start, count)
                }
                #expect(words == reference, "path \(path), counter from \(start)")
            }
        }
    }

    /// Bulk words are the words next64() would give, from an odd 32-bit position too.
    @Test func bulkWordsEqualSingleWords() {
        let seed = [UInt8](repeating: 9, count: 32)
        var bulk = RandomStream(seed: seed)
        var single = RandomStream(seed: seed)
        #expect(bulk.next32() == single.next32())
        var words = [UInt64](repeating: 0, count: 1000)
        words.withUnsafeMutableBufferPointer { bulk.fill64($0.baseAddress!, count: 1000) }
        #expect(words == (0..<1000).map { _ in single.next64() })
        #expect(bulk.next32() == single.next32())
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
