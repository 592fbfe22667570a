/// Public-key and symmetric (seeded) encryption.
public struct Encryptor: Sendable {
    public let context: CKKSContext

    public init(context: CKKSContext) {
        self.context = context
    }

    /// Encrypts with the public key, SEAL-style over Q_l·P: (b·u + e0, a·u + e1) with u ternary
    /// and e0, e1 Gaussian, divided by P (ModDown) — which leaves almost no noise — plus m.
    public func encrypt(_ plaintext: Plaintext, publicKey: PublicKey, stream: inout RandomStream) throws -> Ciphertext {
        let params = context.parameters
        try params.requireID(plaintext.parametersID)
        try params.requireID(publicKey.parametersID)
        let n = params.n
        let level = plaintext.level
        let qLevel = level + 1
        let pCount = params.p.count
        let ext = qLevel + pCount
        // The extended basis q_0 … q_l, p_0 … p_{K-1} and the public key restricted to it.
        let qpTables = context.basisQP.tables
        let extTables = Array(qpTables[0..<qLevel]) + Array(qpTables[params.q.count...])
        let extBasis = RNSBasis(tables: extTables, backend: context.backend)
        func restrict(_ poly: Poly<Eval>) -> Poly<Eval> {
            var data = Array(poly.data[0..<(qLevel * n)])
            data.append(contentsOf: poly.data[(params.q.count * n)...])
            return Poly<Eval>(basis: extBasis, moduliCount: ext, data: data)
        }
        var ternary = Sampler.ternary(n: n, stream: &stream)
        var uCoeff = Poly<Coeff>(basis: extBasis, moduliCount: ext, signedCoefficients: ternary)
        secureZero(&ternary)
        var u = uCoeff.forwardNTT()
        uCoeff.zeroize()
        defer { u.zeroize() }
        var e0 = Sampler.gaussian(n: n, stream: &stream), e1 = Sampler.gaussian(n: n, stream: &stream)
        var e0Coeff = Poly<Coeff>(basis: extBasis, moduliCount: ext, signedCoefficients: e0)
        var e1Coeff = Poly<Coeff>(basis: extBasis, moduliCount: ext, signedCoefficients: e1)
        secureZero(&e0)
        secureZero(&e1)
        var c0 = e0Coeff.forwardNTT()
        var c1 = e1Coeff.forwardNTT()
        e0Coeff.zeroize()
        e1Coeff.zeroize()
        c0.multiplyAdd(restrict(publicKey.b), u)
        c1.multiplyAdd(restrict(publicKey.a), u)
        var d0 = context.modDown(&c0.data, level: level)
        let d1 = context.modDown(&c1.data, level: level)
        c0.zeroize()
        c1.zeroize()
        d0.add(plaintext.poly)
        return Ciphertext(
            polys: [d0, d1], scale: plaintext.scale, slots: plaintext.slots,
            parametersID: params.id, keyID: publicKey.keyID)
    }

    public func encrypt(_ plaintext: Plaintext, publicKey: PublicKey) throws -> Ciphertext {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try encrypt(plaintext, publicKey: publicKey, stream: &stream)
    }

    /// Encrypts with the secret key: (−a·s + e + m, a) with `a` expanded from a fresh seed, so
    /// the ciphertext serializes at half size until it is first modified.
    public func encrypt(_ plaintext: Plaintext, secretKey: SecretKey, stream: inout RandomStream) throws -> Ciphertext {
        let params = context.parameters
        try params.requireID(plaintext.parametersID)
        try params.requireID(secretKey.parametersID)
        let count = plaintext.poly.moduliCount
        let seed = stream.nextSeed()
        let a = Self.expandUniform(context: context, seed: seed, moduliCount: count)
        var eValues = Sampler.gaussian(n: params.n, stream: &stream)
        var e = Poly<Coeff>(basis: context.basisQ, moduliCount: count, signedCoefficients: eValues)
        secureZero(&eValues)
        var c0 = e.forwardNTT()
        e.zeroize()
        var s = Self.secretOverQ(secretKey, context: context, moduliCount: count)
        var as_ = a
        as_.multiply(s)
        s.zeroize()
        c0.subtract(as_)
        as_.zeroize()
        c0.add(plaintext.poly)
        return Ciphertext(
            polys: [c0, a], scale: plaintext.scale, slots: plaintext.slots,
            parametersID: params.id, keyID: secretKey.keyID, seed: seed)
    }

    public func encrypt(_ plaintext: Plaintext, secretKey: SecretKey) throws -> Ciphertext {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try encrypt(plaintext, secretKey: secretKey, stream: &stream)
    }

    /// The uniform polynomial a symmetric ciphertext's seed stands for.
    public static func expandUniform(context: CKKSContext, seed: [UInt8], moduliCount: Int) -> Poly<Eval> {
        var seeded = RandomStream(seed: seed, domain: 0)
        return Sampler.uniform(basis: context.basisQ, moduliCount: moduliCount, stream: &seeded)
    }

    /// s restricted to q_0 … q_{count-1}.
    static func secretOverQ(_ secretKey: SecretKey, context: CKKSContext, moduliCount count: Int) -> Poly<Eval> {
        Poly<Eval>(basis: context.basisQ, moduliCount: count, data: Array(secretKey.poly.data[0..<(count * context.parameters.n)]))
    }
}
