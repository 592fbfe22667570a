import Testing
@testable import HefRing
import HefTestSupport

@Suite struct SwiftBackendAutomorphismTests {
    let backend = SwiftBackend()

    static func galoisElements(logN: Int) -> [Int] {
        let twoN = 2 << logN
        var gs = [1, 3, twoN - 1, twoN + 5 /* reduced mod 2n */]
        var g = 1
        for _ in 0..<6 { g = g * 5 % twoN; gs.append(g) }
        return gs
    }

    @Test(arguments: [3, 8, 10])
    func coefficientAutomorphismDefinition(logN: Int) {
        let n = 1 << logN
        let q = backend.numberTheory.nttPrimes(bitWidth: 50, logN: logN, count: 1, excluding: [])[0]
        var rng = SplitMix64(seed: UInt64(logN))
        let a = rng.residues(n, q)
        for g in Self.galoisElements(logN: logN) {
            var expected = [UInt64](repeating: 0, count: n)
            for i in 0..<n {
                let e = (i * g) % (2 * n)
                if e < n { expected[e] = a[i] } else { expected[e - n] = ScalarMod.sub(0, a[i], q) }
            }
            var r = [UInt64](repeating: 0, count: n)
            r.withUnsafeMutableBufferPointer {
                backend.automorphismCoefficients($0.baseAddress!, a, galoisElement: g, count: n, modulus: Modulus(q))
            }
            #expect(r == expected, "g = \(g)")
        }
    }

    /// NTT(automorphism(a)) == permute(NTT(a), nttGaloisPermutation(g)).
    @Test(arguments: [1, 2, 4, 8, 11])
    func evaluationPermutationMatchesCoefficientAutomorphism(logN: Int) {
        let n = 1 << logN
        let q = backend.numberTheory.nttPrimes(bitWidth: 61, logN: logN, count: 1, excluding: [])[0]
        let modulus = Modulus(q)
        let tables = backend.numberTheory.makeNTTTables(modulus: modulus, logN: logN)
        var rng = SplitMix64(seed: UInt64(logN) + 1000)
        let a = rng.residues(n, q)
        var fa = a
        fa.withUnsafeMutableBufferPointer { backend.forwardNTT($0.baseAddress!, tables: tables) }
        for g in Self.galoisElements(logN: logN) {
            let permutation = nttGaloisPermutation(galoisElement: g, logN: logN)
            #expect(Set(permutation).count == n && permutation.allSatisfy { Int($0) < n })
            var viaCoefficients = [UInt64](repeating: 0, count: n)
            viaCoefficients.withUnsafeMutableBufferPointer {
                backend.automorphismCoefficients($0.baseAddress!, a, galoisElement: g, count: n, modulus: modulus)
                backend.forwardNTT($0.baseAddress!, tables: tables)
            }
            var viaPermutation = [UInt64](repeating: 0, count: n)
            viaPermutation.withUnsafeMutableBufferPointer {
                backend.permute($0.baseAddress!, fa, permutation: permutation, count: n)
            }
            #expect(viaPermutation == viaCoefficients, "g = \(g)")
        }
    }
}

@Suite struct SwiftBackendRNSTests {
    let backend = SwiftBackend()

    func moduli(_ bits: [Int], logN: Int = 4) -> [Modulus] {
        var used = Set<UInt64>()
        return bits.map { b in
            let q = backend.numberTheory.nttPrimes(bitWidth: b, logN: logN, count: 1, excluding: used)[0]
            used.insert(q)
            return Modulus(q)
        }
    }

    @Test(arguments: [[60], [30, 40], [61, 61, 61], [50, 36, 60, 45, 55], Array(repeating: 62, count: 20)])
    func convertBasisMatchesDefinition(inputBits: [Int]) {
        let all = moduli(inputBits + [59, 62, 31, 50])
        let input = Array(all.prefix(inputBits.count))
        let output = Array(all.suffix(4))
        let tables = BasisConversionTables(input: input, output: output)
        let n = 300   // more than one accumulation block
        var rng = SplitMix64(seed: UInt64(inputBits.count))
        var x: [UInt64] = []
        for q in input { x += rng.residues(n, q.value) }
        var expected: [UInt64] = []
        for (j, p) in output.enumerated() {
            for c in 0..<n {
                var s: UInt64 = 0
                for (i, q) in input.enumerated() {
                    let y = ScalarMod.mul(x[i * n + c], tables.qHatInverse[i], q.value)
                    s = ScalarMod.add(s, ScalarMod.mul(y % p.value, tables.qHatModP[j * input.count + i], p.value), p.value)
                }
                expected.append(s)
            }
        }
        var out = [UInt64](repeating: 0, count: output.count * n)
        out.withUnsafeMutableBufferPointer { backend.convertBasis($0.baseAddress!, x, tables: tables, count: n) }
        #expect(out == expected)
    }

