/// Named parameter sets. All pass the 128-bit check.
public enum ParametersPreset: String, CaseIterable, Sendable {
    /// N = 2^13, Q = [60, 40, 40], P = [60], scale 2^40: depth 2 (the peers' P1).
    case n8192
    /// N = 2^14, Q = [60, 40×6], P = [60], scale 2^40: depth 6 (the peers' P2).
    case n16384
    /// N = 2^15, Q = [60, 40×14], P = [60, 60], scale 2^40: depth 14.
    case n32768
    /// N = 2^12, Q = [40, 30], P = [38], scale 2^30: depth 1, small and fast.
    case n4096

    public var literal: ParametersLiteral {
        switch self {
        case .n4096:
            return ParametersLiteral(logN: 12, logQ: [40, 30], logP: [38], logScale: 30)
        case .n8192:
            return ParametersLiteral(logN: 13, logQ: [60, 40, 40], logP: [60], logScale: 40)
        case .n16384:
            return ParametersLiteral(logN: 14, logQ: [60] + Array(repeating: 40, count: 6), logP: [60], logScale: 40)
        case .n32768:
            return ParametersLiteral(
                logN: 15, logQ: [60] + Array(repeating: 40, count: 14), logP: [60, 60], logScale: 40)
        }
    }

    public var summary: String {
        switch self {
        case .n4096: return "N=4096, depth 1, scale 2^30: quick tests"
        case .n8192: return "N=8192, depth 2, scale 2^40: small circuits (the peers' P1)"
        case .n16384: return "N=16384, depth 6, scale 2^40: the default (the peers' P2)"
        case .n32768: return "N=32768, depth 14, scale 2^40: deep circuits"
        }
    }

    public static let defaultPreset = ParametersPreset.n16384
}

extension ParametersLiteral {
    /// The one rule Hef uses to pick "the smallest secure parameters for a depth" (the model
    /// planner and ``forDepth(_:logScale:integerBits:security:)`` both call it).
    ///
    /// Ring degrees N = 2^`logNs.lowerBound` … are tried in increasing order, skipping those
    /// `admits` refuses; at each N the scales in `logScales` are tried in order. For a scale s
    /// the modulus chain is Q = [min(60, s + `integerBits`), s × `depth`] (the first prime holds
    /// the result's integer part), and P gets as many special primes of max(q_0, s) bits as the
    /// security table allows, up to `maxSpecialPrimes` and at most |Q| (more special primes mean
    /// fewer key-switching digits: smaller keys, faster rotations). The first set that
    /// ``CKKSParameters`` accepts is returned; nil when none does.
    /// - Parameters:
    ///   - depth: Multiplicative levels the circuit consumes (negative depths have no set).
    ///   - logScales: Candidate scale sizes in bits, most preferred first.
    ///   - integerBits: Bits of head room above the scale in the first prime.
    ///   - maxSpecialPrimes: The most special primes to use.
    ///   - security: The security level of the table the set must pass.
    ///   - logNs: The ring degrees to try, as log2(N).
    ///   - admits: Whether a ring degree (given as log2(N)) can hold the caller's data at all.
    public static func smallestSecure(
        depth: Int, logScales: [Int] = [40], integerBits: Int = 20, maxSpecialPrimes: Int = 4,
        security: SecurityLevel = .bits128, logNs: ClosedRange<Int> = 12...16, admits: (Int) -> Bool = { _ in true }
    ) -> ParametersLiteral? {
        guard depth >= 0, maxSpecialPrimes >= 1 else { return nil }
        for logN in logNs where admits(logN) {
            for scaleBits in logScales {
                let q0 = min(60, scaleBits + integerBits)
                let logQ = [q0] + Array(repeating: scaleBits, count: depth)
                var best: ParametersLiteral?
                for pCount in 1...min(maxSpecialPrimes, logQ.count) {
                    let literal = ParametersLiteral(
                        logN: logN, logQ: logQ, logP: Array(repeating: max(q0, scaleBits), count: pCount),
                        logScale: Double(scaleBits), security: security == .bits128 ? nil : security.rawValue)
                    guard (try? CKKSParameters(literal)) != nil else { break }
                    best = literal
                }
                if let best { return best }
            }
        }
        return nil
    }

    /// The smallest secure set holding `depth` multiplications at `logScale` bits of scale with
    /// `integerBits` bits of integer headroom in the first prime: ``smallestSecure(depth:logScales:integerBits:maxSpecialPrimes:security:logNs:admits:)``
    /// with that one scale.
    public static func forDepth(
        _ depth: Int, logScale: Int = 40, integerBits: Int = 20, security: SecurityLevel = .bits128
    ) -> ParametersLiteral? {
        smallestSecure(depth: depth, logScales: [logScale], integerBits: integerBits, security: security)
    }
}
