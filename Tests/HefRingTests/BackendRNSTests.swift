import HefTestSupport
import NTLReference
import Testing

@testable import HefRing

/// Basis conversion, CRT composition and the centered lift to Double, on both backends,
/// against their definitions and NTL.
@Suite struct BackendRNSTests {
    static let backends = BackendUnderTest.allCases

    static let conversions: [(input: [Int], output: [Int])] = [
        ([60], [50]), ([60, 60, 60], [50, 50]), ([30, 40], [59, 62, 31, 50]), ([61, 61, 61], [59, 62, 31, 50]),
        ([50, 36, 60, 45, 55], [59, 62, 31, 50]), ([60, 60], [50, 50, 50, 50, 50]),
        (Array(repeating: 62, count: 20), [59, 62, 31, 50]), (Array(repeating: 60, count: 17), [50]),
    ]

    @Test(arguments: backends, conversions)
    func convertBasisMatchesDefinition(_ b: BackendUnderTest, bits: (input: [Int], output: [Int])) {
        let all = b.distinctPrimes(bits.input + bits.output, logN: 12)
        let input = Array(all.prefix(bits.input.count))
        let output = Array(all.suffix(bits.output.count))
        let tables = BasisConversionTables(input: input, output: output)
        let count = 333 // more than one accumulation block
        var rng = SplitMix64(seed: UInt64(input.count * 31 + output.count))
        var x: [UInt64] = []
        for q in input { x += RingTestData.vector(count, q.value, &rng) }
        var expected: [UInt64] = []
        for (j, p) in output.enumerated() {
            for c in 0..<count {
                var sum: UInt64 = 0
                for (i, q) in input.enumerated() {
                    let y = ScalarMod.mul(x[i * count + c], tables.qHatInverse[i], q.value)
                    sum = ScalarMod.add(
                        sum, ScalarMod.mul(y % p.value, tables.qHatModP[j * input.count + i], p.value), p.value)
                }
                expected.append(sum)
            }
        }
        var out = [UInt64](repeating: 0, count: output.count * count)
        b.backend.convertBasis(&out, x, tables: tables, count: count)
        #expect(out == expected)
    }

    /// Output moduli larger than the input ones (y_i not reduced mod p_j): small integers x
    /// come out as x + e·Q with 0 ≤ e < k.
    @Test(arguments: backends)
    func convertBasisSmallToLarge(_ b: BackendUnderTest) {
        let all = b.distinctPrimes([36, 36, 36, 36, 62, 62], logN: 12)
        let input = Array(all.prefix(4))
        let output = Array(all.suffix(2))
        let tables = BasisConversionTables(input: input, output: output)
        let values: [UInt64] = [0, 1, 2, 12345, 1 << 35]
        let count = values.count
        var x: [UInt64] = []
        for q in input { x += values.map { $0 % q.value } }
        var out = [UInt64](repeating: 0, count: 2 * count)
        b.backend.convertBasis(&out, x, tables: tables, count: count)
        for (j, p) in output.enumerated() {
            let qModP = input.reduce(UInt64(1)) { ScalarMod.mul($0, $1.value % p.value, p.value) }
            for c in 0..<count {
                let candidates = (0..<UInt64(input.count)).map {
                    ScalarMod.add(values[c] % p.value, ScalarMod.mul($0, qModP, p.value), p.value)
                }
                #expect(candidates.contains(out[j * count + c]))
            }
        }
    }

    static let crtBases: [[Int]] = [
        [30], [60], [30, 40], [45, 60], [61, 61, 61], [30, 45, 60, 62], [50, 36, 60, 45, 55],
        [62, 62, 62, 62, 62, 62], Array(repeating: 62, count: 25),
    ]

