public import HefRing

/// The public encryption key (b, a) = (−a·s + e, a) over Q·P (all primes of ``CKKSContext/basisQP``),
/// evaluation form. `a` is the expansion of `seed`, so the key serializes as b and 32 bytes.
public struct PublicKey: Sendable {
    /// b = −a·s + e over Q·P.
    public let b: Poly<Eval>
    /// a, uniform over Q·P (expanded from `seed`).
    public let a: Poly<Eval>
    /// The seed `a` was expanded from.
    public let seed: [UInt8]
    /// The id of the parameters.
    public let parametersID: UInt64
    /// The id of the matching secret key.
    public let keyID: UInt64

    /// A public key from its parts.
    public init(b: Poly<Eval>, a: Poly<Eval>, seed: [UInt8], parametersID: UInt64, keyID: UInt64) {
        self.b = b
        self.a = a
        self.seed = seed
        self.parametersID = parametersID
        self.keyID = keyID
    }

    /// The uniform `a` a public key's seed stands for.
    public static func expandA(context: CKKSContext, seed: [UInt8]) -> Poly<Eval> {
        var seeded = RandomStream(seed: seed, domain: 0)
        return Sampler.uniform(basis: context.basisQP, moduliCount: context.basisQP.count, stream: &seeded)
    }
}
