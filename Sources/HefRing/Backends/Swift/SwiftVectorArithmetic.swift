// Elementwise arithmetic modulo q for the pure-Swift backend.

enum SwiftVectorArithmetic {
    @inline(__always)
    static func add(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, q: UInt64
    ) {
        for i in 0..<count {
            let s = a[i] &+ b[i]
            r[i] = s >= q ? s &- q : s
        }
    }

    @inline(__always)
    static func subtract(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int, q: UInt64
    ) {
        for i in 0..<count {
            let d = a[i] &- b[i]
            r[i] = a[i] >= b[i] ? d : d &+ q
        }
    }

    @inline(__always)
    static func negate(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, q: UInt64) {
        for i in 0..<count {
            let x = a[i]
            r[i] = x == 0 ? 0 : q &- x
        }
    }

    static func multiply(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        let q = modulus.value
        let rh = modulus.barrettHigh
        let rl = modulus.barrettLow
        for i in 0..<count {
            let p = a[i].multipliedFullWidth(by: b[i])
            r[i] = swiftBarrett128(p.high, p.low, q, rh, rl)
        }
    }

    static func multiplyAdd(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, count: Int,
        modulus: Modulus
    ) {
        let q = modulus.value
        let rh = modulus.barrettHigh
        let rl = modulus.barrettLow
        for i in 0..<count {
            // a·b + r < q^2 + q < 2^124: add before the single reduction.
            let p = a[i].multipliedFullWidth(by: b[i])
            let (low, c) = p.low.addingReportingOverflow(r[i])
            r[i] = swiftBarrett128(p.high &+ (c ? 1 : 0), low, q, rh, rl)
        }
    }

    static func multiplyScalar(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, q: UInt64
    ) {
        let ws = ScalarMod.shoup(scalar, q)
        for i in 0..<count {
            r[i] = swiftShoup(a[i], scalar, ws, q)
        }
    }

    static func multiplyScalarAdd(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, q: UInt64
    ) {
        let ws = ScalarMod.shoup(scalar, q)
        let twoQ = q &<< 1
        for i in 0..<count {
            // [0, 2q) + [0, q) < 3q: two corrections.
            var s = swiftShoupLazy(a[i], scalar, ws, q) &+ r[i]
            if s >= twoQ { s &-= twoQ }
            if s >= q { s &-= q }
            r[i] = s
        }
    }

    @inline(__always)
    static func addScalar(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, scalar: UInt64, count: Int, q: UInt64
    ) {
        for i in 0..<count {
            let s = a[i] &+ scalar
            r[i] = s >= q ? s &- q : s
        }
    }

    /// Σ_t a[t]·b[t] mod q. Each product is below q^2 < 2^124, so sixteen of them plus a
    /// reduced carry stay below 2^128; the 128-bit accumulator is reduced every 16 terms.
    static func dotProduct(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UnsafePointer<UInt64>>,
        _ b: UnsafePointer<UnsafePointer<UInt64>>, terms: Int, count: Int, modulus: Modulus
    ) {
        let q = modulus.value
        let rh = modulus.barrettHigh
        let rl = modulus.barrettLow
        if terms == 0 {
            r.update(repeating: 0, count: count)
            return
        }
        let chunk = 16
        for i in 0..<count {
            var carry: UInt64 = 0
            var t = 0
            while t < terms {
                let end = min(t &+ chunk, terms)
                var high: UInt64 = 0
                var low: UInt64 = carry
                while t < end {
                    let p = a[t][i].multipliedFullWidth(by: b[t][i])
                    let (l, c) = low.addingReportingOverflow(p.low)
                    low = l
                    high = high &+ p.high &+ (c ? 1 : 0)
                    t &+= 1
                }
                carry = swiftBarrett128(high, low, q, rh, rl)
            }
            r[i] = carry
        }
    }

    static func reduce(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, count: Int, modulus: Modulus) {
        let q = modulus.value
        let f = modulus.barrettHigh
        for i in 0..<count {
            r[i] = swiftBarrett64(a[i], q, f)
        }
    }

    static func reduceSigned(_ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<Int64>, count: Int, modulus: Modulus)
    {
        let q = modulus.value
        let f = modulus.barrettHigh
        for i in 0..<count {
            // Branch-free in the sign, as the C kernel (secret inputs).
            let x = UInt64(bitPattern: a[i])
            let negative = 0 &- (x >> 63)
            let m = swiftBarrett64((x ^ negative) &- negative, q, f)
            let flip = negative & (0 &- ((m | (0 &- m)) >> 63))
            r[i] = (m & ~flip) | ((q &- m) & flip)
        }
    }

    static func permute(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, permutation: UnsafePointer<UInt32>, count: Int
    ) {
        for i in 0..<count {
            r[i] = a[Int(permutation[i])]
        }
    }

    /// X -> X^g on coefficients: a[i] moves to X^(i·g mod 2n), negated past n.
    static func automorphismCoefficients(
        _ r: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, galoisElement: Int, count n: Int, q: UInt64
    ) {
        precondition(n > 0 && n & (n - 1) == 0, "count must be a power of two")
        precondition(galoisElement & 1 == 1, "Galois element must be odd")
        let mask = 2 &* n &- 1
        let g = galoisElement & mask // two's complement: correct for negative g too
        var index = 0
        for i in 0..<n {
            let x = a[i]
            if index < n {
                r[index] = x
            } else {
                r[index &- n] = x == 0 ? 0 : q &- x
            }
            index = (index &+ g) & mask
        }
    }
}
