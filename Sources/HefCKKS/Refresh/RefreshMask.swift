import HefRing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The server's secret of one client-aided refresh: a seed from which the additive masks of
/// the refreshed ciphertexts are drawn, and their width.
///
/// The server adds to the ciphertext a polynomial whose integer coefficients are uniform in
/// [−2^(bits−1), 2^(bits−1)); `bits` = λ + log2(bound on the coefficients of Δ·m + e) + 1, so
/// the sum the key holder decrypts is within statistical distance 2^−λ of a value that
/// does not depend on the message or on the error term (λ = ``statisticalSecurity``). The
/// ciphertext must keep a modulus above 2^(bits+1) for the sum not to wrap
/// (``level(bits:parameters:)``). A mask is used once: two refreshes with the same mask would
/// give the key holder the difference of two messages. See docs/refresh.md.
public struct RefreshMask: Sendable, Equatable {
    /// λ, in bits: the statistical distance the mask leaves is at most 2^−λ per coefficient.
    public static let statisticalSecurity = 128
    /// The seed the masks are expanded from (32 bytes; the server keeps it secret).
    public let seed: [UInt8]
    /// Width of the mask's coefficients, in bits.
    public let bits: Int

    /// A mask from a stored seed.
    /// - Throws: ``CKKSError/malformedData(_:)`` for a seed that is not 32 bytes or a width
    ///   outside 2…256 bits.
    public init(seed: [UInt8], bits: Int) throws {
        guard seed.count == 32 else { throw CKKSError.malformedData("a refresh mask seed has 32 bytes") }
        guard (2...256).contains(bits) else { throw CKKSError.malformedData("a refresh mask takes 2 to 256 bits") }
        self.seed = seed
        self.bits = bits
    }

    /// A fresh mask (seed from the operating system's CSPRNG).
    public static func random(bits: Int) throws -> RefreshMask {
        try RefreshMask(seed: RandomStream.freshSeed(), bits: bits)
    }

    /// The mask width that hides values up to `valueBound` (in magnitude) at `scale`: the
    /// coefficients of an encoding of such values are at most scale·valueBound, the error is
    /// far below one unit of the scale, and λ bits more make the sum statistically uniform.
    public static func bits(scale: Double, valueBound: Double, lambda: Int = statisticalSecurity) -> Int {
        let magnitude = max(1, scale * max(valueBound, 1) * 2)
        return lambda + Int(log2(magnitude).rounded(.up)) + 1
    }

    /// The lowest level whose modulus exceeds 2^(bits+2): the masked sum cannot wrap there
    /// (nil when even the top level is too small).
    public static func level(bits: Int, parameters: CKKSParameters) -> Int? {
        var logQ = 0.0
        for (l, q) in parameters.q.enumerated() {
            logQ += log2(Double(q))
            if logQ >= Double(bits + 2) { return l }
        }
        return nil
    }

    /// The mask of the `index`-th ciphertext of the refresh, over the first `moduliCount`
    /// primes, in evaluation form.
    func polynomial(context: CKKSContext, moduliCount: Int, index: Int) -> Poly<Eval> {
        var stream = RandomStream(seed: seed, domain: 0x5245_4652 &+ UInt64(index)) // "REFR" + index
        defer { stream.wipe() }
        var poly = Sampler.wideUniform(basis: context.basisQ, moduliCount: moduliCount, bits: bits, stream: &stream)
        defer { poly.zeroize() }
        return poly.forwardNTT()
    }
}
