import HefTestSupport
import NTLReference
import Testing

@testable import HefRing

/// Forward and inverse NTT and automorphisms, on both backends, against direct evaluation,
/// schoolbook negacyclic products and NTL.
@Suite struct BackendNTTTests {
    static let backends = BackendUnderTest.allCases

    static let sizes: [(bits: Int, logN: Int)] = [
        (30, 10), (40, 10), (50, 10), (61, 10), (62, 10),
        (30, 13), (45, 13), (55, 13), (60, 13), (61, 13),
    ]

    @Test(arguments: backends, sizes)
    func roundTripAndProductMatchNTL(_ b: BackendUnderTest, size: (bits: Int, logN: Int)) {
        let backend = b.backend
        let n = 1 << size.logN
        let q = b.prime(bits: size.bits, logN: size.logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: size.logN)
        var rng = SplitMix64(seed: UInt64(size.bits * 1000 + size.logN))
        for trial in 0..<2 {
            // The second trial is the worst case: every coefficient q - 1.
            let a = trial == 0 ? RingTestData.vector(n, q.value, &rng) : [UInt64](repeating: q.value - 1, count: n)
            let c = RingTestData.vector(n, q.value, &rng)
            var fa = a
            var fc = c
            fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            fc.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            #expect(fa.allSatisfy { $0 < q.value })
            var back = fa
            back.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            #expect(back == a)
            var product = [UInt64](repeating: 0, count: n)
            backend.multiply(&product, fa, fc, count: n, modulus: q)
            product.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            var expected = [UInt64](repeating: 0, count: n)
            ntl_negacyclic_multiply(a, c, n, q.value, &expected)
            #expect(product == expected)
        }
    }

    /// Small rings, every prime size: the product against the schoolbook reference.
    @Test(arguments: backends, [30, 36, 45, 50, 55, 60, 61, 62])
    func productMatchesSchoolbook(_ b: BackendUnderTest, bits: Int) {
        let backend = b.backend
        for logN in 8...10 {
            let n = 1 << logN
            let q = b.prime(bits: bits, logN: logN)
            let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
            var rng = SplitMix64(seed: UInt64(bits * 31 + logN))
            let a = rng.residues(n, q.value)
            let c = rng.residues(n, q.value)
            var fa = a
            var fc = c
            fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            fc.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            var product = [UInt64](repeating: 0, count: n)
            backend.multiply(&product, fa, fc, count: n, modulus: q)
            product.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            #expect(product == Reference.negacyclicProduct(a, c, q.value))
        }
    }

    /// Output slot i of the forward transform is the evaluation at psi^(2·bitrev(i)+1).
    @Test(arguments: backends, [1, 2, 3, 5, 6])
    func forwardIsEvaluationAtOddPowers(_ b: BackendUnderTest, logN: Int) {
        let backend = b.backend
        let n = 1 << logN
        for bits in [30, 50, 62] {
            let q = b.prime(bits: bits, logN: logN)
            let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
            var rng = SplitMix64(seed: UInt64(logN * 100 + bits))
            let a = rng.residues(n, q.value)
            var f = a
            f.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            for i in 0..<n {
                let point = ScalarMod.pow(tables.psi, UInt64(2 * bitReverse(i, bits: logN) + 1), q.value)
                #expect(f[i] == Reference.evaluate(a, at: point, q.value))
            }
        }
    }

    @Test(arguments: backends)
    func allMaximalInputs(_ b: BackendUnderTest) {
        let backend = b.backend
        let logN = 12
        let n = 1 << logN
        let q = b.prime(bits: 62, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var a = [UInt64](repeating: q.value - 1, count: n)
        a.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        #expect(a.allSatisfy { $0 < q.value })
        a.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
        #expect(a == [UInt64](repeating: q.value - 1, count: n))
    }

    static func galoisElements(logN: Int) -> [Int] {
        let twoN = 2 << logN
        // twoN + 5 is reduced mod 2n by the kernels; -5 is the inverse direction.
        var elements = [1, 3, 25, twoN - 1, twoN + 5, -5]
        var g = 1
        for _ in 0..<6 {
            g = g * 5 % twoN
            elements.append(g)
        }
        return elements
    }

    @Test(arguments: backends, [3, 8, 10])
    func coefficientAutomorphismDefinition(_ b: BackendUnderTest, logN: Int) {
        let n = 1 << logN
        let q = b.prime(bits: 50, logN: logN)
        var rng = SplitMix64(seed: UInt64(logN))
        let a = rng.residues(n, q.value)
        for g in Self.galoisElements(logN: logN) {
            var r = [UInt64](repeating: 0, count: n)
            b.backend.automorphismCoefficients(&r, a, galoisElement: g, count: n, modulus: q)
            #expect(r == Reference.automorphism(a, g, q.value), "g = \(g)")
        }
    }

    /// Slot permutation of X -> X^g in evaluation form, derived independently: slot i (exponent
    /// e = 2·bitrev(i)+1) of a(X^g) is a evaluated at psi^(e·g), which sits in slot
    /// bitrev((e·g mod 2n − 1) / 2).
    static func slotPermutation(_ g: Int, logN: Int) -> [UInt32] {
        let n = 1 << logN
        let twoN = 2 * n
        let gg = ((g % twoN) + twoN) % twoN
        return (0..<n).map { i in
            let e = 2 * bitReverse(i, bits: logN) + 1
            let target = (e * gg) % twoN
            return UInt32(bitReverse((target - 1) / 2, bits: logN))
        }
    }

    /// NTT(automorphism(a)) == permute(NTT(a), nttGaloisPermutation(g)).
    @Test(arguments: backends, [1, 2, 4, 8, 11, 13])
    func evaluationPermutationMatchesCoefficientAutomorphism(_ b: BackendUnderTest, logN: Int) {
        let backend = b.backend
        let n = 1 << logN
        let q = b.prime(bits: 61, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var rng = SplitMix64(seed: UInt64(logN) + 1000)
        let a = rng.residues(n, q.value)
        var fa = a
        fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        for g in Self.galoisElements(logN: logN) {
            let permutation = nttGaloisPermutation(galoisElement: g, logN: logN)
            #expect(permutation == Self.slotPermutation(g, logN: logN), "g = \(g)")
            var viaCoefficients = [UInt64](repeating: 0, count: n)
            backend.automorphismCoefficients(&viaCoefficients, a, galoisElement: g, count: n, modulus: q)
            viaCoefficients.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            var viaPermutation = [UInt64](repeating: 0, count: n)
            backend.permute(&viaPermutation, fa, permutation: permutation, count: n)
            #expect(viaPermutation == viaCoefficients, "g = \(g)")
        }
    }
}
