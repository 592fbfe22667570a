import HefRing

extension Encryptor {
    /// The key holder's step of a client-aided refresh: decrypts `ciphertext` (masked by the
    /// server, see ``Evaluator/masked(_:mask:index:publicKey:)``) to its integer polynomial
    /// and encrypts that polynomial again at `level` (the top one by default), with the secret key and a fresh
    /// seed (so the answer serializes at half size). Slots are never decoded: the message
    /// stays masked, and the integers are carried exactly from the low level to the top one.
    /// - Parameters:
    ///   - ciphertext: A masked ciphertext under `secretKey`.
    ///   - secretKey: The key holder's secret key.
    ///   - level: The level to encrypt at (at least the ciphertext's; the top one by default).
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)``;
    ///   ``CKKSError/invalidCiphertext(_:)`` for a ciphertext of three polynomials.
    public func refresh(_ ciphertext: Ciphertext, secretKey: SecretKey, level: Int? = nil) throws -> Ciphertext {
        guard ciphertext.size == 2 else {
            throw CKKSError.invalidCiphertext("a refresh takes a relinearized ciphertext")
        }
        let level = level ?? context.parameters.maxLevel
        guard level >= ciphertext.level, level <= context.parameters.maxLevel else {
            throw CKKSError.invalidCiphertext(
                "a refresh goes up from level \(ciphertext.level), not to level \(level) (top \(context.parameters.maxLevel))"
            )
        }
        let decrypted = try Decryptor(context: context, secretKey: secretKey).decrypt(ciphertext)
        var coefficients = decrypted.poly.inverseNTT()
        var decryptedPoly = decrypted.poly
        decryptedPoly.zeroize()
        var top = coefficients.extendedExactly(
            toModuliCount: level + 1, crt: context.crt[ciphertext.level])
        coefficients.zeroize()
        let plaintext = Plaintext(
            poly: top.forwardNTT(), scale: ciphertext.scale, slots: ciphertext.slots,
            parametersID: context.parameters.id)
        top.zeroize()
        return try encrypt(plaintext, secretKey: secretKey)
    }
}
