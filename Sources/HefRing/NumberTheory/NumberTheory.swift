/// Setup-time number theory: primality, roots of unity, and from them NTT-friendly primes and
/// the tables of ``NTTTables`` and ``CRTTables``. Kept apart from the hot kernels of
/// ``RingBackend``. Implementations only supply the two primitives; the rest is shared, so
/// both give the same primes and tables.
public protocol NumberTheory: Sendable {
    /// Deterministic primality of a word.
    func isPrime(_ n: UInt64) -> Bool
    /// Some primitive `order`-th root of unity modulo the prime `q`, `order` a power of two
    /// dividing `q − 1`.
    func primitiveRoot(modulus q: UInt64, order: UInt64) -> UInt64
}

extension NumberTheory {
    /// The `count` largest primes `q < 2^bitWidth` with `q ≡ 1 (mod 2^(logN+1))`, above
    /// `2^(bitWidth-1)`, not in `excluding`, in decreasing order. Empty if there are not
    /// enough of them, or if `bitWidth` is outside `2...62` or too small for `logN`.
    public func nttPrimes(bitWidth: Int, logN: Int, count: Int, excluding: Set<UInt64>) -> [UInt64] {
        guard count > 0, logN >= 0, bitWidth >= 2, bitWidth <= 62, bitWidth > logN + 1 else { return [] }
        let step: UInt64 = 1 << UInt64(logN + 1)
        let lower: UInt64 = 1 << UInt64(bitWidth - 1)
        var candidate: UInt64 = (1 << UInt64(bitWidth)) - step + 1
        var primes: [UInt64] = []
        primes.reserveCapacity(count)
        while candidate > lower {
            if !excluding.contains(candidate) && isPrime(candidate) {
                primes.append(candidate)
                if primes.count == count { return primes }
            }
            guard candidate > step else { break }
            candidate -= step
        }
        return []
    }

    /// The smallest primitive 2n-th root of unity modulo the prime `q ≡ 1 (mod 2n)`,
    /// `n = 2^logN`: the least of psi^k over odd k < 2n for any primitive root psi.
    public func minimalPrimitiveRoot(modulus q: UInt64, logN: Int) -> UInt64 {
        let twoN = UInt64(2) << UInt64(logN)
        precondition(q % twoN == 1, "modulus \(q) is not 1 mod 2n")
        let psi = primitiveRoot(modulus: q, order: twoN)
        precondition(ScalarMod.pow(psi, twoN / 2, q) == q - 1, "no primitive 2n-th root of unity modulo \(q)")
        let square = ScalarMod.mul(psi, psi, q)
        let squareShoup = ScalarMod.shoup(square, q)
        var current = psi
        var best = psi
        for _ in 1..<(twoN / 2) {
            current = swiftShoup(current, square, squareShoup, q)
            if current < best { best = current }
        }
        return best
    }

    /// NTT tables for `modulus` (prime, `≡ 1 mod 2n`) from its smallest primitive 2n-th root.
    public func makeNTTTables(modulus: Modulus, logN: Int) -> NTTTables {
        NTTTables(modulus: modulus, logN: logN, psi: minimalPrimitiveRoot(modulus: modulus.value, logN: logN))
    }

    /// CRT composition constants for `moduli` (distinct primes).
    public func makeCRTTables(moduli: [Modulus]) -> CRTTables {
        CRTTables(moduli: moduli)
    }
}
