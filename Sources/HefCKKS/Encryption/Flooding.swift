import Foundation
import HefRing

/// Noise flooding at decryption, against IND-CPA^D attacks (Li–Micciancio, Eurocrypt 2021):
/// a CKKS decryption m + e reveals the secret-dependent error e, and with it the key. Before
/// decoding, ``Decryptor/decrypt(_:flooding:)`` adds to m + e a fresh rounded Gaussian f of
/// standard deviation σ, large enough that m + e + f and m + f are statistically close.
///
/// The formula (docs/flooding.md derives it): with E₂ a bound on the ℓ2 norm of the
/// coefficient vector of e, Q the number of decryptions an adversary sees, λ the security bits,
///
///     σ = √(12·Q) · 2^(λ/2) · E₂
///
/// so that the Kullback–Leibler divergence between the adversary's views with and without e
/// is at most Q·E₂² / (2σ²) = 2^-λ / 24 (the √12 factor as in OpenFHE's noise flooding).
public struct FloodingPolicy: Sendable, Equatable {
    /// What the caller knows of the decryption error e.
    public enum NoiseBound: Sendable, Equatable {
        /// Every slot of the result is within 2^-bits of the exact value (as a complex
        /// number, over all N/2 slots): then ‖e‖₂ ≤ Δ·2^-bits (Parseval, see docs/flooding.md).
        case precisionBits(Double)
        /// Every coefficient of e is at most this in absolute value: ‖e‖₂ ≤ √N · bound.
        case coefficientBound(Double)
    }

    /// The bound on the noise the flooding must hide.
    public var noiseBound: NoiseBound
    /// Decryptions of related ciphertexts the adversary may see (Q ≥ 1).
    public var queries: Int
    /// λ: the divergence bound is 2^-λ / 24.
    public var securityBits: Double

    /// A policy hiding noise up to `noiseBound` over `queries` decryptions at `securityBits`.
    /// - Parameters:
    ///   - noiseBound: the noise to hide
    ///   - queries: decryptions of related ciphertexts (≥ 1)
    ///   - securityBits: statistical security, 1…128
    /// - Throws: ``CKKSError/invalidParameters(_:)`` for a value out of range.
    public init(noiseBound: NoiseBound, queries: Int = 1, securityBits: Double = 30) throws {
        guard queries >= 1 else {
            throw CKKSError.invalidParameters("flooding needs at least one query (got \(queries))")
        }
        guard securityBits.isFinite, securityBits >= 1, securityBits <= 128 else {
            throw CKKSError.invalidParameters("flooding security must be between 1 and 128 bits (got \(securityBits))")
        }
        switch noiseBound {
        case .precisionBits(let p):
            guard p.isFinite, p >= -64, p <= 64 else {
                throw CKKSError.invalidParameters("flooding precision must be between -64 and 64 bits (got \(p))")
            }
        case .coefficientBound(let b):
            guard b.isFinite, b > 0 else {
                throw CKKSError.invalidParameters("a flooding noise bound must be positive and finite (got \(b))")
            }
        }
        self.noiseBound = noiseBound
        self.queries = queries
        self.securityBits = securityBits
    }

    /// E₂: the bound on ‖e‖₂ for ring degree `n` and a ciphertext at `scale`.
    public func errorNormBound(n: Int, scale: Double) -> Double {
        switch noiseBound {
        case .precisionBits(let p): return scale * Foundation.pow(2, -p)
        case .coefficientBound(let b): return Double(n).squareRoot() * b
        }
    }

    /// σ = √(12·Q) · 2^(λ/2) · E₂, per coefficient.
    public func sigma(n: Int, scale: Double) -> Double {
        (12 * Double(queries)).squareRoot() * Foundation.pow(2, securityBits / 2) * errorNormBound(n: n, scale: scale)
    }

    /// The standard deviation the flooding adds to the real part of each decoded slot:
    /// σ·√(N/2)/Δ (each slot is a sum of the N coefficients times roots of unity).
    public func slotDeviation(n: Int, scale: Double) -> Double {
        sigma(n: n, scale: scale) * (Double(n) / 2).squareRoot() / scale
    }
}

extension Decryptor {
    /// Decrypts, then adds the flooding noise of `flooding` to the message polynomial (fresh
    /// randomness from the operating system's CSPRNG on every call). Throws
    /// ``CKKSError/floodingTooLarge(_:)`` when σ does not fit the modulus left at the
    /// ciphertext's level.
    /// - Parameters:
    ///   - ciphertext: a ciphertext under this key
    ///   - flooding: the policy
    /// - Throws: ``CKKSError/parametersMismatch(expected:found:)``, ``CKKSError/keyMismatch(expected:found:)``, ``CKKSError/floodingTooLarge(_:)`` when σ does not fit the modulus at the ciphertext's level.
    public func decrypt(_ ciphertext: Ciphertext, flooding: FloodingPolicy) throws -> Plaintext {
        var plaintext = try decrypt(ciphertext)
        let n = context.parameters.n
        let sigma = flooding.sigma(n: n, scale: ciphertext.scale)
        // The noise reaches ~8.6σ; keep 16σ below a quarter of Q_l so m + e + f does not wrap.
        let logQ = context.logModulus(level: ciphertext.level)
        guard sigma.isFinite, sigma <= 0x1p50, log2(Swift.max(sigma, 1)) + 4 <= logQ - 2 else {
            throw CKKSError.floodingTooLarge(
                "σ = 2^\(String(format: "%.1f", log2(sigma))) does not fit the \(Int(logQ))-bit modulus at level \(ciphertext.level) (needs 2^\(String(format: "%.1f", log2(sigma) + 6)) at least); decrypt at a higher level, lower the queries or security bits, or use a larger modulus"
            )
        }
        var stream = RandomStream.secure()
        defer { stream.wipe() }
        var noise = Sampler.roundedGaussian(n: n, sigma: sigma, stream: &stream)
        var flood = Poly<Coeff>(
            basis: context.basisQ, moduliCount: plaintext.poly.moduliCount, signedCoefficients: noise)
        secureZero(&noise)
        var floodEval = flood.forwardNTT()
        flood.zeroize()
        plaintext.poly.add(floodEval)
        floodEval.zeroize()
        return plaintext
    }

    /// ``decrypt(_:flooding:)`` then decoding (real parts of the slots).
    /// - Parameters:
    ///   - ciphertext: a ciphertext under this key
    ///   - flooding: the policy
    ///   - roundingBits: see ``CKKSContext/decode(_:roundingBits:)``
    /// - Throws: as ``decrypt(_:flooding:)``.
    public func decryptValues(_ ciphertext: Ciphertext, flooding: FloodingPolicy, roundingBits: Int? = nil) throws
        -> [Double]
    {
        try context.decode(try decrypt(ciphertext, flooding: flooding), roundingBits: roundingBits).real
    }
}