    @Test(arguments: backends, crtBases)
    func crtTablesAndCompositionMatchNTL(_ b: BackendUnderTest, bits: [Int]) {
        let qs = b.distinctPrimes(bits, logN: 12)
        let t = b.backend.numberTheory.makeCRTTables(moduli: qs)
        let limbs = t.limbCount
        #expect(limbs == CRTTables.limbCount(for: qs))
        // Tables: Q ≡ 0, Q/q_i invertible mod q_i and 0 mod the others, 2·⌊Q/2⌋ + 1 = Q.
        for (i, q) in qs.enumerated() {
            #expect(Reference.limbsMod(t.modulusProduct[...], q.value) == 0)
            let hat = t.qHat[(i * limbs)..<((i + 1) * limbs)]
            #expect(ScalarMod.mul(Reference.limbsMod(hat, q.value), t.qHatInverse[i], q.value) == 1)
            for (k, p) in qs.enumerated() where k != i { #expect(Reference.limbsMod(hat, p.value) == 0) }
        }
        var halfTimesTwoPlusOne = t.halfProduct.map { $0 << 1 }
        for l in 1..<limbs { halfTimesTwoPlusOne[l] |= t.halfProduct[l - 1] >> 63 }
        halfTimesTwoPlusOne[0] |= 1 // Q is odd
        #expect(halfTimesTwoPlusOne == t.modulusProduct)

        let count = 200
        var rng = SplitMix64(seed: UInt64(bits.count) * 17)
        var residues: [UInt64] = []
        for q in qs { residues += RingTestData.vector(count, q.value, &rng) }
        // Coefficient 0: all q_i - 1 (that is, Q - 1); coefficient 1: all zero.
        for i in qs.indices {
            residues[i * count] = qs[i].value - 1
            residues[i * count + 1] = 0
        }
        var out = [UInt64](repeating: 0, count: count * limbs)
        b.backend.composeCRT(&out, residues, tables: t, count: count)
        var expected = [UInt64](repeating: 0, count: count * limbs)
        ntl_crt_compose(residues, qs.map(\.value), qs.count, count, &expected, limbs)
        #expect(out == expected)
        var qMinusOne = t.modulusProduct
        qMinusOne[0] -= 1
        #expect(Array(out[0..<limbs]) == qMinusOne)
        #expect(out[limbs..<(2 * limbs)].allSatisfy { $0 == 0 })
    }

    /// Residues of a signed multi-word value (magnitude limbs, little-endian).
    static func residues(magnitude: [UInt64], negative: Bool, _ qs: [Modulus]) -> [UInt64] {
        qs.map { q in
            let r = Reference.limbsMod(magnitude[...], q.value)
            return negative ? ScalarMod.sub(0, r, q.value) : r
        }
    }

    /// The centered lift of random residues (the slow, multi-word path), against NTL's CRT.
    @Test(arguments: backends, [1, 2, 3, 5, 8])
    func composeCenteredMatchesNTL(_ b: BackendUnderTest, k: Int) {
        let qs = b.distinctPrimes(Array(repeating: 60, count: k), logN: 12)
        let t = b.backend.numberTheory.makeCRTTables(moduli: qs)
        let limbs = t.limbCount
        let count = 200
        var rng = SplitMix64(seed: 77 + UInt64(k))
        var residues: [UInt64] = []
        for q in qs { residues += RingTestData.vector(count, q.value, &rng) }
        var composed = [UInt64](repeating: 0, count: count * limbs)
        ntl_crt_compose(residues, qs.map(\.value), k, count, &composed, limbs)
        for factor in [1.0, 0.5, 1.0 / 3.0, -2.0e-10] {
            var out = [Double](repeating: .nan, count: count)
            b.backend.composeCentered(&out, residues, tables: t, count: count, factor: factor)
            for c in 0..<count {
                let x = Array(composed[c * limbs..<(c + 1) * limbs])
                // Above ⌊Q/2⌋ lifts to x − Q.
                let negative = !x.reversed().lexicographicallyPrecedes(t.halfProduct.reversed()) && x != t.halfProduct
                var magnitude = x
                if negative {
                    var borrow: UInt64 = 0
                    for l in 0..<limbs {
                        let (d1, o1) = t.modulusProduct[l].subtractingReportingOverflow(x[l])
                        let (d2, o2) = d1.subtractingReportingOverflow(borrow)
                        magnitude[l] = d2
                        borrow = (o1 || o2) ? 1 : 0
                    }
                }
                let m = Reference.truncatedDouble(magnitude)
                #expect(out[c] == (negative ? -m : m) * factor, "k=\(k) c=\(c)")
            }
        }
    }

    /// Chosen values on both sides of the fast path's limit (|x| ≤ ⌊q0/2⌋ fits one word),
    /// beyond 2^53 (truncation), and multi-word magnitudes up to ⌊Q/2⌋.
    @Test(
        arguments: backends,
        [
            [60], [61, 50], [40, 40, 40], [61, 61, 61, 61, 61, 61], [62, 62, 62, 62, 62],
            Array(repeating: 60, count: 22),
        ])
    func composeCenteredChosenValues(_ b: BackendUnderTest, bits: [Int]) {
        let qs = b.distinctPrimes(bits)
        let t = b.backend.numberTheory.makeCRTTables(moduli: qs)
        let limbs = t.limbCount
        let q0 = qs[0].value
        var rng = SplitMix64(seed: UInt64(bits.reduce(0, +)))
        var cases: [(magnitude: [UInt64], negative: Bool)] = []
        func word(_ v: UInt64) -> [UInt64] { [v] + [UInt64](repeating: 0, count: limbs - 1) }
        let small: [UInt64] = [
            0, 1, 2, 12345, (1 << 53) - 1, 1 << 53, (1 << 53) + 1, (1 << 55) + 7, (1 << 59) + 12345, q0 / 2, q0 / 2 - 1,
        ]
        for v in small where v <= q0 / 2 {
            cases.append((word(v), false))
            if v != 0 { cases.append((word(v), true)) }
        }
        for _ in 0..<300 { cases.append((word(rng.next(below: q0 / 2) >> rng.next(below: 60)), rng.next() & 1 == 1)) }
        // Just beyond q0/2, and much larger: the fast path must not be taken.
        if qs.count > 1 {
            for v in [q0 / 2 + 1, q0 + 5, 1 << 62, UInt64(Int64.max)] { cases.append((word(v), rng.next() & 1 == 1)) }
        }
        // Random multi-word magnitudes below ⌊Q/2⌋ (drop the top bits).
        for _ in 0..<200 {
            var m = t.halfProduct
            let top = m.lastIndex { $0 != 0 }!
            let keep = Int(rng.next(below: UInt64(top + 1)))
            for l in 0..<limbs {
                if l < keep {
                    m[l] = rng.next()
                } else if l == keep {
                    m[l] = keep == top ? rng.next(below: m[l]) : rng.next()
                } else {
                    m[l] = 0
                }
            }
            cases.append((m, rng.next() & 1 == 1))
        }
        // ⌊Q/2⌋ is positive; ⌊Q/2⌋ + 1 lifts to −⌊Q/2⌋ (Q odd).
        cases.append((t.halfProduct, false))
        cases.append((t.halfProduct, true))
        let n = cases.count
        var residues = [UInt64](repeating: 0, count: qs.count * n)
        for (c, item) in cases.enumerated() {
            let r = Self.residues(magnitude: item.magnitude, negative: item.negative, qs)
            for i in qs.indices { residues[i * n + c] = r[i] }
        }
        for factor in [1.0, 0.25, -3.0e-10] {
            var out = [Double](repeating: .nan, count: n)
            b.backend.composeCentered(&out, residues, tables: t, count: n, factor: factor)
            for (c, item) in cases.enumerated() {
                let m = Reference.truncatedDouble(item.magnitude)
                let expected = (item.negative ? -m : m) * factor
                #expect(out[c] == expected || (out[c] == 0 && expected == 0), "case \(c): \(item)")
            }
        }
        // With a single modulus the fast path is the whole story: [0, q0) lifted by x > ⌊q0/2⌋.
        if qs.count == 1 {
            let xs: [UInt64] = [0, 1, q0 / 2, q0 / 2 + 1, q0 - 1]
            var out = [Double](repeating: .nan, count: xs.count)
            b.backend.composeCentered(&out, xs, tables: t, count: xs.count, factor: 1)
            #expect(
                out == xs.map { $0 > q0 / 2 ? -Reference.truncatedDouble([q0 - $0]) : Reference.truncatedDouble([$0]) })
        }
    }
}

