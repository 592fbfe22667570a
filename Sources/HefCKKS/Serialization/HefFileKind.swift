/// What a Hef file holds: the byte after the magic.
public enum HefFileKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// Parameters only.
    case parameters = 1
    /// A secret key.
    case secretKey = 2
    /// A public key.
    case publicKey = 3
    /// Relinearization and Galois keys.
    case evaluationKeys = 4
    /// One or more ciphertexts (a `.ct` file: one per CSV row).
    case ciphertexts = 5
    /// One plaintext.
    case plaintext = 6
    /// The two keys of sparse-secret encapsulation (bootstrapping).
    case encapsulationKeys = 7

    /// The kind in words ("secret key", …).
    public var description: String {
        switch self {
        case .parameters: return "parameters file"
        case .secretKey: return "secret key"
        case .publicKey: return "public key"
        case .evaluationKeys: return "set of evaluation keys"
        case .ciphertexts: return "ciphertext file"
        case .plaintext: return "plaintext"
        case .encapsulationKeys: return "pair of encapsulation keys"
        }
    }
}
