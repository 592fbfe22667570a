/// A ``ParametersLiteral`` read and checked on its own (no primes yet): defaults filled in,
/// ranges checked, the digit split of key switching fixed.
struct ResolvedLiteral {
    let literal: ParametersLiteral
    let logN: Int
    let secret: SecretDistribution
    /// Non-zero entries of a sparse secret; 0 for ternary.
    let hammingWeight: Int
    let level: SecurityLevel
    let dnum: Int
    let primesPerDigit: Int

    /// - Throws: ``CKKSError/invalidParameters(_:)`` for a value out of range.
    init(_ literal: ParametersLiteral, insecure: Bool) throws {
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
        guard let level = SecurityLevel(rawValue: literal.security ?? 128) else {
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
        if let d = literal.dnum {
            guard d >= 1 && d <= qCount else {
                throw CKKSError.invalidParameters("dnum must be between 1 and the number of Q primes (\(qCount))")
            }
            dnum = d
            primesPerDigit = (qCount + d - 1) / d
        } else {
            primesPerDigit = literal.logP.count
            dnum = (qCount + primesPerDigit - 1) / primesPerDigit
        }
        self.literal = literal
        self.logN = logN
        self.secret = secret
        self.hammingWeight = weight
        self.level = level
    }

    /// The security level the set meets, on the bit sizes the primes will have (each prime
    /// < 2^bits); nil when `insecure` let a failing set through.
    /// - Throws: ``CKKSError/insecureParameters(_:)`` when the set fails and `insecure` is false.
    func checkedSecurity(insecure: Bool) throws -> SecurityLevel? {
        let bitsQP = (literal.logQ + literal.logP).reduce(0, +)
        guard let bound = level.maxLogQP(n: 1 << logN) else {
            if !insecure {
                throw CKKSError.insecureParameters("the security table has no entry for N = \(1 << logN)")
            }
            return nil
        }
        var checked: SecurityLevel? = level
        if bitsQP > bound {
            if !insecure {
                throw CKKSError.insecureParameters(
                    "log2(Q·P) = \(bitsQP) bits exceeds \(bound), the largest modulus the HomomorphicEncryption.org table allows for \(level.rawValue)-bit security at N = \(1 << logN); use a larger N or fewer/smaller primes"
                )
            }
            checked = nil
        }
        // The table assumes uniform ternary secrets; sparse secrets weaken hybrid attacks'
        // cost. Accept only a generous weight.
        if secret == .sparse && !insecure && hammingWeight < 64 {
            throw CKKSError.insecureParameters(
                "a sparse secret of Hamming weight \(hammingWeight) is below 64; the security table does not cover it")
        }
        return checked
    }

    /// Each digit's product must stay below P (give or take 8 bits) to keep key-switching
    /// noise small: refuses grossly unbalanced sets.
    /// - Throws: ``CKKSError/invalidParameters(_:)`` naming the first digit P does not cover.
    func checkDigitsCoveredByP() throws {
        let pBits = literal.logP.reduce(0, +)
        for d in 0..<dnum {
            let lo = d * primesPerDigit
            let hi = min(literal.logQ.count, lo + primesPerDigit)
            let digitBits = literal.logQ[lo..<hi].reduce(0, +)
            if digitBits > pBits + 8 {
                throw CKKSError.invalidParameters(
                    "key-switching digit \(d) spans \(digitBits) bits but P only \(pBits): raise dnum or add special primes"
                )
            }
        }
    }
}
