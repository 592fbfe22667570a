import Foundation

/// Validated CKKS parameters: the primes are generated (the same on every backend), log2(Q·P)
/// is checked against the security table, and everything else a context needs is fixed.
/// Immutable and shareable across tasks.
public final class CKKSParameters: Sendable, CustomStringConvertible {
    public let literal: ParametersLiteral
    public let logN: Int
    public let n: Int
    /// Ciphertext primes q_0 … q_L.
    public let q: [UInt64]
    /// Special primes for key switching.
    public let p: [UInt64]
    /// The default scale 2^logScale.
    public let defaultScale: Double
    /// Key-switching digits and primes per digit.
    public let dnum: Int
    public let primesPerDigit: Int
    public let secret: SecretDistribution
    public let hammingWeight: Int
    /// The security level checked, or nil when the insecure opt-in was used and the set fails.
    public let security: SecurityLevel?
    public let logQP: Double
    /// An identifier derived from everything above: files and ciphertexts carry it.
    public let id: UInt64

    /// The highest level (index of the last Q prime).
    public var maxLevel: Int { q.count - 1 }
    /// The most slots a ciphertext holds.
    public var maxSlots: Int { n / 2 }

    /// Validates `literal` and generates its primes.
    /// - Parameter insecure: pass ``InsecureParametersForTestingOnly`` to accept a set that the
    ///   security table refuses (tests with small rings only).
    public convenience init(_ literal: ParametersLiteral, insecure: InsecureParametersForTestingOnly? = nil) throws {
        try self.init(literal: literal, insecure: insecure != nil)
    }

    public convenience init(preset: ParametersPreset) throws {
        try self.init(literal: preset.literal, insecure: false)
    }

