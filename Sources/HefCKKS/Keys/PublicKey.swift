public import HefRing

/// The public encryption key (b, a) = (−a·s + e, a) over Q·P (all primes of ``CKKSContext/basisQP``),
/// evaluation form. `a` is the expansion of `seed`, so the key serializes as b and 32 bytes.
public struct PublicKey: Sendable {
    public let b: Poly<Eval>
    public let a: Poly<Eval>
    public let seed: [UInt8]
    public let parametersID: UInt64
    public let keyID: UInt64

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
