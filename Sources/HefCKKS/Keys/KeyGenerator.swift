public import HefRing

/// Makes keys. Secret randomness comes from a `RandomStream` keyed by the OS CSPRNG unless a
/// stream is passed (reproducible keys for tests and cross-backend checks).
public struct KeyGenerator: Sendable {
    /// The context of the parameters.
    public let context: CKKSContext

    /// A key generator for `context`.
    public init(context: CKKSContext) {
        self.context = context
    }

    private var parameters: CKKSParameters { context.parameters }

    /// A fresh secret key (and with it a fresh key id).
    public func secretKey(stream: inout RandomStream) -> SecretKey {
        let n = parameters.n
        var coefficients: [Int64]
        switch parameters.secret {
        case .ternary: coefficients = Sampler.ternary(n: n, stream: &stream)
        case .sparse:
            coefficients = Sampler.sparseTernary(n: n, hammingWeight: parameters.hammingWeight, stream: &stream)
        }
        let basis = context.basisQP
        var coeff = Poly<Coeff>(basis: basis, moduliCount: basis.count, signedCoefficients: coefficients)
        secureZero(&coefficients)
        let eval = coeff.forwardNTT()
        coeff.zeroize()
        let keyID = stream.next64()
        return SecretKey(poly: eval, parametersID: parameters.id, keyID: keyID)
    }

    /// A fresh secret key from OS randomness.
    public func secretKey() -> SecretKey {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return secretKey(stream: &stream)
    }

    /// The public key (−a·s + e, a) over Q·P, with `a` expanded from a fresh seed. Encryption
    /// works over Q·P and divides by P, which removes nearly all of the encryption noise.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - stream: the randomness
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func publicKey(for secretKey: SecretKey, stream: inout RandomStream) throws -> PublicKey {
        try check(secretKey)
        let seed = stream.nextSeed()
        let a = PublicKey.expandA(context: context, seed: seed)
        var b = errorPoly(basis: context.basisQP, stream: &stream)
        var product = a
        product.multiply(secretKey.poly)
        b.subtract(product)
        product.zeroize() // a·s gives s away
        return PublicKey(b: b, a: a, seed: seed, parametersID: parameters.id, keyID: secretKey.keyID)
    }

