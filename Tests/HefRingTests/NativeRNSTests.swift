import Testing
import NTLReference
@testable import HefRing
import HefTestSupport

@Suite struct NativeRNSTests {
    let backend = NativeBackend()

    static func moduli(_ count: Int, bits: Int, excluding: Set<UInt64> = []) -> [Modulus] {
        NativeBackend().numberTheory.nttPrimes(bitWidth: bits, logN: 12, count: count, excluding: excluding).map { Modulus($0) }
    }

    @Test(arguments: [(1, 1), (3, 1), (3, 2), (2, 5), (5, 3), (20, 2), (17, 1)])
    func convertBasisMatchesDefinition(k: Int, m: Int) {
        let input = Self.moduli(k, bits: 60)
        let output = Self.moduli(m, bits: 50) + []
        let tables = BasisConversionTables(input: input, output: output)
        let count = 333
        var rng = NativeTestRNG(seed: UInt64(k * 31 + m))
        var x: [UInt64] = []
        for q in input { x += NativeTestData.vector(count, q.value, &rng) }
        var out = [UInt64](repeating: 0, count: m * count)
        backend.convertBasis(&out, x, tables: tables, count: count)
        for j in 0..<m {
            let p = output[j].value
            for c in 0..<count {
                var sum: UInt64 = 0
                for i in 0..<k {
                    let y = ScalarMod.mul(x[i * count + c], tables.qHatInverse[i], input[i].value)
                    sum = ScalarMod.add(sum, ScalarMod.mul(y % p, tables.qHatModP[j * k + i], p), p)
                }
                #expect(out[j * count + c] == sum)
            }
        }
    }

