/// A word-sized prime modulus `q < 2^62` with the constants that fast reduction needs.
///
/// `q < 2^62` leaves the two spare bits that Harvey's lazy butterflies use (values in [0, 4q)).
public struct Modulus: Sendable, Hashable, CustomStringConvertible {
    /// The modulus itself.
    public let value: UInt64
    /// Number of significant bits of `value`.
    public let bitWidth: Int
    /// floor(2^128 / q), high word (Barrett reduction of a 128-bit product).
    public let barrettHigh: UInt64
    /// floor(2^128 / q), low word.
    public let barrettLow: UInt64

    /// The largest modulus the ring layer accepts.
    public static let maxValue: UInt64 = (1 << 62) - 1

    /// The modulus `value` with its Barrett constants; `value` in `[2, 2^62)`.
    public init(_ value: UInt64) {
        precondition(value >= 2 && value <= Modulus.maxValue, "modulus out of range [2, 2^62)")
        self.value = value
        self.bitWidth = UInt64.bitWidth - value.leadingZeroBitCount
        // floor(2^128 / q) by two word divisions: 2^128 = (2^64 * 2^64).
        let (qHigh, remHigh) = value.dividingFullWidth((high: 1, low: 0))
        let (qLow, _) = value.dividingFullWidth((high: remHigh, low: 0))
        self.barrettHigh = qHigh
        self.barrettLow = qLow
    }

    /// The value in decimal.
    public var description: String { "\(value)" }
}

/// Plain scalar arithmetic modulo a word, for precomputation (not for hot loops).
public enum ScalarMod {
    /// `a + b mod q` for `a, b < q`.
    @inlinable
    public static func add(_ a: UInt64, _ b: UInt64, _ q: UInt64) -> UInt64 {
        let s = a &+ b
        return s >= q ? s &- q : s
    }

    /// `a − b mod q` for `a, b < q`.
    @inlinable
    public static func sub(_ a: UInt64, _ b: UInt64, _ q: UInt64) -> UInt64 {
        a >= b ? a &- b : a &+ (q &- b)
    }

    /// `a · b mod q` (128-bit product, one division).
    @inlinable
    public static func mul(_ a: UInt64, _ b: UInt64, _ q: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return q.dividingFullWidth((high: p.high % q, low: p.low)).remainder
    }

    /// `base^exponent mod q` by square-and-multiply.
    public static func pow(_ base: UInt64, _ exponent: UInt64, _ q: UInt64) -> UInt64 {
        var result: UInt64 = 1 % q
        var b = base % q
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result = mul(result, b, q) }
            b = mul(b, b, q)
            e >>= 1
        }
        return result
    }

    /// Inverse modulo a prime `q` (Fermat). `a` must not be 0 mod q.
    public static func inversePrime(_ a: UInt64, _ q: UInt64) -> UInt64 {
        precondition(a % q != 0, "no inverse of 0")
        return pow(a, q - 2, q)
    }

    /// floor(w * 2^64 / q), the Shoup companion of a constant `w < q`.
    @inlinable
    public static func shoup(_ w: UInt64, _ q: UInt64) -> UInt64 {
        q.dividingFullWidth((high: w, low: 0)).quotient
    }

    /// Reduces a signed value into [0, q).
    @inlinable
    public static func reduce(signed x: Int64, _ q: UInt64) -> UInt64 {
        if x >= 0 { return UInt64(x) % q }
        let r = UInt64(x.magnitude % q)
        return r == 0 ? 0 : q - r
    }
}