    private init(literal: ParametersLiteral, insecure: Bool) throws {
        let logN = literal.logN
        guard (insecure ? 4...16 : 12...16).contains(logN) else {
            throw CKKSError.invalidParameters("logN must be between 12 and 16 (got \(logN))")
        }
        guard !literal.logQ.isEmpty else { throw CKKSError.invalidParameters("logQ is empty") }
        guard !literal.logP.isEmpty else {
            throw CKKSError.invalidParameters("logP is empty: key switching needs at least one special prime")
        }
        for b in literal.logQ + literal.logP where !(20...61).contains(b) {
            throw CKKSError.invalidParameters("prime sizes must be between 20 and 61 bits (got \(b))")
        }
        guard literal.logScale >= 10 && literal.logScale <= 60 else {
            throw CKKSError.invalidParameters("logScale must be between 10 and 60 (got \(literal.logScale))")
        }
        guard Double(literal.logQ[0]) > literal.logScale else {
            throw CKKSError.invalidParameters(
                "the first prime (\(literal.logQ[0]) bits) must exceed the scale (2^\(literal.logScale)) to decrypt")
        }
        let level = SecurityLevel(rawValue: literal.security ?? 128)
        guard let level else {
            throw CKKSError.invalidParameters("security must be 128, 192 or 256 (got \(literal.security!))")
        }
        let secret = literal.secret ?? .ternary
        var weight = 0
        if secret == .sparse {
            weight = literal.hammingWeight ?? 192
            guard weight > 0 && weight <= (1 << logN) else {
                throw CKKSError.invalidParameters("hammingWeight must be in 1...N (got \(weight))")
            }
        }
        let qCount = literal.logQ.count
        let pCount = literal.logP.count
        let alpha: Int
        let dnum: Int
        if let d = literal.dnum {
            guard d >= 1 && d <= qCount else {
                throw CKKSError.invalidParameters("dnum must be between 1 and the number of Q primes (\(qCount))")
            }
            dnum = d
            alpha = (qCount + d - 1) / d
        } else {
            alpha = pCount
            dnum = (qCount + alpha - 1) / alpha
        }

        let logQP = Self.sumLog2(literal.logQ + literal.logP)
        // Security: checked on the bit sizes the primes will have (each prime < 2^bits).
        let bitsQP = (literal.logQ + literal.logP).reduce(0, +)
        var checked: SecurityLevel? = level
        if let bound = level.maxLogQP(n: 1 << logN) {
            if bitsQP > bound {
                if !insecure {
                    throw CKKSError.insecureParameters(
                        "log2(Q·P) = \(bitsQP) bits exceeds \(bound), the largest modulus the HomomorphicEncryption.org table allows for \(level.rawValue)-bit security at N = \(1 << logN); use a larger N or fewer/smaller primes"
                    )
                }
                checked = nil
            }
            if secret == .sparse && !insecure {
                // The table assumes uniform ternary secrets; sparse secrets weaken hybrid attacks'
                // cost. Accept only a generous weight.
                if weight < 64 {
                    throw CKKSError.insecureParameters(
                        "a sparse secret of Hamming weight \(weight) is below 64; the security table does not cover it")
                }
            }
        } else {
            if !insecure {
                throw CKKSError.insecureParameters("the security table has no entry for N = \(1 << logN)")
            }
            checked = nil
        }

        // Primes: for each bit size, the largest unused NTT-friendly primes below 2^bits.
        // Generated with the pure-Swift number theory so that every backend sees the same set.
        let generator = SwiftBackend()
        var used = Set<UInt64>()
        func take(_ sizes: [Int]) throws -> [UInt64] {
            var out: [UInt64] = []
            for bits in sizes {
                let found = generator.nttPrimes(bitWidth: bits, logN: logN, count: 1, excluding: used)
                guard let prime = found.first else {
                    throw CKKSError.invalidParameters("not enough \(bits)-bit NTT-friendly primes for N = \(1 << logN)")
                }
                used.insert(prime)
                out.append(prime)
            }
            return out
        }
        // P first, from the top: special primes are taken before the ciphertext primes of equal
        // size so that presets match the usual choice (largest primes are key-switching primes).
        let p = try take(literal.logP)
        let q = try take(literal.logQ)

        self.literal = literal
        self.logN = logN
        self.n = 1 << logN
        self.q = q
        self.p = p
        self.defaultScale = Foundation.pow(2.0, literal.logScale)
        self.dnum = dnum
        self.primesPerDigit = alpha
        self.secret = secret
        self.hammingWeight = weight
        self.security = checked
        self.logQP = logQP
        var hasher = FNV1a()
        hasher.combine(UInt64(logN))
        for v in q { hasher.combine(v) }
        hasher.combine(0xffff)
        for v in p { hasher.combine(v) }
        hasher.combine(literal.logScale.bitPattern)
        hasher.combine(UInt64(dnum))
        hasher.combine(secret == .ternary ? 0 : UInt64(weight))
        self.id = hasher.value

        // Digits must be covered by P: each digit's product below P keeps key-switching noise
        // small. Warn by refusing grossly unbalanced sets.
        let pBits = literal.logP.reduce(0, +)
        for d in 0..<dnum {
            let lo = d * alpha, hi = min(qCount, lo + alpha)
            let digitBits = literal.logQ[lo..<hi].reduce(0, +)
            if digitBits > pBits + 8 {
                throw CKKSError.invalidParameters(
                    "key-switching digit \(d) spans \(digitBits) bits but P only \(pBits): raise dnum or add special primes")
            }
        }
    }

    /// Throws ``CKKSError/parametersMismatch(expected:found:)`` unless `id` is this set's.
    public func requireID(_ id: UInt64) throws {
        guard id == self.id else { throw CKKSError.parametersMismatch(expected: self.id, found: id) }
    }

    private static func sumLog2(_ bits: [Int]) -> Double { Double(bits.reduce(0, +)) }

    public var description: String {
        let qs = literal.logQ.map(String.init).joined(separator: ",")
        let ps = literal.logP.map(String.init).joined(separator: ",")
        return "CKKS(N=\(n), logQ=[\(qs)], logP=[\(ps)], scale=2^\(literal.logScale), dnum=\(dnum))"
    }
}

/// 64-bit FNV-1a over words: an identifier, not a security primitive.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func combine(_ word: UInt64) {
        for i in 0..<8 {
            value ^= (word >> (8 * UInt64(i))) & 0xff
            value = value &* 0x0000_0100_0000_01b3
        }
    }
}
