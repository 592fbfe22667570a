import HefRing

extension Evaluator {
    /// The server's first half of a client-aided refresh: `ciphertext` dropped to the mask's
    /// level (``RefreshMask/level(bits:parameters:)``), plus the mask, plus a fresh public-key
    /// encryption of zero. The key holder decrypts a value within 2^−λ of independent of the
    /// message and of the error term (the mask hides both), and the re-randomization makes the
    /// second polynomial independent of how the server computed it (it would otherwise be a
    /// linear combination of the client's own, which the weights could be read from).
    /// - Parameters:
    ///   - ciphertext: A relinearized ciphertext at or above the mask's level.
    ///   - mask: The server's secret mask for this refresh.
    ///   - index: The ciphertext's position in the refresh (each gets its own mask).
    ///   - publicKey: The key holder's public key (same key as the ciphertext).
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)``
    ///   for a ciphertext or key of other parameters or another key; ``CKKSError/invalidCiphertext(_:)``
    ///   for a ciphertext of three polynomials; ``CKKSError/levelExhausted(_:)`` when the
    ///   ciphertext is below the mask's level (the masked value could wrap).
    public func masked(_ ciphertext: Ciphertext, mask: RefreshMask, index: Int, publicKey: PublicKey) throws
        -> Ciphertext
    {
        let parameters = context.parameters
        try parameters.requireID(ciphertext.parametersID)
        try parameters.requireID(publicKey.parametersID)
        guard publicKey.keyID == ciphertext.keyID else {
            throw CKKSError.keyMismatch(expected: ciphertext.keyID, found: publicKey.keyID)
        }
        guard ciphertext.size == 2 else { throw CKKSError.invalidCiphertext("relinearize before a refresh") }
        guard let level = RefreshMask.level(bits: mask.bits, parameters: parameters), ciphertext.level >= level else {
            throw CKKSError.levelExhausted(
                "a refresh with a \(mask.bits)-bit mask needs a modulus above 2^\(mask.bits + 2); the ciphertext is at level \(ciphertext.level)"
            )
        }
        var out = ciphertext
        out.dropLevels(to: level)
        out.polys[0].add(mask.polynomial(context: context, moduliCount: level + 1, index: index))
        let zero = Plaintext(
            poly: Poly<Eval>(zeroOn: context.basisQ, moduliCount: level + 1), scale: out.scale, slots: out.slots,
            parametersID: parameters.id)
        let fresh = try Encryptor(context: context).encrypt(zero, publicKey: publicKey)
        out.polys[0].add(fresh.polys[0])
        out.polys[1].add(fresh.polys[1])
        return out
    }

    /// The server's second half: the key holder's re-encryption minus the mask, at the level
    /// the next computation starts at, at the scale the masked ciphertext had.
    /// - Parameters:
    ///   - ciphertext: The key holder's answer to ``masked(_:mask:index:publicKey:)``.
    ///   - mask: The mask that refresh used.
    ///   - index: The ciphertext's position in the refresh.
    ///   - scale: The scale of the ciphertext that was masked.
    ///   - keyID: The key the masked ciphertext was under.
    ///   - level: The level the key holder was asked to re-encrypt at (the top one by default).
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``, ``CKKSError/keyMismatch(expected:found:)``,
    ///   ``CKKSError/invalidCiphertext(_:)`` when the answer is not a fresh top-level ciphertext,
    ///   ``CKKSError/scaleMismatch(_:_:)`` when its scale is not the masked one.
    public func unmasked(
        _ ciphertext: Ciphertext, mask: RefreshMask, index: Int, scale: Double, keyID: UInt64, level: Int? = nil
    ) throws -> Ciphertext {
        let parameters = context.parameters
        let level = level ?? parameters.maxLevel
        try parameters.requireID(ciphertext.parametersID)
        guard ciphertext.keyID == keyID else { throw CKKSError.keyMismatch(expected: keyID, found: ciphertext.keyID) }
        guard ciphertext.size == 2, ciphertext.level == level else {
            throw CKKSError.invalidCiphertext(
                "a refreshed ciphertext is a fresh encryption at level \(level) (this one is at level \(ciphertext.level))"
            )
        }
        guard Self.sameScale(ciphertext.scale, scale) else { throw CKKSError.scaleMismatch(ciphertext.scale, scale) }
        var out = ciphertext
        out.polys[0].subtract(mask.polynomial(context: context, moduliCount: level + 1, index: index))
        out.scale = scale
        return out
    }
}