    /// The public key, with fresh OS randomness.
    /// - Parameters:
    ///   - secretKey: the secret key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func publicKey(for secretKey: SecretKey) throws -> PublicKey {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try publicKey(for: secretKey, stream: &stream)
    }

    /// The relinearization key: switches s² to s.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - stream: the randomness
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func relinearizationKey(for secretKey: SecretKey, stream: inout RandomStream) throws -> KeySwitchingKey {
        try check(secretKey)
        var s2 = secretKey.poly
        s2.multiply(secretKey.poly)
        defer { s2.zeroize() }
        return switchingKey(from: s2, to: secretKey, stream: &stream)
    }

    /// The key for the automorphism X -> X^g: switches σ_g(s) to s.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - g: an odd Galois element
    ///   - maxLevel: the highest level the key must switch (default: the top); a lower one
    ///     makes a smaller key (fewer primes and digits)
    ///   - stream: the randomness
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``; ``CKKSError/invalidParameters(_:)``
    ///   for a level outside the parameters.
    public func galoisKey(
        for secretKey: SecretKey, galoisElement g: Int, maxLevel: Int? = nil, stream: inout RandomStream
    ) throws -> KeySwitchingKey {
        try check(secretKey)
        let level = maxLevel ?? parameters.maxLevel
        guard level >= 0 && level <= parameters.maxLevel else {
            throw CKKSError.invalidParameters("a key level of \(level) is outside 0...\(parameters.maxLevel)")
        }
        var rotated = secretKey.poly.permuted(by: context.permutation(galoisElement: g))
        defer { rotated.zeroize() }
        return switchingKey(from: rotated, to: secretKey, maxLevel: level, stream: &stream)
    }

    /// Relinearization key plus Galois keys for the rotation `steps` (left rotations of
    /// `slots`-slot vectors; negative steps rotate right) and, optionally, conjugation.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - steps: rotation steps
    ///   - slots: the slot count the steps apply to (default N/2)
    ///   - conjugation: whether to add the conjugation key
    ///   - galoisMaxLevel: the highest level the Galois keys must switch (default: the top)
    ///   - stream: the randomness
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``; ``CKKSError/invalidParameters(_:)``
    ///   for a level outside the parameters.
    public func evaluationKeys(
        for secretKey: SecretKey, rotations steps: [Int] = [], slots: Int? = nil, conjugation: Bool = false,
        galoisMaxLevel: Int? = nil, stream: inout RandomStream
    ) throws -> EvaluationKeys {
        let relin = try relinearizationKey(for: secretKey, stream: &stream)
        var galois: [Int: KeySwitchingKey] = [:]
        let slotCount = slots ?? parameters.maxSlots
        for step in steps {
            let g = context.encoder.galoisElement(forStep: step, slots: slotCount)
            if g == 1 || galois[g] != nil { continue }
            galois[g] = try galoisKey(for: secretKey, galoisElement: g, maxLevel: galoisMaxLevel, stream: &stream)
        }
        if conjugation {
            let g = context.encoder.conjugationElement
            galois[g] = try galoisKey(for: secretKey, galoisElement: g, maxLevel: galoisMaxLevel, stream: &stream)
        }
        return EvaluationKeys(
            relinearization: relin, galois: galois, parametersID: parameters.id, keyID: secretKey.keyID)
    }

    /// ``evaluationKeys(for:rotations:slots:conjugation:galoisMaxLevel:stream:)`` with fresh OS randomness.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - steps: rotation steps
    ///   - slots: the slot count the steps apply to (default N/2)
    ///   - conjugation: whether to add the conjugation key
    ///   - galoisMaxLevel: the highest level the Galois keys must switch (default: the top)
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``; ``CKKSError/invalidParameters(_:)``
    ///   for a level outside the parameters.
    public func evaluationKeys(
        for secretKey: SecretKey, rotations steps: [Int] = [], slots: Int? = nil, conjugation: Bool = false,
        galoisMaxLevel: Int? = nil
    ) throws -> EvaluationKeys {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try evaluationKeys(
            for: secretKey, rotations: steps, slots: slots, conjugation: conjugation, galoisMaxLevel: galoisMaxLevel,
            stream: &stream)
    }

    // MARK: Internals

    private func check(_ secretKey: SecretKey) throws {
        try parameters.requireID(secretKey.parametersID)
    }

    /// A fresh Gaussian error in evaluation form over all of `basis`.
    func errorPoly(basis: RNSBasis, stream: inout RandomStream) -> Poly<Eval> {
        var e = Sampler.gaussian(n: basis.n, stream: &stream)
        var coeff = Poly<Coeff>(basis: basis, moduliCount: basis.count, signedCoefficients: e)
        secureZero(&e)
        defer { coeff.zeroize() }
        return coeff.forwardNTT()
    }

    /// `b_j = −a_j·s + e_j + P·Q̃_j·s'` for every digit that covers q_0 … q_maxLevel (default:
    /// the top), restricted to those primes and the special primes. Every a_j is expanded over
    /// all of Q·P first, so that a restricted key re-expands from its seed like a whole one.
    func switchingKey(
        from target: Poly<Eval>, to secretKey: SecretKey, maxLevel: Int? = nil, stream: inout RandomStream
    ) -> KeySwitchingKey {
        let basis = context.basisQP
        let n = parameters.n
        let qCount = parameters.q.count
        let primes = basis.count
        let alpha = parameters.primesPerDigit
        let level = maxLevel ?? (qCount - 1)
        let kept = KeySwitchingKey.keptPrimes(qCount: qCount, pCount: primes - qCount, maxLevel: level)
        let digits = (level + alpha) / alpha
        let seed = stream.nextSeed()
        var data = [UInt64](repeating: 0, count: digits * 2 * kept.count * n)
        for j in 0..<digits {
            var seeded = RandomStream(seed: seed, domain: UInt64(j))
            let a = Sampler.uniform(basis: basis, moduliCount: primes, stream: &seeded)
            var b = errorPoly(basis: basis, stream: &stream)
            var product = a
            product.multiply(secretKey.poly)
            b.subtract(product)
            product.zeroize()
            let lo = j * alpha
            let hi = min(qCount, lo + alpha)
            b.addMultiple(of: target, scalars: context.extender.pModQ, residues: lo..<hi)
            for (position, i) in kept.enumerated() {
                let bStart = ((j * 2) * kept.count + position) * n
                let aStart = ((j * 2 + 1) * kept.count + position) * n
                data.replaceSubrange(bStart..<(bStart + n), with: b.data[(i * n)..<((i + 1) * n)])
                data.replaceSubrange(aStart..<(aStart + n), with: a.data[(i * n)..<((i + 1) * n)])
            }
        }
        return KeySwitchingKey(
            digitCount: digits, primeCount: kept.count, maxLevel: level, n: n, data: data, seed: seed)
    }
}