    @Test(arguments: [[60], [30, 40], [61, 61, 61], [50, 36, 60, 45, 55], Array(repeating: 62, count: 25)])
    func crtTablesAndComposition(bits: [Int]) {
        let qs = moduli(bits)
        let t = backend.numberTheory.makeCRTTables(moduli: qs)
        let L = t.limbCount
        #expect(L == CRTTables.limbCount(for: qs))
        // Table checks: Q ≡ 0, Q/q_i · q_i = Q, inverse property, half·2 ∈ {Q, Q-1}.
        for (i, q) in qs.enumerated() {
            #expect(Reference.limbsMod(t.modulusProduct[...], q.value) == 0)
            let hat = t.qHat[(i * L)..<((i + 1) * L)]
            #expect(Reference.limbsMod(hat, q.value) != 0)
            #expect(ScalarMod.mul(Reference.limbsMod(hat, q.value), t.qHatInverse[i], q.value) == 1)
            for (k, p) in qs.enumerated() where k != i { #expect(Reference.limbsMod(hat, p.value) == 0) }
        }
        var halfTimesTwo = t.halfProduct.map { $0 << 1 }
        for l in 1..<L { halfTimesTwo[l] |= t.halfProduct[l - 1] >> 63 }
        let oddQ = t.modulusProduct[0] & 1 == 1
        var expectQ = halfTimesTwo
        if oddQ { expectQ[0] |= 1 }
        #expect(expectQ == t.modulusProduct)

        let n = 200
        var rng = SplitMix64(seed: UInt64(bits.count) * 17)
        var residues: [UInt64] = []
        for q in qs { residues += rng.residues(n, q.value) }
        // Coefficient 0: all q_i - 1 (that is, Q - 1); coefficient 1: all zero.
        for i in qs.indices { residues[i * n] = qs[i].value - 1; residues[i * n + 1] = 0 }
        var out = [UInt64](repeating: 0, count: n * L)
        out.withUnsafeMutableBufferPointer { backend.composeCRT($0.baseAddress!, residues, tables: t, count: n) }
        for c in 0..<n {
            let limbs = out[(c * L)..<((c + 1) * L)]
            for (i, q) in qs.enumerated() {
                #expect(Reference.limbsMod(limbs, q.value) == residues[i * n + c])
            }
            // Below Q: compare from the top limb.
            #expect(Array(limbs).reversed().lexicographicallyPrecedes(t.modulusProduct.reversed()))
        }
        var qMinusOne = t.modulusProduct
        qMinusOne[0] -= 1   // Q is odd
        #expect(Array(out[0..<L]) == qMinusOne)
        #expect(out[L..<(2 * L)].allSatisfy { $0 == 0 })
    }

    /// Residues of a signed multi-word value (magnitude limbs, little-endian).
    func residuesOf(magnitude: [UInt64], negative: Bool, _ qs: [Modulus]) -> [UInt64] {
        qs.map { q in
            let r = Reference.limbsMod(magnitude[...], q.value)
            return negative ? ScalarMod.sub(0, r, q.value) : r
        }
    }

    @Test(arguments: [[60], [61, 50], [40, 40, 40], [62, 62, 62, 62, 62], Array(repeating: 60, count: 22)])
    func composeCenteredSlowAndFastPaths(bits: [Int]) {
        let qs = moduli(bits)
        let t = backend.numberTheory.makeCRTTables(moduli: qs)
        let L = t.limbCount
        let q0 = qs[0].value
        var rng = SplitMix64(seed: UInt64(bits.reduce(0, +)))
        var cases: [(magnitude: [UInt64], negative: Bool)] = []
        func word(_ v: UInt64) -> [UInt64] { [v] + [UInt64](repeating: 0, count: L - 1) }
        // Fast path candidates: small values, values above 2^53 (truncation), ±floor(q0/2).
        for v: UInt64 in [0, 1, 2, 12345, (1 << 53) - 1, 1 << 53, (1 << 53) + 1, (1 << 55) + 7, q0 / 2, q0 / 2 - 1] where v <= q0 / 2 {
            cases.append((word(v), false))
            if v != 0 && v != q0 / 2 || qs.count > 1 { cases.append((word(v), true)) }
        }
        for _ in 0..<50 { cases.append((word(rng.next(below: q0 / 2)), rng.next() & 1 == 1)) }
        // Slow path: random multi-word magnitudes below Q/2 (drop the top bits of floor(Q/2)).
        for _ in 0..<200 {
            var m = t.halfProduct
            let top = m.lastIndex { $0 != 0 }!
            let keep = Int(rng.next(below: UInt64(top + 1)))
            for l in 0..<L {
                if l < keep { m[l] = rng.next() } else if l == keep { m[l] = keep == top ? rng.next(below: m[l]) : rng.next() } else { m[l] = 0 }
            }
            cases.append((m, rng.next() & 1 == 1))
        }
        // Boundaries: floor(Q/2) is positive; floor(Q/2)+1 lifts to -(Q - floor(Q/2) - 1) = -floor(Q/2) (Q odd).
        cases.append((t.halfProduct, false))
        cases.append((t.halfProduct, true))
        let n = cases.count
        var residues = [UInt64](repeating: 0, count: qs.count * n)
        for (c, item) in cases.enumerated() {
            let r = residuesOf(magnitude: item.magnitude, negative: item.negative, qs)
            for i in qs.indices { residues[i * n + c] = r[i] }
        }
        for factor in [1.0, 0.5, -3.0e-10] {
            var out = [Double](repeating: .nan, count: n)
            out.withUnsafeMutableBufferPointer { backend.composeCentered($0.baseAddress!, residues, tables: t, count: n, factor: factor) }
            for (c, item) in cases.enumerated() {
                let mag = Reference.truncatedDouble(item.magnitude)
                let expected = (item.negative ? -mag : mag) * factor
                #expect(out[c] == expected || (out[c] == 0 && expected == 0), "case \(c): \(item)")
            }
        }
        // With a single modulus the fast path is the whole story: [0, q0) lifted by x > floor(q0/2).
        if qs.count == 1 {
            let xs: [UInt64] = [0, 1, q0 / 2, q0 / 2 + 1, q0 - 1]
            var out = [Double](repeating: .nan, count: xs.count)
            out.withUnsafeMutableBufferPointer { backend.composeCentered($0.baseAddress!, xs, tables: t, count: xs.count, factor: 1) }
            let expected = xs.map { x -> Double in
                x > q0 / 2 ? -Reference.truncatedDouble([q0 - x]) : Reference.truncatedDouble([x])
            }
            #expect(out == expected)
        }
    }
}
