/// Constants for exact CRT composition of residues modulo `q_0 … q_{k-1}` into integers
/// modulo `Q = Π q_i`, as little-endian 64-bit limbs (`limbCount` words per integer).
/// Built once by ``init(moduli:)`` (multi-word arithmetic in Swift) for both backends.
public struct CRTTables: Sendable {
    /// The primes q_0 … q_{k-1}.
    public let moduli: [Modulus]
    /// Words per composed integer (see ``limbCount(for:)``).
    public let limbCount: Int
    /// Q, `limbCount` limbs.
    public let modulusProduct: [UInt64]
    /// floor(Q / 2), `limbCount` limbs.
    public let halfProduct: [UInt64]
    /// `Q / q_i`, `limbCount` limbs each, concatenated.
    public let qHat: [UInt64]
    /// `(Q/q_i)^-1 mod q_i` and Shoup companions.
    public let qHatInverse: [UInt64]
    /// Shoup companions of `qHatInverse`.
    public let qHatInverseShoup: [UInt64]

    /// Wraps precomputed tables (sizes checked); ``init(moduli:)`` computes them.
    public init(
        moduli: [Modulus], limbCount: Int, modulusProduct: [UInt64], halfProduct: [UInt64],
        qHat: [UInt64], qHatInverse: [UInt64], qHatInverseShoup: [UInt64]
    ) {
        precondition(modulusProduct.count == limbCount && halfProduct.count == limbCount)
        precondition(qHat.count == limbCount * moduli.count)
        precondition(qHatInverse.count == moduli.count && qHatInverseShoup.count == moduli.count)
        self.moduli = moduli
        self.limbCount = limbCount
        self.modulusProduct = modulusProduct
        self.halfProduct = halfProduct
        self.qHat = qHat
        self.qHatInverse = qHatInverse
        self.qHatInverseShoup = qHatInverseShoup
    }

    /// Limbs needed for integers below the product of `moduli` (one spare word for sums).
    public static func limbCount(for moduli: [Modulus]) -> Int {
        let bits = moduli.reduce(0) { $0 + $1.bitWidth }
        return (bits + 63) / 64 + 1
    }

    /// The tables for `moduli` (distinct primes): Q, ⌊Q/2⌋ and every Q/q_i as limbs, and
    /// `(Q/q_i)^-1 mod q_i` with Shoup companions.
    public init(moduli: [Modulus]) {
        precondition(!moduli.isEmpty, "CRT needs at least one modulus")
        let limbs = CRTTables.limbCount(for: moduli)
        let values = moduli.map(\.value)
        let product = SwiftMultiWord.product(values, limbs: limbs)
        var qHat: [UInt64] = []
        qHat.reserveCapacity(limbs * moduli.count)
        var inverse: [UInt64] = []
        var inverseShoup: [UInt64] = []
        for i in moduli.indices {
            var others = values
            others.remove(at: i)
            qHat += SwiftMultiWord.product(others, limbs: limbs)
            let q = values[i]
            var hatModQ: UInt64 = 1 % q
            for v in others { hatModQ = ScalarMod.mul(hatModQ, v % q, q) }
            let inv = ScalarMod.inversePrime(hatModQ, q)
            inverse.append(inv)
            inverseShoup.append(ScalarMod.shoup(inv, q))
        }
        self.init(
            moduli: moduli, limbCount: limbs, modulusProduct: product, halfProduct: SwiftMultiWord.halved(product),
            qHat: qHat, qHatInverse: inverse, qHatInverseShoup: inverseShoup)
    }
}
