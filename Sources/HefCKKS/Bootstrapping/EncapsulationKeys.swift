public import HefRing

/// The two keys of sparse-secret encapsulation (Bossuat et al., 2022), which lets
/// bootstrapping raise the modulus under a secret of Hamming weight h (32 by default) while
/// every other key and ciphertext stays under the dense ternary secret s.
///
/// - `denseToSparse` switches s to the ephemeral sparse secret s′. It is an RLWE sample under
///   s′ modulo q_0·p only (p: the first special prime): the sparse secret is never exposed at a
///   larger modulus. It is applied at level 0.
/// - ``sparseToDense`` switches s′ back to s at the top level (an ordinary key under s).
///
/// Why h = 32: after ModRaise the ciphertext decrypts under s′ to m + q_0·I with
/// |I| ≤ ⌊(h + 1)/2⌋ = 16 for every coefficient, whatever the randomness (each of the h + 1
/// terms of b + a·s′ is at most q_0/2 in absolute value). The modular reduction is then exact
/// on [−K, K] with K = 16: the failure probability is zero, not merely below 2^-128.
public struct EncapsulationKeys: Sendable {
    /// Non-zero entries of the ephemeral secret.
    public let hammingWeight: Int
    /// b and a over {q_0, p}, evaluation form.
    let denseToSparseB: Poly<Eval>
    let denseToSparseA: Poly<Eval>
    /// The seed `denseToSparseA` was expanded from.
    let denseToSparseSeed: [UInt8]
    /// Switches s′ back to s (all of Q·P).
    public let sparseToDense: KeySwitchingKey
    /// The id of the parameters.
    public let parametersID: UInt64
    /// The id of the dense secret key both keys belong to.
    public let keyID: UInt64

    /// Bytes when sent seeded: the b parts and the seeds.
    public var seededByteCount: Int {
        denseToSparseB.data.count * 8 + denseToSparseSeed.count + sparseToDense.seededByteCount
    }

    /// The largest |I| in m + q_0·I after ModRaise under a secret of weight `hammingWeight`:
    /// ⌊(h + 1)/2⌋ (the bound is deterministic).
    public static func modRaiseBound(hammingWeight: Int) -> Int { (hammingWeight + 1) / 2 }
}

extension CKKSContext {
    /// The two-prime basis {q_0, p_0} of the dense-to-sparse key.
    var encapsulationBasis: RNSBasis {
        RNSBasis(tables: [basisQP.tables[0], basisQP.tables[parameters.q.count]], backend: backend)
    }
}

extension KeyGenerator {
    /// Fresh encapsulation keys for `secretKey`: a new ephemeral sparse secret of weight
    /// `hammingWeight`, used only to make the two keys and then zeroized.
    /// - Parameters:
    ///   - secretKey: the dense secret key
    ///   - hammingWeight: non-zero entries of the ephemeral secret (default 32)
    ///   - stream: the randomness
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``;
    ///   ``CKKSError/invalidParameters(_:)`` for a weight outside 1...N.
    public func encapsulationKeys(for secretKey: SecretKey, hammingWeight: Int = 32, stream: inout RandomStream)
        throws -> EncapsulationKeys
    {
        let parameters = context.parameters
        try parameters.requireID(secretKey.parametersID)
        guard hammingWeight >= 1 && hammingWeight <= parameters.n else {
            throw CKKSError.invalidParameters("the ephemeral Hamming weight must be in 1...N (got \(hammingWeight))")
        }
        let n = parameters.n
        let qCount = parameters.q.count
        var coefficients = Sampler.sparseTernary(n: n, hammingWeight: hammingWeight, stream: &stream)
        defer { secureZero(&coefficients) }

        // s′ → s over all of Q·P.
        var sparseCoeff = Poly<Coeff>(
            basis: context.basisQP, moduliCount: context.basisQP.count, signedCoefficients: coefficients)
        var sparse = sparseCoeff.forwardNTT()
        sparseCoeff.zeroize()
        let toDense = switchingKey(from: sparse, to: secretKey, stream: &stream)
        sparse.zeroize()

        // s → s′ over {q_0, p_0}: b = −a·s′ + e + p_0·s (mod q_0; the p_0 residue of p_0·s is 0).
        let small = context.encapsulationBasis
        var smallCoeff = Poly<Coeff>(basis: small, moduliCount: 2, signedCoefficients: coefficients)
        var sparseSmall = smallCoeff.forwardNTT()
        smallCoeff.zeroize()
        let seed = stream.nextSeed()
        var seeded = RandomStream(seed: seed, domain: EncapsulationKeys.denseToSparseDomain)
        let a = Sampler.uniform(basis: small, moduliCount: 2, stream: &seeded)
        var b = errorPoly(basis: small, stream: &stream)
        var product = a
        product.multiply(sparseSmall)
        b.subtract(product)
        product.zeroize()
        sparseSmall.zeroize()
        var denseSmall = Poly<Eval>(
            basis: small, moduliCount: 2,
            data: Array(secretKey.poly.data[0..<n]) + Array(secretKey.poly.data[(qCount * n)..<((qCount + 1) * n)]))
        let q0 = parameters.q[0]
        let pModQ0 = parameters.p[0] % q0
        b.addMultiple(of: denseSmall, scalars: [pModQ0, 0], residues: 0..<1)
        denseSmall.zeroize()
        return EncapsulationKeys(
            hammingWeight: hammingWeight, denseToSparseB: b, denseToSparseA: a, denseToSparseSeed: seed,
            sparseToDense: toDense, parametersID: parameters.id, keyID: secretKey.keyID)
    }

    /// ``encapsulationKeys(for:hammingWeight:stream:)`` with fresh OS randomness.
    /// - Parameters:
    ///   - secretKey: the dense secret key
    ///   - hammingWeight: non-zero entries of the ephemeral secret (default 32)
    /// - Throws: as ``encapsulationKeys(for:hammingWeight:stream:)``.
    public func encapsulationKeys(for secretKey: SecretKey, hammingWeight: Int = 32) throws -> EncapsulationKeys {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try encapsulationKeys(for: secretKey, hammingWeight: hammingWeight, stream: &stream)
    }
}
