/// Precomputed twiddle factors for the negacyclic NTT of length `n` modulo one prime.
///
/// Layout (shared by both backends, so the transforms agree word for word):
/// - `rootPowers[i] = psi^bitrev(i, logN)` for `i` in `0..<n`, where `psi` is the smallest
///   primitive 2n-th root of unity mod q; `rootPowersShoup[i]` its Shoup companion.
/// - `inverseRootPowers[i] = rootPowers[i]^-1`, with Shoup companions.
/// - `inverseN = n^-1 mod q`, with its Shoup companion.
///
/// Forward (Cooley–Tukey, natural order in, bit-reversed order out):
/// `t = n; for m in 1, 2, 4, … < n { t /= 2; for i in 0..<m { w = rootPowers[m + i];
///  for j in 2it..<2it+t { (a[j], a[j+t]) = (a[j] + w·a[j+t], a[j] − w·a[j+t]) } } }`.
/// Inverse (Gentleman–Sande, bit-reversed in, natural out):
/// `t = 1; for m in n/2, n/4, …, 1 { for i in 0..<m { w = inverseRootPowers[m + i];
///  for j in 2it..<2it+t { (a[j], a[j+t]) = (a[j] + a[j+t], w·(a[j] − a[j+t])) } }; t *= 2 }`,
/// then every coefficient times `inverseN`. Outputs of both are fully reduced into [0, q).
public struct NTTTables: Sendable {
    /// The prime q.
    public let modulus: Modulus
    /// log2 of the transform length.
    public let logN: Int
    /// The transform length n = 2^logN.
    public var n: Int { 1 << logN }
    /// The primitive 2n-th root of unity the tables are built from.
    public let psi: UInt64
    /// `psi^bitrev(i)` for the forward transform.
    public let rootPowers: [UInt64]
    /// Shoup companions of `rootPowers`.
    public let rootPowersShoup: [UInt64]
    /// `psi^-bitrev(i)` for the inverse transform.
    public let inverseRootPowers: [UInt64]
    /// Shoup companions of `inverseRootPowers`.
    public let inverseRootPowersShoup: [UInt64]
    /// n^-1 mod q.
    public let inverseN: UInt64
    /// Shoup companion of `inverseN`.
    public let inverseNShoup: UInt64

    /// Wraps precomputed tables (sizes checked); ``init(modulus:logN:psi:)`` computes them.
    public init(
        modulus: Modulus, logN: Int, psi: UInt64,
        rootPowers: [UInt64], rootPowersShoup: [UInt64],
        inverseRootPowers: [UInt64], inverseRootPowersShoup: [UInt64],
        inverseN: UInt64, inverseNShoup: UInt64
    ) {
        let n = 1 << logN
        precondition(rootPowers.count == n && rootPowersShoup.count == n)
        precondition(inverseRootPowers.count == n && inverseRootPowersShoup.count == n)
        self.modulus = modulus
        self.logN = logN
        self.psi = psi
        self.rootPowers = rootPowers
        self.rootPowersShoup = rootPowersShoup
        self.inverseRootPowers = inverseRootPowers
        self.inverseRootPowersShoup = inverseRootPowersShoup
        self.inverseN = inverseN
        self.inverseNShoup = inverseNShoup
    }
}

extension NTTTables {
    /// The tables of `modulus` built from `psi`, a primitive 2n-th root of unity mod q.
    public init(modulus: Modulus, logN: Int, psi: UInt64) {
        let q = modulus.value
        let psiInverse = ScalarMod.inversePrime(psi, q)
        let (roots, rootsShoup) = Self.bitReversedPowers(psi, q: q, logN: logN)
        let (inverses, inversesShoup) = Self.bitReversedPowers(psiInverse, q: q, logN: logN)
        let inverseN = ScalarMod.inversePrime(UInt64(1 << logN) % q, q)
        self.init(
            modulus: modulus, logN: logN, psi: psi,
            rootPowers: roots, rootPowersShoup: rootsShoup,
            inverseRootPowers: inverses, inverseRootPowersShoup: inversesShoup,
            inverseN: inverseN, inverseNShoup: ScalarMod.shoup(inverseN, q))
    }

    /// Powers `root^0 … root^(n-1)` scattered into bit-reversed order, with Shoup companions.
    private static func bitReversedPowers(_ root: UInt64, q: UInt64, logN: Int) -> ([UInt64], [UInt64]) {
        let n = 1 << logN
        let rootShoup = ScalarMod.shoup(root, q)
        var powers = [UInt64](repeating: 0, count: n)
        var shoup = [UInt64](repeating: 0, count: n)
        var current: UInt64 = 1 % q
        for k in 0..<n {
            let i = bitReverse(k, bits: logN)
            powers[i] = current
            shoup[i] = ScalarMod.shoup(current, q)
            current = swiftShoup(current, root, rootShoup, q)
        }
        return (powers, shoup)
    }
}

/// Bit reversal of the low `bits` bits of `x`.
@inlinable
public func bitReverse(_ x: Int, bits: Int) -> Int {
    guard bits > 0 else { return 0 }
    return Int(UInt(x).bitReversed >> UInt(UInt.bitWidth - bits))
}

extension UInt {
    @usableFromInline
    var bitReversed: UInt {
        var v = self
        var r: UInt = 0
        for _ in 0..<UInt.bitWidth {
            r = (r << 1) | (v & 1)
            v >>= 1
        }
        return r
    }
}
