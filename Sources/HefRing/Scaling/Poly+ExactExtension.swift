extension Poly where Format == Coeff {
    /// The centered lift of every coefficient (in (−Q/2, Q/2], Q the product of this
    /// polynomial's primes), reduced exactly modulo the first `moduliCount` primes of the basis
    /// (`moduliCount` ≥ this polynomial's count). Unlike fast basis conversion no multiple of
    /// Q is added: the integers are composed with `crt` (built for exactly this polynomial's
    /// primes) and reduced limb by limb. The residues already held are kept as they are.
    ///
    /// For the key holder's side of a client-aided refresh, where a decrypted polynomial moves
    /// from a low level back to the top one. Not constant time in the coefficients.
    public func extendedExactly(toModuliCount moduliCount: Int, crt: CRTTables) -> Poly<Coeff> {
        precondition(moduliCount >= self.moduliCount && moduliCount <= basis.count)
        precondition(crt.moduli.elementsEqual(basis.moduli[0..<self.moduliCount]), "CRT tables for other primes")
        var out = Poly<Coeff>(zeroOn: basis, moduliCount: moduliCount)
        let n = self.n
        let held = self.moduliCount * n
        out.data.replaceSubrange(0..<held, with: data)
        guard moduliCount > self.moduliCount else { return out }
        let limbs = crt.limbCount
        var composed = [UInt64](repeating: 0, count: n * limbs)
        data.withUnsafeBufferPointer { residues in
            composed.withUnsafeMutableBufferPointer { integers in
                backend.composeCRT(integers.baseAddress!, residues.baseAddress!, tables: crt, count: n)
            }
        }
        for j in self.moduliCount..<moduliCount {
            let q = basis.moduli[j].value
            let radix = WideResidue(limbs: limbs, q: q)
            let productModQ = radix.reduce(crt.modulusProduct[...])
            composed.withUnsafeBufferPointer { integers in
                crt.halfProduct.withUnsafeBufferPointer { half in
                    for c in 0..<n {
                        var r = radix.reduce(composed[(c * limbs)..<((c + 1) * limbs)])
                        // Above Q/2 the centered value is v − Q.
                        if SwiftMultiWord.compare(integers.baseAddress! + c * limbs, half.baseAddress!, limbs: limbs)
                            > 0
                        {
                            r = ScalarMod.sub(r, productModQ, q)
                        }
                        out.data[j * n + c] = r
                    }
                }
            }
        }
        return out
    }
}

/// Reduces little-endian multi-word integers modulo a word prime with the powers 2^(64i) mod q
/// (at most four words at a time: the 128-bit sum of their products cannot overflow).
struct WideResidue {
    let q: UInt64
    /// 2^(64i) mod q for each limb i.
    let radixPowers: [UInt64]

    init(limbs: Int, q: UInt64) {
        self.q = q
        var powers: [UInt64] = []
        var p: UInt64 = 1 % q
        let base = q.dividingFullWidth((high: 1 % q, low: 0)).remainder // 2^64 mod q
        for _ in 0..<limbs {
            powers.append(p)
            p = ScalarMod.mul(p, base, q)
        }
        radixPowers = powers
    }

    func reduce(_ limbs: ArraySlice<UInt64>) -> UInt64 {
        var result: UInt64 = 0
        var i = 0
        let count = limbs.count
        let start = limbs.startIndex
        while i < count {
            var high: UInt64 = 0
            var low: UInt64 = 0
            for k in i..<min(i + 4, count) {
                let p = limbs[start + k].multipliedFullWidth(by: radixPowers[k])
                let (sum, carry) = low.addingReportingOverflow(p.low)
                low = sum
                high = high &+ p.high &+ (carry ? 1 : 0)
            }
            let part = q.dividingFullWidth((high: high % q, low: low)).remainder
            result = ScalarMod.add(result, part, q)
            i += 4
        }
        return result
    }
}
