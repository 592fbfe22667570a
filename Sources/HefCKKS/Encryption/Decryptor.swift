import HefRing

/// Decryption: m = c0 + c1·s (+ c2·s²), then decoding.
public struct Decryptor: Sendable {
    /// The context of the parameters.
    public let context: CKKSContext
    /// The secret key it decrypts with.
    public let secretKey: SecretKey

    /// A decryptor for `secretKey`.
    /// - Parameters:
    ///   - context: the context
    ///   - secretKey: a secret key of the same parameters
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public init(context: CKKSContext, secretKey: SecretKey) throws {
        try context.parameters.requireID(secretKey.parametersID)
        self.context = context
        self.secretKey = secretKey
    }

    /// The plaintext m ≈ c_0 + c_1·s (+ c_2·s²).
    /// - Parameters:
    ///   - ciphertext: a ciphertext under this key
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)``.
    public func decrypt(_ ciphertext: Ciphertext) throws -> Plaintext {
        let params = context.parameters
        try params.requireID(ciphertext.parametersID)
        guard ciphertext.keyID == secretKey.keyID else {
            throw CKKSError.keyMismatch(expected: secretKey.keyID, found: ciphertext.keyID)
        }
        let count = ciphertext.polys[0].moduliCount
        var s = Encryptor.secretOverQ(secretKey, context: context, moduliCount: count)
        defer { s.zeroize() } // a copy of the secret
        var m = ciphertext.polys[0]
        m.multiplyAdd(ciphertext.polys[1], s)
        if ciphertext.size == 3 {
            var s2 = s
            s2.multiply(s)
            m.multiplyAdd(ciphertext.polys[2], s2)
            s2.zeroize()
        }
        return Plaintext(poly: m, scale: ciphertext.scale, slots: ciphertext.slots, parametersID: params.id)
    }

    /// Decrypts and decodes the real parts of the slots.
    /// - Parameters:
    ///   - ciphertext: a ciphertext under this key
    ///   - roundingBits: see ``CKKSContext/decode(_:roundingBits:)``
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)`` or ``CKKSError/keyMismatch(expected:found:)``.
    public func decryptValues(_ ciphertext: Ciphertext, roundingBits: Int? = nil) throws -> [Double] {
        try context.decode(try decrypt(ciphertext), roundingBits: roundingBits).real
    }
}
