import Foundation

/// Validated CKKS parameters: the primes are generated (the same on every backend), log2(Q·P)
/// is checked against the security table, and everything else a context needs is fixed.
/// Immutable and shareable across tasks.
public final class CKKSParameters: Sendable, CustomStringConvertible {
    /// The literal the parameters were built from.
    public let literal: ParametersLiteral
    /// log2 of the ring degree.
    public let logN: Int
    /// The ring degree N.
    public let n: Int
    /// Ciphertext primes q_0 … q_L.
    public let q: [UInt64]
    /// Special primes for key switching.
    public let p: [UInt64]
    /// The default scale 2^logScale.
    public let defaultScale: Double
    /// Key-switching digits and primes per digit.
    public let dnum: Int
    /// Primes of Q per key-switching digit.
    public let primesPerDigit: Int
    /// The secret distribution.
    public let secret: SecretDistribution
    /// Non-zero entries of a sparse secret (0 for ternary).
    public let hammingWeight: Int
    /// The security level checked, or nil when the insecure opt-in was used and the set fails.
    public let security: SecurityLevel?
    /// The bit size of Q·P as the literal states it (sum of the prime sizes).
    public let logQP: Double
    /// An identifier derived from everything above: files and ciphertexts carry it.
    public let id: UInt64

    /// The highest level (index of the last Q prime).
    public var maxLevel: Int { q.count - 1 }
    /// The most slots a ciphertext holds.
    public var maxSlots: Int { n / 2 }

    /// Validates `literal` and generates its primes.
    /// - Parameters:
    ///   - literal: the bit sizes and options to build.
    ///   - insecure: pass ``InsecureParametersForTestingOnly`` to accept a set that the
    ///     security table refuses (tests with small rings only).
    /// - Throws: ``CKKSError/invalidParameters(_:)`` for a value out of range or a size without
    ///   enough primes; ``CKKSError/insecureParameters(_:)`` when the set fails the security table
    ///   and `insecure` is nil.
    public convenience init(_ literal: ParametersLiteral, insecure: InsecureParametersForTestingOnly? = nil) throws {
        try self.init(literal: literal, insecure: insecure != nil)
    }

    /// The parameters of a preset.
    /// - Parameters:
    ///   - preset: a named parameter set
    /// - Throws: as ``init(_:insecure:)`` (never for the shipped presets).
    public convenience init(preset: ParametersPreset) throws {
        try self.init(literal: preset.literal, insecure: false)
    }

    /// The three steps: read the literal, generate the primes, check what needs the primes.
    private init(literal: ParametersLiteral, insecure: Bool) throws {
        let resolved = try ResolvedLiteral(literal, insecure: insecure)
        let security = try resolved.checkedSecurity(insecure: insecure)
        let (q, p) = try Self.generatePrimes(literal)
        try resolved.checkDigitsCoveredByP()

        self.literal = literal
        self.logN = resolved.logN
        self.n = 1 << resolved.logN
        self.q = q
        self.p = p
        self.defaultScale = Foundation.pow(2.0, literal.logScale)
        self.dnum = resolved.dnum
        self.primesPerDigit = resolved.primesPerDigit
        self.secret = resolved.secret
        self.hammingWeight = resolved.hammingWeight
        self.security = security
        self.logQP = Double((literal.logQ + literal.logP).reduce(0, +))
        self.id = Self.identifier(
            logN: resolved.logN, q: q, p: p, logScale: literal.logScale, dnum: resolved.dnum,
            secret: resolved.secret, hammingWeight: resolved.hammingWeight)
    }

    /// FNV-1a over everything that changes the ciphertexts: files and ciphertexts carry it.
    private static func identifier(
        logN: Int, q: [UInt64], p: [UInt64], logScale: Double, dnum: Int, secret: SecretDistribution, hammingWeight: Int
    ) -> UInt64 {
        var hasher = FNV1a()
        hasher.combine(UInt64(logN))
        for v in q { hasher.combine(v) }
        hasher.combine(0xffff)
        for v in p { hasher.combine(v) }
        hasher.combine(logScale.bitPattern)
        hasher.combine(UInt64(dnum))
        hasher.combine(secret == .ternary ? 0 : UInt64(hammingWeight))
        return hasher.value
    }

    /// Throws ``CKKSError/parametersMismatch(expected:found:)`` unless `id` is this set's.
    /// - Parameters:
    ///   - id: the id an object carries
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``.
    public func requireID(_ id: UInt64) throws {
        guard id == self.id else { throw CKKSError.parametersMismatch(expected: self.id, found: id) }
    }

    /// N, the prime sizes, the scale and dnum in one line.
    public var description: String {
        let qs = literal.logQ.map(String.init).joined(separator: ",")
        let ps = literal.logP.map(String.init).joined(separator: ",")
        return "CKKS(N=\(n), logQ=[\(qs)], logP=[\(ps)], scale=2^\(literal.logScale), dnum=\(dnum))"
    }
}
