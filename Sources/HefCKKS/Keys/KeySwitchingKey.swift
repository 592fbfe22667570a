import HefRing

/// A hybrid key-switching key from s' to s: for each digit j, over Q·P,
/// `b_j = −a_j·s + e_j + P·Q̃_j·s'` and `a_j` (expanded from `seed` with domain j).
/// Used for relinearization (s' = s²) and Galois automorphisms (s' = σ_g(s)).
///
/// Storage is one contiguous buffer, digit-major: `[digit][b, a][prime of Q·P][n]`, which is
/// what the key-switching inner product walks.
public struct KeySwitchingKey: Sendable {
    /// Number of gadget digits.
    public let digitCount: Int
    /// Number of primes of Q·P.
    public let primeCount: Int
    /// The ring degree.
    public let n: Int
    /// The key, `[digit][b, a][prime of Q·P][n]`.
    public let data: [UInt64]
    /// The seed every a_j was expanded from.
    public let seed: [UInt8]

    /// A key from its parts (`data.count` checked against the sizes).
    public init(digitCount: Int, primeCount: Int, n: Int, data: [UInt64], seed: [UInt8]) {
        precondition(data.count == digitCount * 2 * primeCount * n)
        self.digitCount = digitCount
        self.primeCount = primeCount
        self.n = n
        self.data = data
        self.seed = seed
    }

    /// Bytes of the key's payload when sent seeded: every b_j and the 32-byte seed (each a_j is
    /// re-expanded from the seed).
    public var seededByteCount: Int { digitCount * primeCount * n * 8 + seed.count }

    /// Offset of residue `prime` of b_j (`part` 0) or a_j (`part` 1): the layout of
    /// ``BasisExtender/keyOffset(digit:part:prime:)``.
    @inline(__always)
    func offset(digit j: Int, part: Int, prime: Int) -> Int {
        ((j * 2 + part) * primeCount + prime) * n
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