/// ModDown divides by P with rounding exactly, whatever the number of special primes: for
/// x = P·z + r with |r| < P/2 it returns z, coefficient by coefficient. (The fast conversion
/// alone returns z − v with an overflow 0 ≤ v < K: a bias that decryption multiplies by s.)
@Suite struct ModDownTests {
    @Test(arguments: BackendUnderTest.allCases, [1, 2, 3, 8])
    func modDownIsAnExactRoundedDivision(_ b: BackendUnderTest, specialPrimes k: Int) {
        let logN = 6
        let n = 1 << logN
        let primes = b.distinctPrimes([60, 50, 50] + Array(repeating: 61, count: k), logN: logN)
        let q = Array(primes.prefix(3))
        let p = Array(primes.suffix(k))
        let basisQ = RNSBasis(moduli: q.map(\.value), logN: logN, backend: b.backend)
        let basisP = RNSBasis(moduli: p.map(\.value), logN: logN, backend: b.backend)
        let extender = BasisExtender(basisQ: basisQ, basisP: basisP, primesPerDigit: 1)
        var rng = SplitMix64(seed: UInt64(k) &* 977)
        var z: [UInt64] = []
        for qi in q { z += RingTestData.vector(n, qi.value, &rng) }
        // r: signed values below 2^59 in magnitude (so |r| < P/2), the extremes included.
        var r = (0..<n).map { _ in Int64(bitPattern: rng.next()) >> Int64(rng.next(below: 59) + 5) }
        r[0] = 0
        r[1] = (1 << 59) - 1
        r[2] = -(1 << 59) + 1
        func residue(_ v: Int64, _ m: UInt64) -> UInt64 { ScalarMod.reduce(signed: v, m) }
        var xQ: [UInt64] = []
        for (i, qi) in q.enumerated() {
            let pMod = p.reduce(UInt64(1)) { ScalarMod.mul($0, $1.value % qi.value, qi.value) }
            for c in 0..<n {
                xQ.append(ScalarMod.add(ScalarMod.mul(pMod, z[i * n + c], qi.value), residue(r[c], qi.value), qi.value))
            }
        }
        var xP: [UInt64] = []
        for pj in p { xP += r.map { residue($0, pj.value) } }
        var polyQ = Poly<Coeff>(basis: basisQ, moduliCount: 3, data: xQ).forwardNTT()
        var polyP = Poly<Coeff>(basis: basisP, moduliCount: k, data: xP).forwardNTT()
        extender.modDown(&polyQ, &polyP)
        #expect(polyQ.inverseNTT().data == z)
    }
}
