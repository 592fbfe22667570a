// A small little-endian multi-word unsigned integer toolkit (64-bit limbs) for CRT composition.
// Operations work in place on fixed-length limb buffers; no allocation in the hot paths.

enum SwiftMultiWord {
    /// `acc[0..<limbs] += x[0..<limbs] · w`; returns the carry out of the top limb.
    @inline(__always) @discardableResult
    static func multiplyAdd(_ acc: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, _ w: UInt64, limbs: Int)
        -> UInt64
    {
        var carry: UInt64 = 0
        for l in 0..<limbs {
            let p = x[l].multipliedFullWidth(by: w)
            let (s1, c1) = acc[l].addingReportingOverflow(p.low)
            let (s2, c2) = s1.addingReportingOverflow(carry)
            acc[l] = s2
            carry = p.high &+ (c1 ? 1 : 0) &+ (c2 ? 1 : 0)
        }
        return carry
    }

    /// `acc[0..<limbs] -= x[0..<limbs] · w`; returns the borrow out of the top limb.
    @inline(__always) @discardableResult
    static func multiplySubtract(
        _ acc: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, _ w: UInt64, limbs: Int
    ) -> UInt64 {
        var borrow: UInt64 = 0
        for l in 0..<limbs {
            let p = x[l].multipliedFullWidth(by: w)
            let (s1, b1) = acc[l].subtractingReportingOverflow(p.low)
            let (s2, b2) = s1.subtractingReportingOverflow(borrow)
            acc[l] = s2
            borrow = p.high &+ (b1 ? 1 : 0) &+ (b2 ? 1 : 0)
        }
        return borrow
    }

    /// `acc += x`; returns true on carry out.
    @inline(__always) @discardableResult
    static func add(_ acc: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, limbs: Int) -> Bool {
        var carry = false
        for l in 0..<limbs {
            let (s1, c1) = acc[l].addingReportingOverflow(x[l])
            let (s2, c2) = s1.addingReportingOverflow(carry ? 1 : 0)
            acc[l] = s2
            carry = c1 || c2
        }
        return carry
    }

    /// `acc -= x`; returns true on borrow out.
    @inline(__always) @discardableResult
    static func subtract(_ acc: UnsafeMutablePointer<UInt64>, _ x: UnsafePointer<UInt64>, limbs: Int) -> Bool {
        var borrow = false
        for l in 0..<limbs {
            let (s1, b1) = acc[l].subtractingReportingOverflow(x[l])
            let (s2, b2) = s1.subtractingReportingOverflow(borrow ? 1 : 0)
            acc[l] = s2
            borrow = b1 || b2
        }
        return borrow
    }

    /// `result = a - b` (`a ≥ b`) into a separate buffer.
    @inline(__always)
    static func difference(
        _ result: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, limbs: Int
    ) {
        var borrow = false
        for l in 0..<limbs {
            let (s1, b1) = a[l].subtractingReportingOverflow(b[l])
            let (s2, b2) = s1.subtractingReportingOverflow(borrow ? 1 : 0)
            result[l] = s2
            borrow = b1 || b2
        }
    }

    /// -1, 0, 1 as `a` is below, equal to, above `b`.
    @inline(__always)
    static func compare(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, limbs: Int) -> Int {
        var l = limbs - 1
        while l >= 0 {
            if a[l] != b[l] { return a[l] < b[l] ? -1 : 1 }
            l -= 1
        }
        return 0
    }

    /// The integer rounded toward zero to 53 significant bits, as a Double (infinite when it
    /// exceeds the Double range).
    @inline(__always)
    static func truncatedDouble(_ x: UnsafePointer<UInt64>, limbs: Int) -> Double {
        var top = limbs - 1
        while top >= 0 && x[top] == 0 { top -= 1 }
        if top < 0 { return 0 }
        let bitLength = top * 64 + (64 - x[top].leadingZeroBitCount)
        if bitLength <= 53 { return Double(x[0]) }
        let shift = bitLength - 53
        let limb = shift >> 6
        let offset = shift & 63
        var mantissa = x[limb] >> UInt64(offset)
        if offset != 0 && limb + 1 < limbs {
            mantissa |= x[limb + 1] << UInt64(64 - offset)
        }
        mantissa &= (UInt64(1) << 53) - 1
        return Double(sign: .plus, exponent: shift, significand: Double(mantissa))
    }

    /// A word rounded toward zero to 53 significant bits.
    @inline(__always)
    static func truncatedDouble(_ v: UInt64) -> Double {
        if v < (UInt64(1) << 53) { return Double(v) }
        let shift = 64 - v.leadingZeroBitCount - 53
        return Double(sign: .plus, exponent: shift, significand: Double(v >> UInt64(shift)))
    }

    /// Product of words as `limbs` limbs (the product must fit).
    static func product(_ words: [UInt64], limbs: Int) -> [UInt64] {
        var result = [UInt64](repeating: 0, count: limbs)
        result[0] = 1
        var scratch = [UInt64](repeating: 0, count: limbs)
        for w in words {
            scratch.withUnsafeMutableBufferPointer { s in
                s.update(repeating: 0)
                result.withUnsafeBufferPointer { r in
                    let carry = multiplyAdd(s.baseAddress!, r.baseAddress!, w, limbs: limbs)
                    precondition(carry == 0, "multi-word product overflow")
                }
            }
            swap(&result, &scratch)
        }
        return result
    }

    /// `x >> 1`.
    static func halved(_ x: [UInt64]) -> [UInt64] {
        var r = x
        for l in 0..<x.count {
            let next = l + 1 < x.count ? x[l + 1] : 0
            r[l] = (x[l] >> 1) | (next << 63)
        }
        return r
    }
}
