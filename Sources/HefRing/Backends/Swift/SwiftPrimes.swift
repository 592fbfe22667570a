// Number theory for the pure-Swift backend: primality, NTT-friendly primes, roots of unity.

enum SwiftPrimes {
    /// Deterministic Miller–Rabin for 64-bit integers (bases 2…37 suffice below 3.3·10^24).
    static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let smallPrimes: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in smallPrimes {
            if n == p { return true }
            if n % p == 0 { return false }
        }
        var d = n - 1
        var s = 0
        while d & 1 == 0 { d >>= 1; s += 1 }
        witnesses: for a in smallPrimes {
            var x = ScalarMod.pow(a, d, n)
            if x == 1 || x == n - 1 { continue }
            var r = 1
            while r < s {
                x = ScalarMod.mul(x, x, n)
                if x == n - 1 { continue witnesses }
                r += 1
            }
            return false
        }
        return true
    }

    /// The `count` largest primes `q < 2^bitWidth`, `q > 2^(bitWidth-1)`, `q ≡ 1 mod 2^(logN+1)`,
    /// not in `excluding`, in decreasing order; empty when there are not enough.
    static func nttPrimes(bitWidth: Int, logN: Int, count: Int, excluding: Set<UInt64>) -> [UInt64] {
        precondition(bitWidth >= 2 && bitWidth <= 62, "bitWidth out of range [2, 62]")
        precondition(logN >= 0 && logN < 62 && count >= 0)
        if count == 0 { return [] }
        let step = UInt64(1) << UInt64(logN + 1)
        let upper = UInt64(1) << UInt64(bitWidth)           // exclusive
        let lower = UInt64(1) << UInt64(bitWidth - 1)       // exclusive
        if step >= upper { return [] }
        // Largest candidate < upper with candidate ≡ 1 (mod step).
        var candidate = ((upper - 2) / step) * step + 1
        var found: [UInt64] = []
        while candidate > lower {
            if !excluding.contains(candidate) && isPrime(candidate) {
                found.append(candidate)
                if found.count == count { return found }
            }
            if candidate < step { break }
            candidate -= step
        }
        return []
    }

    /// The smallest primitive 2n-th root of unity modulo the prime `q ≡ 1 (mod 2n)`, `n = 2^logN`.
    static func minimalPrimitiveRoot(modulus q: UInt64, logN: Int) -> UInt64 {
        let twoN = UInt64(1) << UInt64(logN + 1)
        precondition((q - 1) % twoN == 0, "q is not 1 mod 2n")
        let cofactor = (q - 1) / twoN
        let n = twoN / 2
        // Any x = a^((q-1)/2n) has order dividing 2n (a power of two); it is exactly 2n iff x^n = -1.
        var root: UInt64 = 0
        var a: UInt64 = 2
        while true {
            let x = ScalarMod.pow(a, cofactor, q)
            if ScalarMod.pow(x, n, q) == q - 1 { root = x; break }
            a += 1
        }
        // The primitive 2n-th roots are root^k for odd k: take the smallest.
        let square = ScalarMod.mul(root, root, q)
        var current = root
        var best = root
        var k: UInt64 = 1
        while k < twoN {
            if current < best { best = current }
            current = ScalarMod.mul(current, square, q)
            k += 2
        }
        return best
    }
}
