public import HefRing

/// Public-key and symmetric (seeded) encryption.
public struct Encryptor: Sendable {
    /// The context of the parameters.
    public let context: CKKSContext

    /// An encryptor for `context`.
    public init(context: CKKSContext) {
        self.context = context
    }

    /// Encrypts with the public key, SEAL-style over Q_l·P: (b·u + e0, a·u + e1) with u ternary
    /// and e0, e1 Gaussian, divided by P (ModDown) — which leaves almost no noise — plus m.
    /// - Parameters:
    ///   - plaintext: a plaintext of these parameters
    ///   - publicKey: the public key
    ///   - stream: the randomness (keep it secret)
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func encrypt(_ plaintext: Plaintext, publicKey: PublicKey, stream: inout RandomStream) throws -> Ciphertext {
        let params = context.parameters
        try params.requireID(plaintext.parametersID)
        try params.requireID(publicKey.parametersID)
        let n = params.n
        let level = plaintext.level
        let extender = context.extender
        // Everything lives over Q_l·P, held as a Q_l part and a P part.
        let pk = (b: extender.split(publicKey.b, level: level), a: extender.split(publicKey.a, level: level))
        func sample(_ values: [Int64]) -> (q: Poly<Eval>, p: Poly<Eval>) {
            var q = Poly<Coeff>(basis: context.basisQ, moduliCount: level + 1, signedCoefficients: values)
            var p = Poly<Coeff>(basis: context.basisP, moduliCount: context.basisP.count, signedCoefficients: values)
            defer {
                q.zeroize()
                p.zeroize()
            }
            return (q.forwardNTT(), p.forwardNTT())
        }
        var ternary = Sampler.ternary(n: n, stream: &stream)
        var u = sample(ternary)
        secureZero(&ternary)
        defer {
            u.q.zeroize()
            u.p.zeroize()
        }
        var e0 = Sampler.gaussian(n: n, stream: &stream)
        var e1 = Sampler.gaussian(n: n, stream: &stream)
        var c0 = sample(e0)
        var c1 = sample(e1)
        secureZero(&e0)
        secureZero(&e1)
        c0.q.multiplyAdd(pk.b.q, u.q)
        c0.p.multiplyAdd(pk.b.p, u.p)
        c1.q.multiplyAdd(pk.a.q, u.q)
        c1.p.multiplyAdd(pk.a.p, u.p)
        extender.modDown(&c0.q, &c0.p, &c1.q, &c1.p)
        c0.p.zeroize()
        c1.p.zeroize()
        var d0 = c0.q
        let d1 = c1.q
        d0.add(plaintext.poly)
        return Ciphertext(
            polys: [d0, d1], scale: plaintext.scale, slots: plaintext.slots,
            parametersID: params.id, keyID: publicKey.keyID)
    }

    /// Public-key encryption with fresh OS randomness.
    /// - Parameters:
    ///   - plaintext: a plaintext of these parameters
    ///   - publicKey: the public key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func encrypt(_ plaintext: Plaintext, publicKey: PublicKey) throws -> Ciphertext {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try encrypt(plaintext, publicKey: publicKey, stream: &stream)
    }

    /// Encrypts with the secret key: (−a·s + e + m, a) with `a` expanded from a fresh seed, so
    /// the ciphertext serializes at half size until it is first modified.
    /// - Parameters:
    ///   - plaintext: a plaintext of these parameters
    ///   - secretKey: the secret key
    ///   - stream: the randomness (keep it secret)
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
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
        var aTimesS = a
        aTimesS.multiply(s)
        s.zeroize()
        c0.subtract(aTimesS)
        aTimesS.zeroize()
        c0.add(plaintext.poly)
        return Ciphertext(
            polys: [c0, a], scale: plaintext.scale, slots: plaintext.slots,
            parametersID: params.id, keyID: secretKey.keyID, seed: seed)
    }

    /// Symmetric encryption with fresh OS randomness.
    /// - Parameters:
    ///   - plaintext: a plaintext of these parameters
    ///   - secretKey: the secret key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
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
        Poly<Eval>(
            basis: context.basisQ, moduliCount: count,
            data: Array(secretKey.poly.data[0..<(count * context.parameters.n)]))
    }
}
