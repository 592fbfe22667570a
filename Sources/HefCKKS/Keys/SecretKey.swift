public import HefRing

/// The secret key s (ternary), kept in evaluation form over Q and P. Zeroized when released;
/// never leaves the client. A class so that exactly one copy of the secret exists.
public final class SecretKey: @unchecked Sendable {
    /// s over q_0 … q_L, p_0 … p_{K-1}, evaluation form.
    public private(set) var poly: Poly<Eval>
    /// The id of the parameters.
    public let parametersID: UInt64
    /// A random id carried by everything made with this key.
    public let keyID: UInt64

    /// Takes ownership of `poly` (zeroized on release).
    public init(poly: Poly<Eval>, parametersID: UInt64, keyID: UInt64) {
        self.poly = poly
        self.parametersID = parametersID
        self.keyID = keyID
    }

    deinit {
        poly.zeroize()
    }
}
