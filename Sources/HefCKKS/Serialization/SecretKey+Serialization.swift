import HefRing

/// Secret key file payload: s as one polynomial section over Q·P (evaluation form).
/// HefCKKS deals in bytes only: whoever stores them keeps them private and wipes them
/// (`hefctl` writes mode 0600 and wipes its buffer).
extension SecretKey {
    /// The serialized key. The caller owns secret bytes: wipe them when done.
    /// - Parameters:
    ///   - context: its context
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func serialized(context: CKKSContext) throws -> [UInt8] {
        let params = context.parameters
        try params.requireID(parametersID)
        let size = HefFile.prefixSize(params) + HefFile.polySize(moduli: context.basisQP.moduli[...], n: params.n)
        // Exact capacity: the buffer never reallocates, so no stray copy of the secret is left.
        var w = ByteWriter(capacity: size)
        HefFile.writeHeader(&w, kind: .secretKey, parameters: params, keyID: keyID)
        HefFile.writePoly(&w, poly)
        return w.bytes
    }

    /// Reads a secret key file; wipe `bytes` afterwards.
    /// - Parameters:
    ///   - bytes: the file's bytes
    ///   - context: the context of the file's parameters
    /// - Throws: ``CKKSError/malformedData(_:)``, ``CKKSError/truncated(_:)``, ``CKKSError/unsupportedVersion(_:)`` or ``CKKSError/wrongKind(expected:found:)`` for bytes that are not a valid file of this kind; ``CKKSError/parametersMismatch(expected:found:)`` when they were made for other parameters.
    public convenience init(deserializing bytes: [UInt8], context: CKKSContext) throws {
        var (header, r) = try HefFile.openPayload(bytes, kind: .secretKey, context: context)
        let basis = context.basisQP
        var (data, count) = try HefFile.readPolyData(
            &r, moduli: basis.moduli, n: basis.n, counts: basis.count...basis.count, what: "the secret key")
        try r.expectEnd("secret key")
        defer { secureZero(&data) }
        let poly = Poly<Eval>(basis: basis, moduliCount: count, data: data)
        self.init(poly: poly, parametersID: header.parametersID, keyID: header.keyID)
    }
}
