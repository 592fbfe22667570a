/// The distributions RLWE needs. All draw from a ``RandomStream``, so the same stream gives the
/// same polynomial on either backend.
public enum Sampler {
    /// Uniform residues mod each prime, written directly as an evaluation-form polynomial (the
    /// NTT is a bijection, so this is uniform in the ring). With a stream from a public seed,
    /// anyone holding the seed re-expands the same polynomial.
    public static func uniform(basis: RNSBasis, moduliCount: Int, stream: inout RandomStream) -> Poly<Eval> {
        var poly = Poly<Eval>(zeroOn: basis, moduliCount: moduliCount)
        let n = basis.n
        poly.data.withUnsafeMutableBufferPointer { out in
            for i in 0..<moduliCount {
                let q = basis.moduli[i].value
                let mask = UInt64.max >> UInt64(q.leadingZeroBitCount)
                let base = out.baseAddress! + i * n
                var j = 0
                while j < n {
                    let v = stream.next64() & mask
                    if v < q {
                        base[j] = v
                        j += 1
                    }
                }
            }
        }
        return poly
    }

    /// Uniform ternary coefficients in {-1, 0, 1}.
    public static func ternary(n: Int, stream: inout RandomStream) -> [Int64] {
        var out = [Int64](repeating: 0, count: n)
        var j = 0
        while j < n {
            let w = stream.next32()
            for shift in stride(from: UInt32(0), to: 32, by: 8) where j < n {
                let byte = (w >> shift) & 0xff
                if byte < 255 {  // 255 = 3 * 85: reject the last value for uniformity
                    out[j] = Int64(byte % 3) - 1
                    j += 1
                }
            }
        }
        return out
    }

    /// Ternary coefficients with exactly `hammingWeight` non-zero entries (random positions
    /// and signs), for sparse secrets.
    public static func sparseTernary(n: Int, hammingWeight: Int, stream: inout RandomStream) -> [Int64] {
        precondition(hammingWeight > 0 && hammingWeight <= n)
        var positions = Array(0..<n)
        var out = [Int64](repeating: 0, count: n)
        for k in 0..<hammingWeight {
            let pick = k + Int(stream.next(below: UInt64(n - k)))
            positions.swapAt(k, pick)
            out[positions[k]] = (stream.next32() & 1) == 0 ? 1 : -1
        }
        return out
    }

    /// Discrete Gaussian with standard deviation `DiscreteGaussian.sigma` (3.2), tails cut at
    /// 6σ, by inversion of a 64-bit cumulative table (a full scan per sample).
    public static func gaussian(n: Int, stream: inout RandomStream) -> [Int64] {
        let table = DiscreteGaussian.cumulative
        var out = [Int64](repeating: 0, count: n)
        for j in 0..<n {
            let u = stream.next64()
            let sign = u & 1
            let r = u >> 1
            var magnitude: Int64 = 0
            for t in table where r >= t { magnitude += 1 }
            out[j] = sign == 1 ? -magnitude : magnitude
        }
        return out
    }
}

/// The cumulative table of |x| for the rounded Gaussian of σ = 3.2.
public enum DiscreteGaussian {
    public static let sigma = 3.2
    public static let bound = 19  // ⌈6σ⌉

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
        while y < -0.5 { y /= 2; k += 1 }
        var term = 1.0, sum = 1.0
        for i in 1..<30 { term *= y / Double(i); sum += term }
        for _ in 0..<k { sum *= sum }
        return sum
    }
}
