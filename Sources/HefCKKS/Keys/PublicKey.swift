/// The public encryption key (b, a) = (−a·s + e, a) over Q, evaluation form. `a` is the
/// expansion of `seed`, so the key serializes as b and 32 bytes.
public struct PublicKey: Sendable {
    public let b: Poly<Eval>
    public let a: Poly<Eval>
    public let seed: [UInt8]
    public let parametersID: UInt64
    public let keyID: UInt64
}
