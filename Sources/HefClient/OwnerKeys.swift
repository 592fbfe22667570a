public import HefCKKS
import HefRing

/// A data owner's key set: a secret key, its public key, and evaluation keys (a relinearization
/// key and one Galois key per rotation step), as `hefctl keygen` and the client's key cache make it.
public struct GeneratedKeys: Sendable {
    /// The secret key: never leaves the data owner.
    public let secretKey: SecretKey
    /// The public key, for encryption.
    public let publicKey: PublicKey
    /// The evaluation keys, for the server.
    public let evaluationKeys: EvaluationKeys
    /// Galois keys made (distinct Galois elements).
    public var galoisCount: Int { evaluationKeys.galois.count }

    /// Generates a key set from fresh system randomness (the stream is wiped afterwards).
    /// - Parameters:
    ///   - context: The parameters' context.
    ///   - rotationSteps: Rotation steps to make Galois keys for (full N/2-slot rotations; 0 and
    ///     repeats are skipped).
    ///   - conjugation: Also make the conjugation key.
    ///   - galoisMaxLevel: The highest level the Galois keys must switch (default: the top); a
    ///     model whose segments start lower (`CompiledModel.maxOperationLevel` in HefML) needs less.
    ///   - progress: Told each step (`secret key`, `Galois key 3/9`, …).
    /// - Throws: `CKKSError` from key generation.
    public static func generate(
        context: CKKSContext, rotationSteps: [Int], conjugation: Bool = false, galoisMaxLevel: Int? = nil,
        progress: ((String) -> Void)? = nil
    ) throws -> GeneratedKeys {
        let parameters = context.parameters
        let generator = KeyGenerator(context: context)
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        progress?("secret key")
        let secretKey = generator.secretKey(stream: &stream)
        progress?("public key")
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        progress?("relinearization key")
        let relin = try generator.relinearizationKey(for: secretKey, stream: &stream)
        var elements: [Int] = []
        for step in rotationSteps {
            let g = context.encoder.galoisElement(forStep: step, slots: parameters.maxSlots)
            if g != 1 && !elements.contains(g) { elements.append(g) }
        }
        if conjugation && !elements.contains(context.encoder.conjugationElement) {
            elements.append(context.encoder.conjugationElement)
        }
        var galois: [Int: KeySwitchingKey] = [:]
        for (i, g) in elements.enumerated() {
            progress?("Galois key \(i + 1)/\(elements.count)")
            galois[g] = try generator.galoisKey(
                for: secretKey, galoisElement: g, maxLevel: galoisMaxLevel, stream: &stream)
        }
        let keys = EvaluationKeys(
            relinearization: relin, galois: galois, parametersID: parameters.id, keyID: secretKey.keyID)
        return GeneratedKeys(secretKey: secretKey, publicKey: publicKey, evaluationKeys: keys)
    }
}
