import HefRing

/// Public key file payload:
/// ```
/// flags  u8   bit 0: a is the expansion of the seed
/// seed   32   (when seeded)
/// b      polynomial section over Q·P
/// a      polynomial section over Q·P (only when not seeded)
/// ```
/// A seeded `a` is re-expanded exactly as ``KeyGenerator/publicKey(for:stream:)`` drew it,
/// with ``PublicKey/expandA(context:seed:)`` (`Sampler.uniform` over Q·P from
/// `RandomStream(seed:domain: 0)`).
extension PublicKey {
    /// A public key file (seeded `a` when the seed is known).
    /// - Parameters:
    ///   - context: its context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        try params.requireID(parametersID)
        let seeded = seed.count == HefFile.seedSize
        var w = ByteWriter(
            capacity: HefFile.prefixSize(params) + 1 + 32 + 2
                * HefFile.polySize(moduli: context.basisQP.moduli[...], n: params.n))
        HefFile.writeHeader(&w, kind: .publicKey, parameters: params, keyID: keyID)
        w.u8(seeded ? 1 : 0)
        if seeded { w.raw(seed) }
        HefFile.writePoly(&w, b)
        if !seeded { HefFile.writePoly(&w, a) }
        return w.bytes
    }

    /// Reads a public key file.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var (header, r) = try HefFile.openPayload(bytes, kind: .publicKey, context: context)
        let flags = try r.u8("the public key flags")
        guard flags <= 1 else { throw CKKSError.malformedData("unknown public key flags \(flags)") }
        let seeded = flags & 1 == 1
        let seed = seeded ? try HefFile.readSeed(&r, what: "the public key") : []
        let basis = context.basisQP
        let full = basis.count...basis.count
        let (bData, count) = try HefFile.readPolyData(
            &r, moduli: basis.moduli, n: basis.n, counts: full, what: "the public key's b")
        let a: Poly<Eval>
        if seeded {
            a = PublicKey.expandA(context: context, seed: seed)
        } else {
            let (aData, aCount) = try HefFile.readPolyData(
                &r, moduli: basis.moduli, n: basis.n, counts: full, what: "the public key's a")
            a = Poly<Eval>(basis: basis, moduliCount: aCount, data: aData)
        }
        try r.expectEnd("public key")
        self.init(
            b: Poly<Eval>(basis: basis, moduliCount: count, data: bData), a: a, seed: seed,
            parametersID: header.parametersID, keyID: header.keyID)
    }
}
