import HefRing

/// Encapsulation keys file payload:
/// ```
/// hamming weight  u32
/// seed            32 bytes   (the dense-to-sparse key's a, over {q_0, p_0})
/// b               poly       (the dense-to-sparse key's b, 2 residues)
/// key record                 (the sparse-to-dense key, as in the evaluation keys file)
/// ```
/// The dense-to-sparse a is re-expanded as ``KeyGenerator`` drew it: `Sampler.uniform` over
/// {q_0, p_0} from `RandomStream(seed:domain: 0x4454_5300)`.
extension EncapsulationKeys {
    /// The stream domain the dense-to-sparse key's a is drawn from.
    static let denseToSparseDomain: UInt64 = 0x4454_5300

    /// The encapsulation keys file (seeded).
    /// - Parameters:
    ///   - context: their context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        try params.requireID(parametersID)
        var w = ByteWriter()
        HefFile.writeHeader(&w, kind: .encapsulationKeys, parameters: params, keyID: keyID)
        w.u32(UInt32(hammingWeight))
        w.raw(denseToSparseSeed)
        HefFile.writePoly(&w, denseToSparseB)
        EvaluationKeys.write(&w, sparseToDense, context: context)
        return w.bytes
    }

    /// The size of ``serialized(context:)`` in bytes, without writing it.
    /// - Parameters:
    ///   - context: their context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serializedByteCount(context: CKKSContext) throws -> Int {
        try context.parameters.requireID(parametersID)
        return HefFile.prefixSize(context.parameters) + 4 + denseToSparseSeed.count
            + HefFile.polySize(moduli: context.encapsulationBasis.moduli[...], n: context.parameters.n)
            + EvaluationKeys.recordSize(sparseToDense, context: context)
    }

    /// Reads an encapsulation keys file.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var (header, r) = try HefFile.openPayload(bytes, kind: .encapsulationKeys, context: context)
        let n = context.parameters.n
        let weight = Int(try r.u32("the ephemeral Hamming weight"))
        guard weight >= 1 && weight <= n else {
            throw CKKSError.malformedData("ephemeral Hamming weight \(weight) is not in 1...\(n)")
        }
        let seed = try HefFile.readSeed(&r, what: "the dense-to-sparse key")
        let small = context.encapsulationBasis
        let (b, _) = try HefFile.readPolyData(
            &r, moduli: small.moduli, n: n, counts: 2...2, what: "the dense-to-sparse key's b")
        var stream = RandomStream(seed: seed, domain: Self.denseToSparseDomain)
        let a = Sampler.uniform(basis: small, moduliCount: 2, stream: &stream)
        let toDense = try EvaluationKeys.readKey(&r, context: context, what: "the sparse-to-dense key")
        guard toDense.maxLevel == context.parameters.maxLevel else {
            throw CKKSError.malformedData("the sparse-to-dense key stops at level \(toDense.maxLevel), below the top")
        }
        try r.expectEnd("encapsulation keys")
        self.init(
            hammingWeight: weight, denseToSparseB: Poly<Eval>(basis: small, moduliCount: 2, data: b),
            denseToSparseA: a, denseToSparseSeed: seed, sparseToDense: toDense, parametersID: header.parametersID,
            keyID: header.keyID)
    }
}
