extension Sampler {
    /// A polynomial whose integer coefficients are uniform in [−2^(bits−1), 2^(bits−1)), in RNS
    /// form over the first `moduliCount` primes of `basis` (coefficient representation).
    /// `bits` may exceed 64 (up to 256): each coefficient is drawn as ⌈bits/64⌉ words of
    /// `stream`, the top one masked, so the same stream gives the same integers whatever
    /// `moduliCount` is. The masks of a client-aided refresh are drawn this way.
    public static func wideUniform(basis: RNSBasis, moduliCount: Int, bits: Int, stream: inout RandomStream)
        -> Poly<Coeff>
    {
        precondition(bits >= 1 && bits <= 256, "wide uniform coefficients take 1 to 256 bits")
        let n = basis.n
        let words = (bits + 63) / 64
        let topBits = bits - 64 * (words - 1)
        let topMask: UInt64 = topBits == 64 ? .max : (1 << UInt64(topBits)) - 1
        var integers = [UInt64](repeating: 0, count: n * words)
        for c in 0..<n {
            for w in 0..<words {
                let v = stream.next64()
                integers[c * words + w] = w == words - 1 ? v & topMask : v
            }
        }
        var poly = Poly<Coeff>(zeroOn: basis, moduliCount: moduliCount)
        for j in 0..<moduliCount {
            let q = basis.moduli[j].value
            let radix = WideResidue(limbs: words + 1, q: q)
            // The offset 2^(bits−1) mod q, subtracted to center.
            var offsetLimbs = [UInt64](repeating: 0, count: words + 1)
            offsetLimbs[(bits - 1) / 64] = 1 << UInt64((bits - 1) % 64)
            let offset = radix.reduce(offsetLimbs[...])
            for c in 0..<n {
                let r = radix.reduce(integers[(c * words)..<((c + 1) * words)])
                poly.data[j * n + c] = ScalarMod.sub(r, offset, q)
            }
        }
        secureZero(&integers)
        return poly
    }
}
