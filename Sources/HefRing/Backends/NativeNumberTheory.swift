import CFlint
import CShims

/// Setup-time number theory for ``NativeBackend``, on FLINT's word functions.
enum NativeNumberTheory {
    static func isPrime(_ n: UInt64) -> Bool {
        n_is_prime(UInt(n)) != 0
    }

    /// The `count` largest primes `q < 2^bitWidth`, `q ≡ 1 (mod 2^(logN+1))`, above
    /// `2^(bitWidth-1)`, not in `excluding`, decreasing; empty if there are not enough.
    static func nttPrimes(bitWidth: Int, logN: Int, count: Int, excluding: Set<UInt64>) -> [UInt64] {
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

    /// The smallest primitive 2n-th root of unity modulo the prime `q ≡ 1 (mod 2n)`:
    /// psi0 = g^((q-1)/2n) for a primitive root g, then the least of psi0^k over odd k < 2n.
    static func minimalPrimitiveRoot(q: UInt64, logN: Int) -> UInt64 {
        let twoN = UInt64(2) << UInt64(logN)
        precondition(q % twoN == 1, "modulus \(q) is not 1 mod 2n")
        let g = UInt(hef_primitive_root(q))
        let psi0 = n_powmod2_ui_preinv(g, UInt((q - 1) / twoN), UInt(q), n_preinvert_limb(UInt(q)))
        precondition(n_powmod2_ui_preinv(psi0, UInt(twoN / 2), UInt(q), n_preinvert_limb(UInt(q))) == UInt(q) - 1,
                     "no primitive 2n-th root of unity modulo \(q)")
        let square = n_mulmod_shoup(psi0, psi0, n_mulmod_precomp_shoup(psi0, UInt(q)), UInt(q))
        let squareShoup = n_mulmod_precomp_shoup(square, UInt(q))
        var current = psi0
        var best = psi0
        for _ in 1..<(twoN / 2) {
            current = n_mulmod_shoup(square, current, squareShoup, UInt(q))
            if current < best { best = current }
        }
        return UInt64(best)
    }

    /// Powers `root^0 … root^(n-1)` scattered into bit-reversed order, with Shoup companions.
    private static func bitReversedPowers(_ root: UInt64, q: UInt64, logN: Int) -> ([UInt64], [UInt64]) {
        let n = 1 << logN
        let rootShoup = n_mulmod_precomp_shoup(UInt(root), UInt(q))
        var powers = [UInt64](repeating: 0, count: n)
        var shoup = [UInt64](repeating: 0, count: n)
        var current: UInt = 1 % UInt(q)
        for k in 0..<n {
            let i = bitReverse(k, bits: logN)
            powers[i] = UInt64(current)
            shoup[i] = UInt64(n_mulmod_precomp_shoup(current, UInt(q)))
            current = n_mulmod_shoup(UInt(root), current, rootShoup, UInt(q))
        }
        return (powers, shoup)
    }

    static func makeNTTTables(modulus: Modulus, logN: Int) -> NTTTables {
        let q = modulus.value
        let psi = minimalPrimitiveRoot(q: q, logN: logN)
        let psiInverse = UInt64(n_invmod(UInt(psi), UInt(q)))
        let (roots, rootsShoup) = bitReversedPowers(psi, q: q, logN: logN)
        let (inverses, inversesShoup) = bitReversedPowers(psiInverse, q: q, logN: logN)
        let inverseN = UInt64(n_invmod(UInt(1 << logN) % UInt(q), UInt(q)))
        return NTTTables(
            modulus: modulus, logN: logN, psi: psi,
            rootPowers: roots, rootPowersShoup: rootsShoup,
            inverseRootPowers: inverses, inverseRootPowersShoup: inversesShoup,
            inverseN: inverseN, inverseNShoup: UInt64(n_mulmod_precomp_shoup(UInt(inverseN), UInt(q))))
    }
}
