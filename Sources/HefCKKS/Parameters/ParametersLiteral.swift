/// CKKS parameters as a user writes them: bit sizes, not primes. Unchecked; build a
/// ``CKKSParameters`` from it to generate the primes and validate everything.
///
/// JSON shape (what `hefctl params show PRESET --json` prints):
/// `{"logN": 14, "logQ": [60, 40, 40, 60], "logP": [61], "logScale": 40}` with optional
/// `"dnum"` (key-switching digits), `"secret"` (`"ternary"` or `"sparse"`), `"hammingWeight"`
/// (for sparse secrets) and `"security"` (128, 192 or 256).
public struct ParametersLiteral: Codable, Sendable, Equatable {
    /// log2 of the ring degree (12…16).
    public var logN: Int
    /// Bit sizes of q_0 (first prime), then of each scaling prime q_1 … q_L.
    public var logQ: [Int]
    /// Bit sizes of the special primes P used by key switching.
    public var logP: [Int]
    /// log2 of the default scale.
    public var logScale: Double
    /// Number of key-switching digits; nil means one digit per Q prime when P holds one prime,
    /// otherwise ⌈(L+1) / |P|⌉.
    public var dnum: Int?
    /// The secret distribution; nil means ternary.
    public var secret: SecretDistribution?
    /// Non-zero entries of a sparse secret; nil means 192.
    public var hammingWeight: Int?
    /// Target security in bits (128, 192 or 256); nil means 128.
    public var security: Int?

    /// A literal from its fields (unchecked).
    public init(
        logN: Int, logQ: [Int], logP: [Int], logScale: Double, dnum: Int? = nil,
        secret: SecretDistribution? = nil, hammingWeight: Int? = nil, security: Int? = nil
    ) {
        self.logN = logN
        self.logQ = logQ
        self.logP = logP
        self.logScale = logScale
        self.dnum = dnum
        self.secret = secret
        self.hammingWeight = hammingWeight
        self.security = security
    }
}

/// The distribution of the secret key.
public enum SecretDistribution: String, Codable, Sendable {
    /// Uniform over {-1, 0, 1}: what the security table assumes.
    case ternary
    /// Fixed Hamming weight (`hammingWeight` non-zero ±1 entries).
    case sparse
}