    /// Also with output moduli larger than the input ones (y_i not reduced mod p_j).
    @Test func convertBasisSmallToLarge() {
        let input = Self.moduli(4, bits: 36)
        let output = Self.moduli(2, bits: 62)
        let tables = BasisConversionTables(input: input, output: output)
        // x = small integers: the result is x + e·Q with 0 ≤ e < k.
        let values: [UInt64] = [0, 1, 2, 12345, 1 << 35]
        let count = values.count
        var x: [UInt64] = []
        for q in input { x += values.map { $0 % q.value } }
        var out = [UInt64](repeating: 0, count: 2 * count)
        backend.convertBasis(&out, x, tables: tables, count: count)
        // Q mod p_j
        for (j, p) in output.enumerated() {
            let qModP = input.reduce(UInt64(1)) { ScalarMod.mul($0, $1.value % p.value, p.value) }
            for c in 0..<count {
                let candidates = (0..<UInt64(input.count)).map { ScalarMod.add(values[c] % p.value, ScalarMod.mul($0, qModP, p.value), p.value) }
                #expect(candidates.contains(out[j * count + c]))
            }
        }
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func composeCRTMatchesNTL(k: Int) {
        let moduli = Self.moduli(k, bits: [30, 45, 60, 62, 50, 40, 61, 55][k - 1])
        let tables = backend.numberTheory.makeCRTTables(moduli: moduli)
        let L = tables.limbCount
        let count = 300
        var rng = NativeTestRNG(seed: UInt64(k))
        var residues: [UInt64] = []
        for q in moduli { residues += NativeTestData.vector(count, q.value, &rng) }
        var out = [UInt64](repeating: 0, count: count * L)
        backend.composeCRT(&out, residues, tables: tables, count: count)
        var expected = [UInt64](repeating: 0, count: count * L)
        ntl_crt_compose(residues, moduli.map(\.value), k, count, &expected, L)
        #expect(out == expected)
        // Q itself, and Q/2.
        var one = [UInt64](repeating: 0, count: L)
        let qs = moduli.map(\.value)
        ntl_crt_compose([UInt64](repeating: 0, count: k), qs, k, 1, &one, L)
        #expect(one == [UInt64](repeating: 0, count: L))
        var product = [UInt64](repeating: 0, count: L)
        product[0] = 1
        for q in qs {
            var carry: UInt64 = 0
            for l in 0..<L {
                let (hi, lo) = product[l].multipliedFullWidth(by: q)
                let (s, o) = lo.addingReportingOverflow(carry)
                product[l] = s
                carry = hi + (o ? 1 : 0)
            }
        }
        #expect(tables.modulusProduct == product)
        var half = product
        for l in 0..<L { half[l] = (product[l] >> 1) | (l + 1 < L ? product[l + 1] << 63 : 0) }
        #expect(tables.halfProduct == half)
    }

    /// Independent reference: the truncated Double of a multi-limb magnitude.
    static func truncatedDouble(_ limbs: [UInt64], negative: Bool) -> Double {
        var bits = 0
        for l in (0..<limbs.count).reversed() where limbs[l] != 0 {
            bits = 64 * l + (64 - limbs[l].leadingZeroBitCount)
            break
        }
        if bits == 0 { return 0 }
        var m: UInt64 = 0
        var shift = 0
        if bits <= 53 {
            m = limbs[0]
        } else {
            shift = bits - 53
            for b in 0..<53 {
                let pos = shift + b
                if (limbs[pos / 64] >> UInt64(pos % 64)) & 1 == 1 { m |= 1 << UInt64(b) }
            }
        }
        let v = Double(m) * Double(sign: .plus, exponent: shift, significand: 1)
        return negative ? -v : v
    }

    @Test(arguments: [1, 2, 3, 5, 8])
    func composeCenteredSlowPathMatchesNTL(k: Int) {
        let moduli = Self.moduli(k, bits: 60)
        let tables = backend.numberTheory.makeCRTTables(moduli: moduli)
        let L = tables.limbCount
        let count = 200
        var rng = NativeTestRNG(seed: 77 + UInt64(k))
        var residues: [UInt64] = []
        for q in moduli { residues += NativeTestData.vector(count, q.value, &rng) }
        var composed = [UInt64](repeating: 0, count: count * L)
        ntl_crt_compose(residues, moduli.map(\.value), k, count, &composed, L)
        for factor in [1.0, 0.5, 1.0 / 3.0, -2.0e-10] {
            var out = [Double](repeating: .nan, count: count)
            backend.composeCentered(&out, residues, tables: tables, count: count, factor: factor)
            for c in 0..<count {
                let x = Array(composed[c * L ..< (c + 1) * L])
                let negative = x.reversed().lexicographicallyPrecedes(tables.halfProduct.reversed()) == false && x != tables.halfProduct
                var magnitude = x
                if negative {
                    var borrow: UInt64 = 0
                    for l in 0..<L {
                        let (d1, o1) = tables.modulusProduct[l].subtractingReportingOverflow(x[l])
                        let (d2, o2) = d1.subtractingReportingOverflow(borrow)
                        magnitude[l] = d2
                        borrow = (o1 || o2) ? 1 : 0
                    }
                }
                let expected = Self.truncatedDouble(magnitude, negative: negative) * factor
                #expect(out[c] == expected, "k=\(k) c=\(c)")
            }
        }
    }

    @Test(arguments: [1, 2, 3, 6])
    func composeCenteredFastPath(k: Int) {
        let moduli = Self.moduli(k, bits: 61)
        let tables = backend.numberTheory.makeCRTTables(moduli: moduli)
        let q0 = moduli[0].value
        var values: [Int64] = [0, 1, -1, 2, -2, 1 << 53, -(1 << 53), (1 << 53) + 1, -((1 << 53) + 1),
                               (1 << 59) + 12345, -((1 << 59) + 777), Int64(q0 / 2), -Int64(q0 / 2)]
        var rng = NativeTestRNG(seed: 5)
        for _ in 0..<300 { values.append(Int64.random(in: -Int64(q0 / 2)...Int64(q0 / 2), using: &rng) >> Int64.random(in: 0..<60, using: &rng)) }
        let count = values.count
        var residues = [UInt64](repeating: 0, count: k * count)
        for (i, q) in moduli.enumerated() {
            backend.reduceSigned(residues.withUnsafeMutableBufferPointer { $0.baseAddress! + i * count }, values, count: count, modulus: q)
        }
        var out = [Double](repeating: .nan, count: count)
        backend.composeCentered(&out, residues, tables: tables, count: count, factor: 0.25)
        for c in 0..<count {
            let expected = Self.truncatedDouble([values[c].magnitude], negative: values[c] < 0) * 0.25
            #expect(out[c] == expected, "value \(values[c])")
        }
    }

    /// Values just beyond q0/2 and huge ones: the fast path must be rejected.
    @Test func composeCenteredFastPathRejected() {
        let moduli = Self.moduli(3, bits: 40)
        let tables = backend.numberTheory.makeCRTTables(moduli: moduli)
        let q0 = moduli[0].value
        let values: [Int64] = [Int64(q0 / 2) + 1, -Int64(q0 / 2) - 1, Int64(q0) + 5, -Int64(q0) * 1000 - 3, 1 << 62, -(1 << 62), Int64.max, Int64.min + 1]
        let count = values.count
        var residues = [UInt64](repeating: 0, count: 3 * count)
        for (i, q) in moduli.enumerated() {
            backend.reduceSigned(residues.withUnsafeMutableBufferPointer { $0.baseAddress! + i * count }, values, count: count, modulus: q)
        }
        var out = [Double](repeating: .nan, count: count)
        backend.composeCentered(&out, residues, tables: tables, count: count, factor: 1)
        for c in 0..<count {
            #expect(out[c] == Self.truncatedDouble([values[c].magnitude], negative: values[c] < 0), "value \(values[c])")
        }
    }
}
