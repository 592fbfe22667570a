@testable import HefRing

/// Independent references built on `ScalarMod` only (and NTL, in the suites that import it).
enum Reference {
    static func negacyclicProduct(_ a: [UInt64], _ b: [UInt64], _ q: UInt64) -> [UInt64] {
        let n = a.count
        var r = [UInt64](repeating: 0, count: n)
        for i in 0..<n where a[i] != 0 {
            for j in 0..<n {
                let p = ScalarMod.mul(a[i], b[j], q)
                let k = i + j
                if k < n { r[k] = ScalarMod.add(r[k], p, q) } else { r[k - n] = ScalarMod.sub(r[k - n], p, q) }
            }
        }
        return r
    }

    /// a(x) by Horner's rule.
    static func evaluate(_ a: [UInt64], at x: UInt64, _ q: UInt64) -> UInt64 {
        var value: UInt64 = 0
        for c in a.reversed() { value = ScalarMod.add(ScalarMod.mul(value, x, q), c, q) }
        return value
    }

    /// a(X^g) in coefficient form, by the definition X^i ↦ ±X^(i·g mod n).
    static func automorphism(_ a: [UInt64], _ g: Int, _ q: UInt64) -> [UInt64] {
        let n = a.count
        let twoN = 2 * n
        let gg = ((g % twoN) + twoN) % twoN
        var r = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            let e = (i * gg) % twoN
            if e < n { r[e] = a[i] } else { r[e - n] = ScalarMod.sub(0, a[i], q) }
        }
        return r
    }

    /// Multi-word little-endian integer mod q (Horner).
    static func limbsMod(_ limbs: ArraySlice<UInt64>, _ q: UInt64) -> UInt64 {
        var r: UInt64 = 0
        let twoTo64 = ScalarMod.mul(ScalarMod.pow(2, 32, q), ScalarMod.pow(2, 32, q), q)
        for limb in limbs.reversed() {
            r = ScalarMod.add(ScalarMod.mul(r, twoTo64, q), limb % q, q)
        }
        return r
    }

    /// Multi-word magnitude rounded toward zero to 53 bits, computed by peeling bits one at a time.
    static func truncatedDouble(_ limbs: [UInt64]) -> Double {
        var bits: [Bool] = [] // most significant first
        var started = false
        for limb in limbs.reversed() {
            for b in stride(from: 63, through: 0, by: -1) {
                let bit = (limb >> UInt64(b)) & 1 == 1
                if bit { started = true }
                if started { bits.append(bit) }
            }
        }
        var value: Double = 0
        for (idx, bit) in bits.enumerated() {
            value *= 2
            if bit && idx < 53 { value += 1 }
        }
        return value
    }

    static func isPrimeByTrialDivision(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        var d: UInt64 = 2
        while d * d <= n {
            if n % d == 0 { return false }
            d += 1
        }
        return true
    }
}
