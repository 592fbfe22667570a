import HefRing

extension CKKSParameters {
    /// For each bit size, the largest unused NTT-friendly prime below 2^bits: P first, then Q,
    /// so that the largest primes of equal size are the special primes (the usual choice).
    /// Generated with the pure-Swift number theory so that every backend sees the same set.
    /// - Throws: ``CKKSError/invalidParameters(_:)`` when a size has run out of primes.
    static func generatePrimes(_ literal: ParametersLiteral) throws -> (q: [UInt64], p: [UInt64]) {
        let logN = literal.logN
        let generator = SwiftNumberTheory()
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
        let p = try take(literal.logP)
        let q = try take(literal.logQ)
        return (q, p)
    }
}
