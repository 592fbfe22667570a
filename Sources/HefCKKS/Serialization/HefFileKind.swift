/// What a Hef file holds: the byte after the magic.
public enum HefFileKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case parameters = 1
    case secretKey = 2
    case publicKey = 3
    case evaluationKeys = 4
    /// One or more ciphertexts (a `.ct` file: one per CSV row).
    case ciphertexts = 5
    case plaintext = 6

    public var description: String {
        switch self {
        case .parameters: return "parameters file"
        case .secretKey: return "secret key"
        case .publicKey: return "public key"
        case .evaluationKeys: return "set of evaluation keys"
        case .ciphertexts: return "ciphertext file"
        case .plaintext: return "plaintext"
        }
    }
}
