import HefRing

/// A hybrid key-switching key from s' to s: for each digit j, over Q_L'·P,
/// `b_j = −a_j·s + e_j + P·Q̃_j·s'` and `a_j` (expanded from `seed` with domain j over all of
/// Q·P, then restricted). Used for relinearization (s' = s²) and Galois automorphisms
/// (s' = σ_g(s)).
///
/// A key may stop at a level L' below the top (``maxLevel``): its residues are those of the
/// whole key at q_0 … q_L' and the special primes, and its digits those that cover q_0 … q_L'.
/// It switches ciphertexts at levels up to L' only, and weighs a fraction of a whole key
/// (bootstrapping's SlotsToCoeffs rotations run at low levels).
///
/// Storage is one contiguous buffer, digit-major: `[digit][b, a][prime of Q_L'·P][n]`, which
/// is what the key-switching inner product walks.
public struct KeySwitchingKey: Sendable {
    /// Number of gadget digits.
    public let digitCount: Int
    /// Number of primes: q_0 … q_L' and the special primes.
    public let primeCount: Int
    /// L': the highest level the key switches.
    public let maxLevel: Int
    /// The ring degree.
    public let n: Int
    /// The key, `[digit][b, a][prime of Q_L'·P][n]`.
    public let data: [UInt64]
    /// The seed every a_j was expanded from.
    public let seed: [UInt8]

    /// A key from its parts (`data.count` checked against the sizes).
    public init(digitCount: Int, primeCount: Int, maxLevel: Int, n: Int, data: [UInt64], seed: [UInt8]) {
        precondition(data.count == digitCount * 2 * primeCount * n && maxLevel >= 0 && maxLevel < primeCount)
        self.digitCount = digitCount
        self.primeCount = primeCount
        self.maxLevel = maxLevel
        self.n = n
        self.data = data
        self.seed = seed
    }

    /// Bytes of the key's payload when sent seeded: every b_j and the 32-byte seed (each a_j is
    /// re-expanded from the seed).
    public var seededByteCount: Int { digitCount * primeCount * n * 8 + seed.count }

    /// Offset of residue `prime` of b_j (`part` 0) or a_j (`part` 1): the layout of
    /// ``BasisExtender/keyOffset(digit:part:prime:qCount:)``.
    @inline(__always)
    func offset(digit j: Int, part: Int, prime: Int) -> Int {
        ((j * 2 + part) * primeCount + prime) * n
    }

    /// The primes of Q·P (q_0 … q_L then the special primes, by index) a key up to
    /// `maxLevel` keeps: q_0 … q_maxLevel and the special primes.
    static func keptPrimes(qCount: Int, pCount: Int, maxLevel: Int) -> [Int] {
        Array(0...maxLevel) + Array(qCount..<(qCount + pCount))
    }
}

/// Evaluation keys a server needs: relinearization and Galois keys. Public material.
public struct EvaluationKeys: Sendable {
    /// The key from s² to s, when generated.
    public let relinearization: KeySwitchingKey?
    /// Keyed by Galois element.
    public let galois: [Int: KeySwitchingKey]
    /// The id of the parameters the keys belong to.
    public let parametersID: UInt64
    /// The id of the secret key they were made from.
    public let keyID: UInt64

    /// A key set from its parts.
    public init(relinearization: KeySwitchingKey?, galois: [Int: KeySwitchingKey], parametersID: UInt64, keyID: UInt64)
    {
        self.relinearization = relinearization
        self.galois = galois
        self.parametersID = parametersID
        self.keyID = keyID
    }
}
