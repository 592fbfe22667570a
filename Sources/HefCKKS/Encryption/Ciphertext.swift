/// A CKKS ciphertext: two (three before relinearization) polynomials in evaluation form.
/// It carries what every operation checks: its level, scale and slot count, and the ids of
/// the parameters and of the key it was encrypted under.
public struct Ciphertext: Sendable {
    public var polys: [Poly<Eval>]
    public var scale: Double
    public var slots: Int
    public let parametersID: UInt64
    public let keyID: UInt64
    /// True when the second polynomial is the expansion of `seed` (fresh symmetric encryption,
    /// not yet touched): it can then be serialized as the seed alone.
    public var seed: [UInt8]?

    public var level: Int { polys[0].moduliCount - 1 }
    /// 2 normally, 3 after a product before relinearization.
    public var size: Int { polys.count }

    public init(polys: [Poly<Eval>], scale: Double, slots: Int, parametersID: UInt64, keyID: UInt64, seed: [UInt8]? = nil) {
        self.polys = polys
        self.scale = scale
        self.slots = slots
        self.parametersID = parametersID
        self.keyID = keyID
        self.seed = seed
    }

    /// Drops primes down to `level` without changing the message (modulus switching in RNS).
    public mutating func dropLevels(to newLevel: Int) {
        precondition(newLevel >= 0 && newLevel <= level)
        for i in polys.indices { polys[i].truncate(toModuliCount: newLevel + 1) }
        seed = nil
    }
}
