import HefTestSupport
import Testing

@testable import HefRing

/// Element-wise arithmetic modulo q, reductions and lazy dot products, on both backends,
/// against plain `ScalarMod` arithmetic.
@Suite struct BackendVectorTests {
    static let backends = BackendUnderTest.allCases

    /// Tiny moduli, the prime sizes the schemes use, and the largest one the kernels accept.
    static let moduli: [UInt64] =
        [2, 3, 97, 1_073_479_681, 1_152_921_504_606_748_673, (1 << 62) - 57]
        + [20, 30, 40, 50, 59, 60, 61, 62].map { BackendUnderTest.native.primes(bits: $0, logN: 3, count: 1)[0] }

    @Test(arguments: backends, moduli)
    func elementwiseOperations(_ b: BackendUnderTest, qValue: UInt64) {
        let backend = b.backend
        let q = Modulus(qValue)
        var rng = SplitMix64(seed: qValue)
        let n = 1037
        let a = RingTestData.vector(n, qValue, &rng)
        var c = Array(RingTestData.vector(n, qValue, &rng).reversed())
        c[0] = qValue - 1
        c[1] = 0
        let acc = RingTestData.vector(n, qValue, &rng)
        var r = [UInt64](repeating: 0, count: n)

        backend.add(&r, a, c, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.add(a[$0], c[$0], qValue) })
        backend.subtract(&r, a, c, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.sub(a[$0], c[$0], qValue) })
        backend.negate(&r, a, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.sub(0, a[$0], qValue) })
        backend.multiply(&r, a, c, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.mul(a[$0], c[$0], qValue) })
        r = acc
        backend.multiplyAdd(&r, a, c, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.add(acc[$0], ScalarMod.mul(a[$0], c[$0], qValue), qValue) })
        for scalar in [0, 1 % qValue, qValue - 1, rng.next(below: qValue)] {
            backend.addScalar(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.add(a[$0], scalar, qValue) })
            backend.multiplyScalar(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.mul(a[$0], scalar, qValue) })
            r = acc
            backend.multiplyScalarAdd(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.add(acc[$0], ScalarMod.mul(a[$0], scalar, qValue), qValue) })
        }

        // In place (the result aliases the inputs).
        var x = a
        x.withUnsafeMutableBufferPointer { p in
            backend.add(p.baseAddress!, p.baseAddress!, c, count: n, modulus: q)
            backend.multiply(p.baseAddress!, p.baseAddress!, p.baseAddress!, count: n, modulus: q)
        }
        #expect(
            x
                == (0..<n).map {
                    let t = ScalarMod.add(a[$0], c[$0], qValue)
                    return ScalarMod.mul(t, t, qValue)
                })
        // The worst product, (q-1)^2.
        let worst = [UInt64](repeating: qValue - 1, count: 8)
        var square = [UInt64](repeating: 0, count: 8)
        backend.multiply(&square, worst, worst, count: 8, modulus: q)
        #expect(square == [UInt64](repeating: 1 % qValue, count: 8))
    }

    @Test(arguments: backends, moduli)
    func reductions(_ b: BackendUnderTest, qValue: UInt64) {
        let backend = b.backend
        let q = Modulus(qValue)
        var rng = SplitMix64(seed: ~qValue)
        var words: [UInt64] = [
            0, 1, qValue - 1, qValue, qValue + 1, 2 * qValue, 2 * qValue - 1, UInt64.max, UInt64.max - 1, 1 << 63,
        ]
        for _ in 0..<1000 { words.append(rng.next() >> UInt64.random(in: 0..<64, using: &rng)) }
        var r = [UInt64](repeating: 0, count: words.count)
        backend.reduce(&r, words, count: words.count, modulus: q)
        #expect(r == words.map { $0 % qValue })

        var signed: [Int64] = [
            0, 1, -1, Int64.min, Int64.max, Int64.min + 1, -Int64(qValue), Int64(qValue), -Int64(qValue) - 1,
            -Int64(qValue) + 1,
        ]
        for _ in 0..<1000 { signed.append(Int64(bitPattern: rng.next()) >> Int64.random(in: 0..<64, using: &rng)) }
        r = [UInt64](repeating: 0, count: signed.count)
        backend.reduceSigned(&r, signed, count: signed.count, modulus: q)
        #expect(r == signed.map { ScalarMod.reduce(signed: $0, qValue) })
    }

    /// Around the lazy-reduction block sizes (16, 32) and beyond, with worst-case words.
    @Test(arguments: backends, [0, 1, 2, 3, 5, 14, 15, 16, 17, 31, 32, 33, 64])
    func dotProduct(_ b: BackendUnderTest, terms: Int) {
        let backend = b.backend
        for qValue in [Self.moduli[4], Self.moduli[5], 97, Self.moduli.last!] {
            let q = Modulus(qValue)
            var rng = SplitMix64(seed: UInt64(terms) &* qValue)
            let n = 257
            // Every other term all q-1; each term's first three words q-1; the last coefficient
            // of every term q-1 on both sides.
            var a: [[UInt64]] = (0..<terms).map { t in
                t % 2 == 0 ? RingTestData.vector(n, qValue, &rng) : [UInt64](repeating: qValue - 1, count: n)
            }
            var c: [[UInt64]] = (0..<terms).map { _ in
                [UInt64](repeating: qValue - 1, count: 3) + RingTestData.vector(n - 3, qValue, &rng)
            }
            for t in 0..<terms {
                a[t][n - 1] = qValue - 1
                c[t][n - 1] = qValue - 1
            }
            var expected = [UInt64](repeating: 0, count: n)
            for t in 0..<terms {
                for i in 0..<n {
                    expected[i] = ScalarMod.add(expected[i], ScalarMod.mul(a[t][i], c[t][i], qValue), qValue)
                }
            }
            let pa = RingTestData.pointers(a)
            let pc = RingTestData.pointers(c)
            defer { for p in pa + pc { UnsafeMutablePointer(mutating: p).deallocate() } }
            var r = [UInt64](repeating: 12345, count: n)
            backend.dotProduct(&r, pa, pc, terms: terms, count: n, modulus: q)
            #expect(r == expected, "q = \(qValue)")
        }
    }
}
