/// The distributions RLWE needs. All draw from a ``RandomStream``, so the same stream gives the
/// same polynomial on either backend.
public enum Sampler {
    /// Uniform residues mod each prime, written directly as an evaluation-form polynomial (the
    /// NTT is a bijection, so this is uniform in the ring). With a stream from a public seed,
    /// anyone holding the seed re-expands the same polynomial.
    public static func uniform(basis: RNSBasis, moduliCount: Int, stream: inout RandomStream) -> Poly<Eval> {
        var poly = Poly<Eval>(zeroOn: basis, moduliCount: moduliCount)
        let n = basis.n
        // Words are taken in bulk, as many as are still missing, so the stream is consumed
        // exactly as one next64() per candidate would consume it.
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        defer { words.deallocate() }
        poly.data.withUnsafeMutableBufferPointer { out in
            for i in 0..<moduliCount {
                let q = basis.moduli[i].value
                let mask = UInt64.max >> UInt64(q.leadingZeroBitCount)
                let base = out.baseAddress! + i * n
                var j = 0
                while j < n {
                    let wanted = n - j
                    stream.fill64(words, count: wanted)
                    for k in 0..<wanted {
                        let v = words[k] & mask
                        if v < q {
                            base[j] = v
                            j += 1
                        }
                    }
                }
            }
        }
        return poly
    }

    /// Uniform ternary coefficients in {-1, 0, 1}.
    ///
    /// Constant time in the accepted values: the only branch is the rejection of the byte 255
    /// (which depends on the rejected byte alone); `byte mod 3` is a multiply-shift and the
    /// coefficient is written to the next position whatever its value.
    public static func ternary(n: Int, stream: inout RandomStream) -> [Int64] {
        var out = [Int64](repeating: 0, count: n)
        var j = 0
        while j < n {
            let w = stream.next32()
            for shift in stride(from: UInt32(0), to: 32, by: 8) where j < n {
                let byte = UInt64((w >> shift) & 0xff)
                if byte < 255 { // 255 = 3 * 85: reject the last value for uniformity
                    out[j] = Int64(bitPattern: mod3(byte)) - 1
                    j += 1
                }
            }
        }
        return out
    }

    /// `x mod 3` for x < 255 without a division: ⌊x/3⌋ = ⌊171·x / 512⌋ on that range.
    @inline(__always)
    static func mod3(_ x: UInt64) -> UInt64 {
        x &- 3 &* ((x &* 171) >> 9)
    }

    /// All ones when a == b, else zero, without a branch.
    @inline(__always)
    static func equalMask(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let d = a ^ b
        return ((d | (0 &- d)) >> 63) &- 1
    }

    /// Ternary coefficients with exactly `hammingWeight` non-zero entries (random positions
    /// and signs), for sparse secrets.
    ///
    /// A partial Fisher–Yates shuffle whose secret-indexed accesses are full scans: the swap of
    /// `positions[k]` with `positions[pick]` and the write `out[positions[k]] = ±1` touch every
    /// entry with masked selects, so the memory access pattern does not depend on the secret
    /// positions (cost h·2N word operations). The same stream gives the same output as the
    /// direct shuffle.
    public static func sparseTernary(n: Int, hammingWeight: Int, stream: inout RandomStream) -> [Int64] {
        precondition(hammingWeight > 0 && hammingWeight <= n)
        var positions = (0..<UInt64(n)).map { $0 }
        var out = [UInt64](repeating: 0, count: n)
        positions.withUnsafeMutableBufferPointer { pos in
            out.withUnsafeMutableBufferPointer { o in
                for k in 0..<hammingWeight {
                    let pick = UInt64(k) + stream.next(below: UInt64(n - k))
                    // picked = positions[pick], by a scan of k..<n.
                    var picked: UInt64 = 0
                    for i in k..<n { picked |= pos[i] & equalMask(UInt64(i), pick) }
                    // positions[pick] = positions[k], by the same scan; positions[k] = picked.
                    let current = pos[k]
                    for i in k..<n {
                        let m = equalMask(UInt64(i), pick)
                        pos[i] = (pos[i] & ~m) | (current & m)
                    }
                    pos[k] = picked
                    // out[picked] = +1 or -1 (bit 0 of a word: 0 gives +1), by a scan of out.
                    let value = UInt64(bitPattern: 1 - 2 * Int64(stream.next32() & 1))
                    for i in 0..<n {
                        let m = equalMask(UInt64(i), picked)
                        o[i] = (o[i] & ~m) | (value & m)
                    }
                }
            }
        }
        let result = out.map { Int64(bitPattern: $0) }
        secureZero(&positions)
        secureZero(&out)
        return result
    }

    /// Discrete Gaussian with standard deviation `DiscreteGaussian.sigma` (3.2), tails cut at
    /// 6σ, by inversion of a 64-bit cumulative table.
    ///
    /// Constant time: every sample reads every table entry and adds the comparison `r ≥ t` as
    /// a 0/1 computed from the sign bit of `r − t` (both below 2^63, so no overflow); the sign
    /// is applied with a mask (`(m ^ mask) − mask`).
    public static func gaussian(n: Int, stream: inout RandomStream) -> [Int64] {
        let table = DiscreteGaussian.cumulative
        var out = [Int64](repeating: 0, count: n)
        var words = [UInt64](repeating: 0, count: n)
        words.withUnsafeMutableBufferPointer { stream.fill64($0.baseAddress!, count: n) }
        defer { secureZero(&words) }
        table.withUnsafeBufferPointer { t in
            for j in 0..<n {
                let u = words[j]
                let negative = 0 &- (u & 1) // all ones for a negative sample
                let r = u >> 1
                var magnitude: UInt64 = 0
                for k in 0..<t.count { magnitude &+= 1 &- ((r &- t[k]) >> 63) }
                out[j] = Int64(bitPattern: (magnitude ^ negative) &- negative)
            }
        }
        return out
    }
}

/// The cumulative table of |x| for the rounded Gaussian of σ = 3.2.
public enum DiscreteGaussian {
    /// Standard deviation of the error distribution.
    public static let sigma = 3.2
    /// Samples are cut at ±bound (⌈6σ⌉).
    public static let bound = 19 // ⌈6σ⌉

    /// `cumulative[k]` = P(|x| ≤ k) · 2^63 for k in 0..<bound; a draw `r < 2^63` gives
    /// |x| = number of entries `≤ r`. P(x = 0) is halved (the sign bit doubles it back).
    static let cumulative: [UInt64] = {
        var weights = [Double]()
        for k in 0...bound {
            let w = _exp(-Double(k * k) / (2 * sigma * sigma))
            weights.append(k == 0 ? w / 2 : w)
        }
        let total = weights.reduce(0, +)
        var acc = 0.0
        var table = [UInt64]()
        for k in 0..<bound {
            acc += weights[k] / total
            table.append(UInt64(min(acc, 1.0) * 9.223372036854775807e18))
        }
        return table
    }()

    // Series evaluation of e^x for x ≤ 0, so the table does not depend on a libm.
    private static func _exp(_ x: Double) -> Double {
        // e^x = (e^(x/2^k))^(2^k)
        var y = x
        var k = 0
        while y < -0.5 {
            y /= 2
            k += 1
        }
        var term = 1.0
        var sum = 1.0
        for i in 1..<30 {
            term *= y / Double(i)
            sum += term
        }
        for _ in 0..<k { sum *= sum }
        return sum
    }
}
