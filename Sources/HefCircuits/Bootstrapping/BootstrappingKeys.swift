public import HefCKKS
public import HefRing

/// What a ``Bootstrapper`` needs from the key holder: relinearization, the rotations of the
/// homomorphic DFT, conjugation, the automorphisms of the subring trace, and the two
/// encapsulation keys. All public: they go to the evaluator with the other evaluation keys.
public struct BootstrappingKeys: Sendable {
    /// Relinearization, rotation, conjugation and trace keys.
    public let evaluation: EvaluationKeys
    /// The dense-to-sparse and sparse-to-dense keys.
    public let encapsulation: EncapsulationKeys

    /// The keys from their parts.
    /// - Parameters:
    ///   - evaluation: relinearization, rotation, conjugation and trace keys
    ///   - encapsulation: the encapsulation keys
    public init(evaluation: EvaluationKeys, encapsulation: EncapsulationKeys) {
        self.evaluation = evaluation
        self.encapsulation = encapsulation
    }

    /// Bytes when sent seeded (each key's b parts and a 32-byte seed).
    public var seededByteCount: Int {
        var total = encapsulation.seededByteCount
        var keys = Array(evaluation.galois.values)
        if let relin = evaluation.relinearization { keys.append(relin) }
        for key in keys { total += key.seededByteCount }
        return total
    }

    /// Bytes of the evaluation keys file and the encapsulation keys file (seeded, residues
    /// packed to their primes' widths): what the key holder sends.
    /// - Parameters:
    ///   - context: their context
    /// - Throws: `CKKSError.parametersMismatch` for keys of other parameters.
    public func serializedByteCount(context: CKKSContext) throws -> Int {
        try evaluation.serializedByteCount(context: context) + encapsulation.serializedByteCount(context: context)
    }

    /// Number of key-switching keys (the encapsulation pair counted as two).
    public var keyCount: Int { evaluation.galois.count + (evaluation.relinearization == nil ? 0 : 1) + 2 }
}

extension KeyGenerator {
    /// The keys a ``Bootstrapper`` for `slots` slots needs; each Galois key up to the highest
    /// level it is used at (``Bootstrapper/galoisKeyLevels(context:slots:configuration:)``).
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - slots: the slot count of the ciphertexts to bootstrap
    ///   - configuration: the bootstrapping configuration
    ///   - stream: the randomness
    /// - Throws: as ``Bootstrapper/galoisElements(context:slots:configuration:)`` and the key
    ///   generator's `CKKSError` cases.
    public func bootstrappingKeys(
        for secretKey: SecretKey, slots: Int, configuration: BootstrapConfiguration, stream: inout RandomStream
    ) throws -> BootstrappingKeys {
        let relin = try relinearizationKey(for: secretKey, stream: &stream)
        var galois: [Int: KeySwitchingKey] = [:]
        let levels = try Bootstrapper.galoisKeyLevels(context: context, slots: slots, configuration: configuration)
        for g in levels.keys.sorted() {
            galois[g] = try galoisKey(for: secretKey, galoisElement: g, maxLevel: levels[g], stream: &stream)
        }
        let evaluation = EvaluationKeys(
            relinearization: relin, galois: galois, parametersID: context.parameters.id, keyID: secretKey.keyID)
        let encapsulation = try encapsulationKeys(
            for: secretKey, hammingWeight: configuration.ephemeralHammingWeight, stream: &stream)
        return BootstrappingKeys(evaluation: evaluation, encapsulation: encapsulation)
    }

    /// ``bootstrappingKeys(for:slots:configuration:stream:)`` with fresh OS randomness.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - slots: the slot count of the ciphertexts to bootstrap
    ///   - configuration: the bootstrapping configuration
    /// - Throws: as ``bootstrappingKeys(for:slots:configuration:stream:)``.
    public func bootstrappingKeys(for secretKey: SecretKey, slots: Int, configuration: BootstrapConfiguration)
        throws -> BootstrappingKeys
    {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try bootstrappingKeys(for: secretKey, slots: slots, configuration: configuration, stream: &stream)
    }
}
