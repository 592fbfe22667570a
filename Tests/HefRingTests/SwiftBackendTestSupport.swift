@testable import HefRing

import HefTestSupport

extension SplitMix64 {

    /// Random residues in [0, q), with edge values 0, 1, q-1 sprinkled in.
    mutating func residues(_ count: Int, _ q: UInt64) -> [UInt64] {
        (0..<count).map { i in
            switch i % 13 {
            case 3: return 0
            case 7: return q - 1
            case 11: return 1
            default: return next(below: q)
            }
        }
    }
}

/// Independent references built on ScalarMod only.
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

    /// Multi-word little-endian integer mod q (Horner).
    static func limbsMod(_ limbs: ArraySlice<UInt64>, _ q: UInt64) -> UInt64 {
        var r: UInt64 = 0
        let twoTo64 = ScalarMod.mul(ScalarMod.pow(2, 32, q), ScalarMod.pow(2, 32, q), q)
        for limb in limbs.reversed() {
            r = ScalarMod.add(ScalarMod.mul(r, twoTo64, q), limb % q, q)
        }
        return r
    }

    /// Multi-word integer rounded toward zero to 53 bits, computed by peeling bits one at a time.
    static func truncatedDouble(_ limbs: [UInt64]) -> Double {
        var bits: [Bool] = []   // most significant first
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
