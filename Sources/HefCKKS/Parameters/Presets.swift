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
            return ParametersLiteral(logN: 15, logQ: [60] + Array(repeating: 40, count: 14), logP: [60, 60], logScale: 40)
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
    /// The smallest secure set holding `depth` multiplications at `logScale` bits of scale with
    /// `precisionBits` bits of integer headroom in the first prime.
    public static func forDepth(
        _ depth: Int, logScale: Int = 40, integerBits: Int = 20, security: SecurityLevel = .bits128
    ) -> ParametersLiteral? {
        precondition(depth >= 0)
        let first = min(61, logScale + integerBits)
        let logQ = [first] + Array(repeating: logScale, count: depth)
        for logN in 12...16 {
            guard let bound = security.maxLogQP(n: 1 << logN) else { continue }
            let sumQ = logQ.reduce(0, +)
            // Special primes: as large as the largest Q prime, enough of them that the
            // key-switching digits stay few.
            let pBits = min(61, max(first, logScale))
            for pCount in 1...3 {
                let total = sumQ + pCount * pBits
                if total <= bound {
                    return ParametersLiteral(
                        logN: logN, logQ: logQ, logP: Array(repeating: pBits, count: pCount),
                        logScale: Double(logScale), security: security.rawValue)
                }
            }
        }
        return nil
    }
}
