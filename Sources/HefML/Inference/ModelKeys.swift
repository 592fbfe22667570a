public import HefCKKS
import HefCircuits
public import HefRing

/// The public keys a compiled model's evaluation needs from the key holder.
public struct ModelKeys: Sendable {
    /// Relinearization and every rotation of the plan; for a model that bootstraps, also the
    /// bootstrapper's rotations, conjugation and trace automorphisms.
    public let evaluation: EvaluationKeys
    /// The encapsulation keys of a model that bootstraps (nil otherwise).
    public let encapsulation: EncapsulationKeys?

    /// Keys from their parts.
    /// - Parameters:
    ///   - evaluation: the evaluation keys
    ///   - encapsulation: the encapsulation keys of a model that bootstraps
    public init(evaluation: EvaluationKeys, encapsulation: EncapsulationKeys?) {
        self.evaluation = evaluation
        self.encapsulation = encapsulation
    }

    /// The Galois keys a model's bootstraps need, each with the highest level it must reach
    /// (empty for a model that does not bootstrap).
    /// - Parameters:
    ///   - model: the compiled model
    ///   - context: the context of the model's parameters
    /// - Throws: `CKKSError` when the model's bootstrap does not fit its parameters.
    public static func bootstrapGaloisLevels(model: CompiledModel, context: CKKSContext) throws -> [Int: Int] {
        guard let bootstrap = model.plan.refresh?.bootstrap else { return [:] }
        return try Bootstrapper.galoisKeyLevels(
            context: context, slots: bootstrap.slots, configuration: bootstrap.configuration)
    }
}

extension KeyGenerator {
    /// Every public key `model` needs: ``ModelKeys``.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - model: the compiled model (its parameters must be this generator's)
    ///   - stream: the randomness
    /// - Throws: ``ModelError/wrongModel(_:)`` for a model of other parameters; the key
    ///   generator's `CKKSError` cases.
    public func modelKeys(for secretKey: SecretKey, model: CompiledModel, stream: inout RandomStream) throws
        -> ModelKeys
    {
        guard context.parameters.literal == model.plan.parameters else {
            throw ModelError.wrongModel("the key generator's parameters are not the model's")
        }
        let keys = try evaluationKeys(
            for: secretKey, rotations: model.plan.rotationSteps, galoisMaxLevel: model.maxOperationLevel,
            stream: &stream)
        return try completing(keys, for: secretKey, model: model, stream: &stream)
    }

    /// `keys` (a model's relinearization and rotation keys) completed with what the model's
    /// bootstraps need: the bootstrapper's Galois keys not already there, and the encapsulation
    /// keys. A model without bootstraps gets `keys` back as they are.
    /// - Parameters:
    ///   - keys: evaluation keys made for `model` with this secret key
    ///   - secretKey: the secret key
    ///   - model: the compiled model
    ///   - progress: told (keys done, keys to make) after each key
    ///   - stream: the randomness
    /// - Throws: ``ModelError/wrongModel(_:)`` for a model or keys of other parameters, or keys
    ///   of another secret; the key generator's `CKKSError` cases.
    public func completing(
        _ keys: EvaluationKeys, for secretKey: SecretKey, model: CompiledModel,
        progress: ((Int, Int) -> Void)? = nil, stream: inout RandomStream
    ) throws -> ModelKeys {
        guard context.parameters.literal == model.plan.parameters, keys.parametersID == context.parameters.id else {
            throw ModelError.wrongModel("the keys' parameters are not the model's")
        }
        guard keys.keyID == secretKey.keyID else {
            throw ModelError.wrongModel("the evaluation keys belong to another secret key")
        }
        guard let bootstrap = model.plan.refresh?.bootstrap else {
            return ModelKeys(evaluation: keys, encapsulation: nil)
        }
        var galois = keys.galois
        let levels = try ModelKeys.bootstrapGaloisLevels(model: model, context: context)
        // A key the model already has serves the bootstrapper when it reaches high enough.
        let missing = levels.keys.sorted().filter { g in galois[g].map { $0.maxLevel < levels[g]! } ?? true }
        for (i, g) in missing.enumerated() {
            galois[g] = try galoisKey(for: secretKey, galoisElement: g, maxLevel: levels[g], stream: &stream)
            progress?(i + 1, missing.count + 1)
        }
        let relinearization = try keys.relinearization ?? relinearizationKey(for: secretKey, stream: &stream)
        let evaluation = EvaluationKeys(
            relinearization: relinearization, galois: galois, parametersID: keys.parametersID, keyID: keys.keyID)
        let encapsulation = try encapsulationKeys(
            for: secretKey, hammingWeight: bootstrap.configuration.ephemeralHammingWeight, stream: &stream)
        progress?(missing.count + 1, missing.count + 1)
        return ModelKeys(evaluation: evaluation, encapsulation: encapsulation)
    }

    /// ``modelKeys(for:model:stream:)`` with fresh OS randomness.
    /// - Parameters:
    ///   - secretKey: the secret key
    ///   - model: the compiled model
    /// - Throws: as ``modelKeys(for:model:stream:)``.
    public func modelKeys(for secretKey: SecretKey, model: CompiledModel) throws -> ModelKeys {
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        return try modelKeys(for: secretKey, model: model, stream: &stream)
    }
}
