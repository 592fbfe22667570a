/// Number theory in pure Swift: Miller–Rabin and a search for roots of unity.
public struct SwiftNumberTheory: NumberTheory {
    /// The pure-Swift number theory.
    public init() {}

    /// Deterministic Miller–Rabin for 64-bit integers (bases 2…37 suffice below 3.3·10^24).
    public func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let smallPrimes: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in smallPrimes {
            if n == p { return true }
            if n % p == 0 { return false }
        }
        var d = n - 1
        var s = 0
        while d & 1 == 0 {
            d >>= 1
            s += 1
        }
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

    /// a^((q−1)/order) for the least a ≥ 2 for which that has order exactly `order`: any x of
    /// order dividing a power of two has order exactly `order` iff x^(order/2) = −1.
    public func primitiveRoot(modulus q: UInt64, order: UInt64) -> UInt64 {
        precondition(order >= 2 && (q - 1) % order == 0, "order does not divide q − 1")
        let cofactor = (q - 1) / order
        var a: UInt64 = 2
        while true {
            let x = ScalarMod.pow(a, cofactor, q)
            if ScalarMod.pow(x, order / 2, q) == q - 1 { return x }
            a += 1
        }
    }
}
