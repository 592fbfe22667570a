import Testing
import NTLReference
@testable import HefRing
import HefTestSupport

@Suite struct NativeNTTTests {
    let backend = NativeBackend()

    static let cases: [(Int, Int)] = [
        (30, 10), (40, 10), (50, 10), (61, 10), (62, 10),
        (30, 13), (45, 13), (55, 13), (60, 13), (61, 13),
    ]

    @Test(arguments: cases)
    func roundTrip(bits: Int, logN: Int) {
        let q = NativeTestData.prime(bits: bits, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var rng = NativeTestRNG(seed: UInt64(bits * 100 + logN))
        let a = NativeTestData.vector(1 << logN, q.value, &rng)
        var b = a
        b.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        #expect(b.allSatisfy { $0 < q.value })
        b.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
        #expect(b == a)
    }

    @Test(arguments: cases)
    func negacyclicProductMatchesNTL(bits: Int, logN: Int) {
        let n = 1 << logN
        let q = NativeTestData.prime(bits: bits, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var rng = NativeTestRNG(seed: UInt64(bits * 1000 + logN))
        for trial in 0..<2 {
            let a = trial == 0 ? NativeTestData.vector(n, q.value, &rng) : [UInt64](repeating: q.value - 1, count: n)
            let b = NativeTestData.vector(n, q.value, &rng)
            var expected = [UInt64](repeating: 0, count: n)
            ntl_negacyclic_multiply(a, b, n, q.value, &expected)
            var fa = a, fb = b
            var product = [UInt64](repeating: 0, count: n)
            fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            fb.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            backend.multiply(&product, fa, fb, count: n, modulus: q)
            product.withUnsafeMutableBufferPointer { backend.inverseNTT($0.baseAddress!, tables: tables) }
            #expect(product == expected)
        }
    }

    /// Output slot i of the forward transform is the evaluation at psi^(2·bitrev(i)+1).
    @Test(arguments: [1, 2, 3, 6])
    func forwardIsEvaluationAtOddPowers(logN: Int) {
        let n = 1 << logN
        let q = NativeTestData.prime(bits: 50, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var rng = NativeTestRNG(seed: 5)
        let a = NativeTestData.vector(n, q.value, &rng)
        var f = a
        f.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        for i in 0..<n {
            let x = ScalarMod.pow(tables.psi, UInt64(2 * bitReverse(i, bits: logN) + 1), q.value)
            var value: UInt64 = 0
            for c in a.reversed() { value = ScalarMod.add(ScalarMod.mul(value, x, q.value), c, q.value) }
            #expect(f[i] == value)
        }
    }

    /// Slot permutation of X -> X^g in evaluation form: slot i (exponent e = 2·bitrev(i)+1) of
    /// a(X^g) is a evaluated at psi^(e·g), which sits in slot bitrev((e·g mod 2n − 1) / 2).
    static func galoisPermutation(_ g: Int, logN: Int) -> [UInt32] {
        let n = 1 << logN
        let twoN = 2 * n
        let gg = ((g % twoN) + twoN) % twoN
        return (0..<n).map { i in
            let e = 2 * bitReverse(i, bits: logN) + 1
            let target = (e * gg) % twoN
            return UInt32(bitReverse((target - 1) / 2, bits: logN))
        }
    }

    @Test(arguments: [3, 10, 13])
    func automorphismMatchesSlotPermutation(logN: Int) {
        let n = 1 << logN
        let q = NativeTestData.prime(bits: 55, logN: logN)
        let tables = backend.numberTheory.makeNTTTables(modulus: q, logN: logN)
        var rng = NativeTestRNG(seed: UInt64(logN))
        let a = NativeTestData.vector(n, q.value, &rng)
        var galois = [1, 3, 5, 25, 2 * n - 1, -5, 4 * n + 5]
        galois.append(Int(ScalarMod.pow(5, 7, UInt64(2 * n))))
        for g in galois {
            var coefficientForm = [UInt64](repeating: 0, count: n)
            backend.automorphismCoefficients(&coefficientForm, a, galoisElement: g, count: n, modulus: q)
            coefficientForm.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            var fa = a
            fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
            let permutation = Self.galoisPermutation(g, logN: logN)
            var permuted = [UInt64](repeating: 0, count: n)
            backend.permute(&permuted, fa, permutation: permutation, count: n)
            #expect(permuted == coefficientForm, "g = \(g)")
        }
        // Coefficient form against the definition.
        var r = [UInt64](repeating: 0, count: n)
        backend.automorphismCoefficients(&r, a, galoisElement: 3, count: n, modulus: q)
        for i in 0..<n {
            let j = (3 * i) % (2 * n)
            if j < n { #expect(r[j] == a[i]) } else { #expect(r[j - n] == (a[i] == 0 ? 0 : q.value - a[i])) }
        }
    }
}

@Suite struct NativeVectorTests {
    let backend = NativeBackend()
    static let moduli: [UInt64] = [2, 3, 97, 1_073_479_681, 1_152_921_504_606_748_673, (1 << 62) - 57,
                                   NativeBackend().numberTheory.nttPrimes(bitWidth: 62, logN: 13, count: 1, excluding: [])[0]]
    static let count = 1037

    @Test(arguments: moduli)
    func elementwiseOps(qValue: UInt64) {
        let q = Modulus(qValue)
        var rng = NativeTestRNG(seed: qValue)
        let n = Self.count
        let a = NativeTestData.vector(n, qValue, &rng)
        let b = NativeTestData.vector(n, qValue, &rng).reversed().map { $0 }
        let c = NativeTestData.vector(n, qValue, &rng)
        let s = UInt64.random(in: 0..<qValue, using: &rng)
        var r = [UInt64](repeating: 0, count: n)

        backend.add(&r, a, b, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.add(a[$0], b[$0], qValue) })
        backend.subtract(&r, a, b, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.sub(a[$0], b[$0], qValue) })
        backend.negate(&r, a, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.sub(0, a[$0], qValue) })
        backend.multiply(&r, a, b, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.mul(a[$0], b[$0], qValue) })
        for scalar in [s, 0, qValue - 1] {
            backend.addScalar(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.add(a[$0], scalar, qValue) })
            backend.multiplyScalar(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.mul(a[$0], scalar, qValue) })
            r = c
            backend.multiplyScalarAdd(&r, a, scalar: scalar, count: n, modulus: q)
            #expect(r == (0..<n).map { ScalarMod.add(c[$0], ScalarMod.mul(a[$0], scalar, qValue), qValue) })
        }
        r = c
        backend.multiplyAdd(&r, a, b, count: n, modulus: q)
        #expect(r == (0..<n).map { ScalarMod.add(c[$0], ScalarMod.mul(a[$0], b[$0], qValue), qValue) })

        // In place (result aliases an input).
        var x = a
        x.withUnsafeMutableBufferPointer { p in
            backend.add(p.baseAddress!, p.baseAddress!, b, count: n, modulus: q)
            backend.multiply(p.baseAddress!, p.baseAddress!, p.baseAddress!, count: n, modulus: q)
        }
        #expect(x == (0..<n).map { let t = ScalarMod.add(a[$0], b[$0], qValue); return ScalarMod.mul(t, t, qValue) })
    }

    @Test(arguments: moduli)
    func reductions(qValue: UInt64) {
        let q = Modulus(qValue)
        var rng = NativeTestRNG(seed: ~qValue)
        var words: [UInt64] = [0, 1, qValue - 1, qValue, qValue + 1, 2 * qValue, UInt64.max, UInt64.max - 1, 1 << 63]
        for _ in 0..<1000 { words.append(rng.next() >> UInt64.random(in: 0..<64, using: &rng)) }
        var r = [UInt64](repeating: 0, count: words.count)
        backend.reduce(&r, words, count: words.count, modulus: q)
        #expect(r == words.map { $0 % qValue })

        var signed: [Int64] = [0, 1, -1, Int64.min, Int64.max, Int64.min + 1, -Int64(qValue), Int64(qValue), -Int64(qValue) - 1]
        for _ in 0..<1000 { signed.append(Int64(bitPattern: rng.next()) >> Int64.random(in: 0..<64, using: &rng)) }
        r = [UInt64](repeating: 0, count: signed.count)
        backend.reduceSigned(&r, signed, count: signed.count, modulus: q)
        #expect(r == signed.map { ScalarMod.reduce(signed: $0, qValue) })
    }

    @Test(arguments: [1, 3, 14, 15, 16, 17, 31, 64])
    func dotProduct(terms: Int) {
        for qValue in [Self.moduli[4], Self.moduli[5], 97] {
            let q = Modulus(qValue)
            var rng = NativeTestRNG(seed: UInt64(terms) &* qValue)
            let n = 257
            // Worst case first: every word q-1.
            let a: [[UInt64]] = (0..<terms).map { t in t % 2 == 0 ? NativeTestData.vector(n, qValue, &rng) : [UInt64](repeating: qValue - 1, count: n) }
            let b: [[UInt64]] = (0..<terms).map { _ in [UInt64](repeating: qValue - 1, count: 3) + NativeTestData.vector(n - 3, qValue, &rng) }
            var expected = [UInt64](repeating: 0, count: n)
            for t in 0..<terms {
                for i in 0..<n { expected[i] = ScalarMod.add(expected[i], ScalarMod.mul(a[t][i], b[t][i], qValue), qValue) }
            }
            var r = [UInt64](repeating: 0, count: n)
            let pa = a.map { v -> UnsafePointer<UInt64> in
                let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n); p.initialize(from: v, count: n); return UnsafePointer(p)
            }
            let pb = b.map { v -> UnsafePointer<UInt64> in
                let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n); p.initialize(from: v, count: n); return UnsafePointer(p)
            }
            defer { (pa + pb).forEach { UnsafeMutablePointer(mutating: $0).deallocate() } }
            backend.dotProduct(&r, pa, pb, terms: terms, count: n, modulus: q)
            #expect(r == expected)
        }
    }
}
