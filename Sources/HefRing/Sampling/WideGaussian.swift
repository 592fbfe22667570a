#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Sampler {
    /// Rounded Gaussian of standard deviation `sigma` (any size up to 2^50): ⌊σ·z⌉ with z a
    /// standard normal from the Box–Muller transform of two 53-bit uniforms of `stream`.
    ///
    /// For noise flooding, where σ is far above the smoothing parameter. Rounding a
    /// continuous Gaussian is post-processing, so a bound on the divergence between N(0, σ²)
    /// and N(e, σ²) (e an integer shift) holds for the rounded distributions too; the tails
    /// are cut by the 53-bit uniforms at about 8.6σ. Not constant time (libm log/cos/sin): the
    /// flooding noise protects against decryption-result attacks, not against a co-located
    /// timing observer.
    public static func roundedGaussian(n: Int, sigma: Double, stream: inout RandomStream) -> [Int64] {
        precondition(sigma.isFinite && sigma >= 0 && sigma <= 0x1p50, "flooding σ must be in [0, 2^50]")
        var out = [Int64](repeating: 0, count: n)
        var j = 0
        while j < n {
            // u1 in (0, 1], u2 in [0, 1): 53 random bits each.
            let u1 = (Double(stream.next64() >> 11) + 1) * 0x1p-53
            let u2 = Double(stream.next64() >> 11) * 0x1p-53
            let r = sigma * (-2 * log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            out[j] = Int64((r * cos(angle)).rounded())
            if j + 1 < n { out[j + 1] = Int64((r * sin(angle)).rounded()) }
            j += 2
        }
        return out
    }
}
