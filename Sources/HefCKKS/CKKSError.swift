import Foundation

/// Every way a CKKS operation or a load can refuse its input. Each case says why in words a
/// user can act on.
public enum CKKSError: Error, Equatable, Sendable, CustomStringConvertible {
    case insecureParameters(String)
    case invalidParameters(String)
    case parametersMismatch(expected: UInt64, found: UInt64)
    case keyMismatch(expected: UInt64, found: UInt64)
    case levelExhausted(String)
    case scaleOverflow(String)
    case scaleMismatch(Double, Double)
    /// ``Ciphertext/resetScale(to:)`` was asked for a scale the ciphertext is not at (beyond
    /// floating-point rounding).
    case scaleResetOutOfTolerance(current: Double, intended: Double)
    /// The noise-flooding σ does not fit the modulus left at the ciphertext's level.
    case floodingTooLarge(String)
    case slotCountMismatch(Int, Int)
    case tooManyValues(given: Int, slots: Int)
    case missingRotationKey(step: Int)
    case missingRelinearizationKey
    case missingConjugationKey
    case invalidCiphertext(String)
    case malformedData(String)
    case unsupportedVersion(Int)
    case wrongKind(expected: String, found: String)
    /// A serialized blob ended early.
    case truncated(String)

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
            return "cannot reset the scale to 2^\(log2s(i)): the ciphertext is at 2^\(log2s(c)) (relative difference \(String(format: "%.3g", abs(c - i) / i)) > 2^-32)"
        case .floodingTooLarge(let why): return "noise flooding does not fit: \(why)"
        case .slotCountMismatch(let a, let b): return "slot counts differ (\(a) vs \(b))"
        case .tooManyValues(let given, let slots):
            return "\(given) values do not fit in \(slots) slots"
        case .missingRotationKey(let step):
            return "no Galois key for a rotation by \(step): generate keys with this step"
        case .missingRelinearizationKey: return "no relinearization key in the evaluation keys"
        case .missingConjugationKey: return "no conjugation key in the evaluation keys"
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
