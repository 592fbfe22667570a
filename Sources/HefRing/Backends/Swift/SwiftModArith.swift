// Word-level modular arithmetic kernels shared by the pure-Swift backend.
// Marked @inlinable so they inline across files even without whole-module optimisation.

/// Shoup product `x · w mod q` left in `[0, 2q)`; `wShoup = floor(w · 2^64 / q)`, `w < q`.
@inlinable @inline(__always)
func swiftShoupLazy(_ x: UInt64, _ w: UInt64, _ wShoup: UInt64, _ q: UInt64) -> UInt64 {
    let quotient = x.multipliedFullWidth(by: wShoup).high
    return x &* w &- quotient &* q
}

/// `x − bound` if `x ≥ bound`, else `x`, without a branch (`x < 2·bound ≤ 2^63`): when
/// `x < bound` the difference wraps above `x`, and the minimum picks `x`.
@inlinable @inline(__always)
func swiftReduceOnce(_ x: UInt64, _ bound: UInt64) -> UInt64 {
    Swift.min(x, x &- bound)
}

/// Shoup product `x · w mod q`, fully reduced.
@inlinable @inline(__always)
func swiftShoup(_ x: UInt64, _ w: UInt64, _ wShoup: UInt64, _ q: UInt64) -> UInt64 {
    swiftReduceOnce(swiftShoupLazy(x, w, wShoup, q), q)
}

/// Barrett reduction of a 128-bit value `(high, low)` (any value below 2^128) by `q < 2^62`,
/// with `ratio = floor(2^128 / q)` as `(ratioHigh, ratioLow)`. The quotient estimate is computed
/// modulo 2^64; it is at most 2 below the true quotient, so the remainder is recovered exactly
/// with wrapping arithmetic and two conditional subtractions.
@inlinable @inline(__always)
func swiftBarrett128(_ high: UInt64, _ low: UInt64, _ q: UInt64, _ ratioHigh: UInt64, _ ratioLow: UInt64) -> UInt64 {
    // (high·2^64 + low) · (ratioHigh·2^64 + ratioLow) / 2^128, truncated.
    let carry0 = low.multipliedFullWidth(by: ratioLow).high
    let lh = low.multipliedFullWidth(by: ratioHigh)
    let (mid0, c1) = lh.low.addingReportingOverflow(carry0)
    let top0 = lh.high &+ (c1 ? 1 : 0)
    let hl = high.multipliedFullWidth(by: ratioLow)
    let (_, c2) = mid0.addingReportingOverflow(hl.low)
    let carry = hl.high &+ (c2 ? 1 : 0)
    let quotient = high &* ratioHigh &+ top0 &+ carry
    var r = low &- quotient &* q
    if r >= q { r &-= q }
    if r >= q { r &-= q }
    return r
}

/// `x mod q` for any 64-bit `x`, with `floor2e64q = floor(2^64 / q)` (the high word of the
/// 128-bit Barrett ratio).
@inlinable @inline(__always)
func swiftBarrett64(_ x: UInt64, _ q: UInt64, _ floor2e64q: UInt64) -> UInt64 {
    let quotient = x.multipliedFullWidth(by: floor2e64q).high
    let r = x &- quotient &* q
    return r >= q ? r &- q : r
}
