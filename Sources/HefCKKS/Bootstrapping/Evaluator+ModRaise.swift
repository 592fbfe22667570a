import HefRing

extension Evaluator {
    /// The first step of bootstrapping with sparse-secret encapsulation: switches a level-0
    /// ciphertext to the ephemeral sparse secret (modulo q_0·p_0), lifts both polynomials from
    /// q_0 to all of Q by their centered representatives (ModRaise), and switches back to the
    /// dense secret at the top level.
    ///
    /// The result decrypts to t = m + q_0·I + e with |I| ≤ ``EncapsulationKeys/modRaiseBound(hammingWeight:)``.
    /// Its recorded scale is q_0, so that its slots read t/q_0: the message over q_0 plus the
    /// integers I (in coefficient form; CoeffsToSlots brings them into the slots).
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext at any level (dropped to level 0 first)
    ///   - keys: encapsulation keys of `a`'s secret key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)``
    ///   for a ciphertext or keys of other parameters or another key;
    ///   ``CKKSError/invalidCiphertext(_:)`` for a three-polynomial ciphertext; ``CKKSError/keyBelowLevel(key:keyLevel:level:)`` for a sparse-to-dense key that stops below the top.
    public func modRaise(_ a: Ciphertext, encapsulation keys: EncapsulationKeys) throws -> Ciphertext {
        try check(a)
        try parameters.requireID(keys.parametersID)
        guard keys.keyID == a.keyID else { throw CKKSError.keyMismatch(expected: a.keyID, found: keys.keyID) }
        guard a.size == 2 else { throw CKKSError.invalidCiphertext("relinearize before bootstrapping") }
        var x = a
        if x.level > 0 { x.dropLevels(to: 0) }
        let (c0, c1) = switchToSparse(x, keys: keys)
        let top = parameters.maxLevel
        guard keys.sparseToDense.maxLevel == top else {
            throw CKKSError.keyBelowLevel(key: "sparse-to-dense key", keyLevel: keys.sparseToDense.maxLevel, level: top)
        }
        let raised0 = Self.lift(c0, basis: context.basisQ, moduliCount: top + 1)
        let raised1 = Self.lift(c1, basis: context.basisQ, moduliCount: top + 1)
        let (k0, k1) = context.keySwitch(context.decompose(raised1), key: keys.sparseToDense)
        var d0 = raised0
        d0.add(k0)
        return Ciphertext(
            polys: [d0, k1], scale: Double(parameters.q[0]), slots: a.slots, parametersID: a.parametersID,
            keyID: a.keyID)
    }

    /// Applies the automorphism X → X^g with its Galois key (for traces and sums over
    /// subgroups, where a rotation step does not name the element).
    /// - Parameters:
    ///   - a: a two-polynomial ciphertext
    ///   - g: an odd Galois element with a key in the evaluation keys
    /// - Throws: as ``rotate(_:by:)``.
    public func automorphism(_ a: Ciphertext, galoisElement g: Int) throws -> Ciphertext {
        try applyGalois(a, element: g, step: g)
    }

    /// (c_0 + ks_0(c_1), ks_1(c_1)) modulo q_0 under the sparse secret: c_1 lifted to {q_0, p_0},
    /// multiplied by the dense-to-sparse key, divided by p_0 with rounding.
    private func switchToSparse(_ x: Ciphertext, keys: EncapsulationKeys) -> (Poly<Coeff>, Poly<Coeff>) {
        let small = keys.denseToSparseB.basis
        let n = parameters.n
        let q0 = parameters.q[0]
        let p0 = parameters.p[0]
        let c1 = Self.centered(x.polys[1].inverseNTT(), modulus: q0)
        let lifted = Poly<Coeff>(basis: small, moduliCount: 2, signedCoefficients: c1).forwardNTT()
        var u0 = lifted
        u0.multiply(keys.denseToSparseB)
        var u1 = lifted
        u1.multiply(keys.denseToSparseA)
        let v0 = u0.inverseNTT()
        let v1 = u1.inverseNTT()
        // ModDown by p_0: (x_q − [x_p]_centered) · p_0^{-1} mod q_0.
        let pInverse = ScalarMod.inversePrime(p0 % q0, q0)
        func divide(_ v: Poly<Coeff>) -> [UInt64] {
            var out = [UInt64](repeating: 0, count: n)
            for i in 0..<n {
                let xp = v.data[n + i]
                let r = xp > p0 / 2 ? ScalarMod.reduce(signed: -Int64(p0 - xp), q0) : xp % q0
                out[i] = ScalarMod.mul(ScalarMod.sub(v.data[i], r, q0), pInverse, q0)
            }
            return out
        }
        var d0 = x.polys[0].inverseNTT()
        let w0 = divide(v0)
        for i in 0..<n { d0.data[i] = ScalarMod.add(d0.data[i], w0[i], q0) }
        let d1 = Poly<Coeff>(basis: d0.basis, moduliCount: 1, data: divide(v1))
        return (d0, d1)
    }

    /// Centered representatives in (−q/2, q/2] of a one-residue polynomial.
    private static func centered(_ p: Poly<Coeff>, modulus q: UInt64) -> [Int64] {
        (0..<p.n).map { i in
            let v = p.data[i]
            return v > q / 2 ? -Int64(q - v) : Int64(v)
        }
    }

    /// The centered lift of a polynomial modulo q_0 to the first `moduliCount` primes.
    private static func lift(_ p: Poly<Coeff>, basis: RNSBasis, moduliCount: Int) -> Poly<Eval> {
        let q0 = basis.moduli[0].value
        return Poly<Coeff>(basis: basis, moduliCount: moduliCount, signedCoefficients: centered(p, modulus: q0))
            .forwardNTT()
    }
}
