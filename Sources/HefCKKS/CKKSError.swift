import Foundation

/// Every way a CKKS operation or a load can refuse its input. Each case says why in words a
/// user can act on.
public enum CKKSError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The parameters fail the security table (or its sparse-secret rule).
    case insecureParameters(String)
    /// A parameter or argument is out of range.
    case invalidParameters(String)
    /// An object was made for other parameters (ids differ).
    case parametersMismatch(expected: UInt64, found: UInt64)
    /// An object belongs to another secret key (key ids differ).
    case keyMismatch(expected: UInt64, found: UInt64)
    /// No level left for the operation (or a plaintext below the ciphertext's level).
    case levelExhausted(String)
    /// A scale or a scaled value does not fit the modulus.
    case scaleOverflow(String)
    /// Two scales that must agree do not (and cannot be aligned exactly).
    case scaleMismatch(Double, Double)
    /// ``Ciphertext/resetScale(to:)`` was asked for a scale the ciphertext is not at (beyond
    /// floating-point rounding).
    case scaleResetOutOfTolerance(current: Double, intended: Double)
    /// The noise-flooding σ does not fit the modulus left at the ciphertext's level.
    case floodingTooLarge(String)
    /// Two ciphertexts hold different slot counts.
    case slotCountMismatch(Int, Int)
    /// More values than slots.
    case tooManyValues(given: Int, slots: Int)
    /// No Galois key for a rotation by `step`.
    case missingRotationKey(step: Int)
    /// No relinearization key in the evaluation keys.
    case missingRelinearizationKey
    /// No Galois key for conjugation.
    case missingConjugationKey
    /// A key (named in words) stops at `keyLevel`, below the ciphertext's `level`.
    case keyBelowLevel(key: String, keyLevel: Int, level: Int)
    /// A ciphertext of the wrong size or shape for the operation.
    case invalidCiphertext(String)
    /// Bytes that are not a valid Hef file (or a file that cannot be read).
    case malformedData(String)
    /// A file of another format version.
    case unsupportedVersion(Int)
    /// A valid file of another kind than the one asked for.
    case wrongKind(expected: String, found: String)
    /// A serialized blob ended early.
    case truncated(String)

    /// The reason, in words a user can act on.
    public var description: String {
        switch self {
        case .insecureParameters(let why): return "insecure parameters: \(why)"
        case .invalidParameters(let why): return "invalid parameters: \(why)"
        case .parametersMismatch(let e, let f):
            return "made for other parameters (expected parameter id \(hex16(e)), found \(hex16(f)))"
        case .keyMismatch(let e, let f):
            return "belongs to another key (expected key id \(hex16(e)), found \(hex16(f)))"
        case .levelExhausted(let why): return "no level left: \(why)"
        case .scaleOverflow(let why): return "scale too large for the remaining modulus: \(why)"
        case .scaleMismatch(let a, let b):
            return "scales differ (2^\(log2s(a)) vs 2^\(log2s(b))) and cannot be aligned exactly"
        case .scaleResetOutOfTolerance(let c, let i):
            return
                "cannot reset the scale to 2^\(log2s(i)): the ciphertext is at 2^\(log2s(c)) (relative difference \(String(format: "%.3g", abs(c - i) / i)) > 2^-32)"
        case .floodingTooLarge(let why): return "noise flooding does not fit: \(why)"
        case .slotCountMismatch(let a, let b): return "slot counts differ (\(a) vs \(b))"
        case .tooManyValues(let given, let slots):
            return "\(given) values do not fit in \(slots) slots"
        case .missingRotationKey(let step):
            return "no Galois key for a rotation by \(step): generate keys with this step"
        case .missingRelinearizationKey: return "no relinearization key in the evaluation keys"
        case .missingConjugationKey: return "no conjugation key in the evaluation keys"
        case .keyBelowLevel(let key, let keyLevel, let level):
            return "the \(key) switches levels up to \(keyLevel); the ciphertext is at level \(level)"
        case .invalidCiphertext(let why): return "invalid ciphertext: \(why)"
        case .malformedData(let why): return "malformed data: \(why)"
        case .unsupportedVersion(let v): return "unsupported format version \(v)"
        case .wrongKind(let e, let f): return "expected a \(e), found a \(f)"
        case .truncated(let why): return "truncated data: \(why)"
        }
    }
}

/// `v` as 16 lowercase hex digits (ids in messages and listings).
package func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

private func log2s(_ x: Double) -> String {
    String(format: "%.2f", log2(x))
}
