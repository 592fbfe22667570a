public import HefRing

/// A CKKS ciphertext: two (three before relinearization) polynomials in evaluation form.
/// It carries what every operation checks: its level, scale and slot count, and the ids of
/// the parameters and of the key it was encrypted under.
public struct Ciphertext: Sendable {
    /// The polynomials. Read-only outside HefCKKS: a change here while `seed` is set would be
    /// lost at serialization (the seed stands for `polys[1]`); any mutation, even inside the
    /// library, drops the seed.
    public internal(set) var polys: [Poly<Eval>] {
        didSet { seed = nil } // any change: the seed no longer stands for polys[1]
    }
    /// The scale Δ of the encoded message. Read-only outside HefCKKS: reset it with
    /// ``resetScale(to:)``, which refuses a value the ciphertext is not actually at.
    public internal(set) var scale: Double
    /// Number of slots in use (a power of two up to N/2).
    public var slots: Int
    /// The id of the parameters it was made with.
    public let parametersID: UInt64
    /// The id of the secret key it is encrypted under.
    public let keyID: UInt64
    /// True when the second polynomial is the expansion of `seed` (fresh symmetric encryption,
    /// not yet touched): it can then be serialized as the seed alone.
    public internal(set) var seed: [UInt8]?

    /// The level: number of primes left minus one.
    public var level: Int { polys[0].moduliCount - 1 }
    /// 2 normally, 3 after a product before relinearization.
    public var size: Int { polys.count }

    /// A ciphertext from its parts (no checks; the evaluator checks on use).
    public init(
        polys: [Poly<Eval>], scale: Double, slots: Int, parametersID: UInt64, keyID: UInt64, seed: [UInt8]? = nil
    ) {
        self.polys = polys
        self.scale = scale
        self.slots = slots
        self.parametersID = parametersID
        self.keyID = keyID
        self.seed = seed
    }

    /// The relative tolerance of ``resetScale(to:)``: 2^-32. See that method.
    public static let scaleResetTolerance = 0x1p-32

    /// Records that the ciphertext is at scale `intended`, after a rescale whose bookkept scale
    /// differs from it only by floating-point rounding (for example `Δ·q_l/q_l`).
    ///
    /// Throws ``CKKSError/scaleResetOutOfTolerance(current:intended:)`` when
    /// `|scale − intended| > 2^-32 · intended`. Bookkeeping rounding is about 2^-52 per
    /// operation, so 2^-32 leaves room for a million chained operations; a real mismatch is
    /// much larger: an NTT-friendly prime q ≡ 1 (mod 2N) of b bits differs from 2^b by at
    /// least 2N − 1 (2^b + 1 is not prime for b > 16), i.e. by ≥ 2^-27 relative for 40-bit
    /// primes and N ≥ 2^12, so pretending that a rescale divided by 2^b rather than by q_l is
    /// caught.
    /// - Parameters:
    ///   - intended: the scale the ciphertext is known to be at
    /// - Throws: ``CKKSError/scaleResetOutOfTolerance(current:intended:)`` when `intended` differs beyond rounding.
    public mutating func resetScale(to intended: Double) throws {
        guard intended.isFinite, intended > 0, scale.isFinite,
            abs(scale - intended) <= Self.scaleResetTolerance * intended
        else {
            throw CKKSError.scaleResetOutOfTolerance(current: scale, intended: intended)
        }
        scale = intended
    }

    /// Drops primes down to `level` without changing the message (modulus switching in RNS).
    public mutating func dropLevels(to newLevel: Int) {
        precondition(newLevel >= 0 && newLevel <= level)
        for i in polys.indices { polys[i].truncate(toModuliCount: newLevel + 1) }
        seed = nil
    }
}
