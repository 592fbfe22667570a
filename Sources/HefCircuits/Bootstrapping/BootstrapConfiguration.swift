public import HefCKKS

/// How a ``Bootstrapper`` spends its levels. The parameters' prime chain must match it:
/// from the top, `coeffsToSlotsLevels` primes for CoeffsToSlots, ``evalModDepth`` primes for
/// EvalMod (as large as ``evalModLogScale``), `slotsToCoeffsLevels` primes of the default scale
/// for SlotsToCoeffs; the primes below are the levels left to the user.
public struct BootstrapConfiguration: Sendable, Equatable, Codable {
    /// Levels of CoeffsToSlots (the inverse DFT split into that many merged factors).
    public var coeffsToSlotsLevels: Int
    /// Levels of SlotsToCoeffs.
    public var slotsToCoeffsLevels: Int
    /// Degree of the Chebyshev interpolant of the scaled cosine.
    public var cosineDegree: Int
    /// Double-angle steps after the cosine.
    public var doubleAngles: Int
    /// Non-zero entries of the ephemeral sparse secret (sparse-secret encapsulation).
    public var ephemeralHammingWeight: Int
    /// log2 of the scale EvalMod runs at.
    public var evalModLogScale: Double
    /// Whether EvalMod ends with s + s³/6, which cancels the sine's cubic error (2 levels).
    public var arcSineCorrection: Bool

    /// A configuration from its fields.
    /// - Parameters:
    ///   - coeffsToSlotsLevels: levels of CoeffsToSlots (at least 1)
    ///   - slotsToCoeffsLevels: levels of SlotsToCoeffs (at least 1)
    ///   - cosineDegree: degree of the cosine interpolant
    ///   - doubleAngles: double-angle steps
    ///   - ephemeralHammingWeight: weight of the ephemeral sparse secret
    ///   - evalModLogScale: log2 of EvalMod's scale
    ///   - arcSineCorrection: whether EvalMod cancels the sine's cubic error (2 levels)
    public init(
        coeffsToSlotsLevels: Int = 3, slotsToCoeffsLevels: Int = 3, cosineDegree: Int = 40, doubleAngles: Int = 3,
        ephemeralHammingWeight: Int = 32, evalModLogScale: Double = 60, arcSineCorrection: Bool = true
    ) {
        self.arcSineCorrection = arcSineCorrection
        self.coeffsToSlotsLevels = coeffsToSlotsLevels
        self.slotsToCoeffsLevels = slotsToCoeffsLevels
        self.cosineDegree = cosineDegree
        self.doubleAngles = doubleAngles
        self.ephemeralHammingWeight = ephemeralHammingWeight
        self.evalModLogScale = evalModLogScale
    }

    /// K: the largest |I| after ModRaise, ⌊(h + 1)/2⌋ for the ephemeral weight h.
    public var bound: Int { EncapsulationKeys.modRaiseBound(hammingWeight: ephemeralHammingWeight) }

    /// Levels of EvalMod: ⌈log2(degree + 1)⌉ + double angles (+ 2 for the arcsine correction).
    public var evalModDepth: Int {
        PolynomialEvaluator.depth(degree: cosineDegree) + doubleAngles + (arcSineCorrection ? 2 : 0)
    }

    /// All levels bootstrapping consumes.
    public var depth: Int { coeffsToSlotsLevels + evalModDepth + slotsToCoeffsLevels }

    /// Levels left to the user after a bootstrap with `parameters`, or nil when they have too few.
    /// - Parameters:
    ///   - parameters: the parameters bootstrapping runs with
    public func levelsLeft(_ parameters: CKKSParameters) -> Int? {
        let left = parameters.maxLevel - depth
        return left >= 0 ? left : nil
    }
}

/// Named 128-bit parameter sets with a bootstrapping configuration (dense ternary secret,
/// sparse-secret encapsulation with an ephemeral weight of 32: failure probability 0).
public enum BootstrapPreset: String, CaseIterable, Sendable {
    /// N = 2^16, scale 2^45, 5 levels left after a bootstrap.
    case boot16
    /// N = 2^15, scale 2^40, 1 level left after a bootstrap: a smaller, much less precise set
    /// (EvalMod at 2^45: N = 2^15's 881-bit budget leaves no room for 60-bit primes).
    case boot15

    /// The parameters, from q_0 up: q_0 (2^8 times the scale: the message ratio); the user's
    /// levels; SlotsToCoeffs; EvalMod; CoeffsToSlots.
    public var literal: ParametersLiteral {
        let c = configuration
        switch self {
        case .boot16:
            let logQ =
                [53] + Array(repeating: 45, count: 5) + Array(repeating: 45, count: c.slotsToCoeffsLevels)
                + Array(repeating: 60, count: c.evalModDepth) + Array(repeating: 60, count: c.coeffsToSlotsLevels)
            return ParametersLiteral(logN: 16, logQ: logQ, logP: Array(repeating: 61, count: 8), logScale: 45)
        case .boot15:
            let logQ =
                [48] + Array(repeating: 40, count: 1) + Array(repeating: 40, count: c.slotsToCoeffsLevels)
                + Array(repeating: 45, count: c.evalModDepth) + Array(repeating: 50, count: c.coeffsToSlotsLevels)
            return ParametersLiteral(logN: 15, logQ: logQ, logP: Array(repeating: 55, count: 2), logScale: 40)
        }
    }

    /// The bootstrapping configuration.
    public var configuration: BootstrapConfiguration {
        switch self {
        case .boot16: return BootstrapConfiguration()
        case .boot15:
            return BootstrapConfiguration(
                coeffsToSlotsLevels: 2, slotsToCoeffsLevels: 2, cosineDegree: 40, doubleAngles: 3,
                evalModLogScale: 45)
        }
    }

    /// One line for listings.
    public var summary: String {
        switch self {
        case .boot16: return "N=65536, scale 2^45, bootstrappable, 5 levels left after a bootstrap"
        case .boot15: return "N=32768, scale 2^40, bootstrappable, 1 level left after a bootstrap"
        }
    }
}
