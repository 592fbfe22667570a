import HefCircuits

/// One dense layer as evaluated on ciphertexts: `activation(W·x + b)`.
public struct CompiledLayer: Codable, Sendable {
    /// Output rows of input weights, with the scaler and range maps folded in.
    public var weights: [[Double]]
    /// One bias per output.
    public var bias: [Double]
    /// The activation as evaluated on ciphertexts.
    public var activation: CompiledActivation
}

/// The encrypted form of an activation.
public enum CompiledActivation: Codable, Sendable {
    /// No activation.
    case none
    /// x², one multiplication.
    case square
    /// A Chebyshev series in u ∈ [−1, 1]; the map from the activation's input interval to u is
    /// folded into the layer's weights. `exact` when the series is the activation itself
    /// (polynomial activations), otherwise an approximation of `function` on `interval` with
    /// `maxError` measured there.
    case chebyshev(ChebyshevActivation)

    /// Levels the activation consumes.
    public var depth: Int {
        switch self {
        case .none: return 0
        case .square: return 1
        case .chebyshev(let c): return c.depth
        }
    }
}

/// An activation as a Chebyshev series on [−1, 1] (see ``CompiledActivation/chebyshev(_:)``).
public struct ChebyshevActivation: Codable, Sendable {
    /// The activation approximated ("relu", "tanh", …, or "polynomial").
    public var function: String
    /// Coefficients of T_0 … T_d.
    public var coefficients: [Double]
    /// The input interval mapped to [−1, 1] (calibrated range with margin).
    public var lower: Double
    /// Upper end of the interval mapped to [−1, 1].
    public var upper: Double
    /// Largest |series − function| over the interval.
    public var maxError: Double
    /// The calibrated range before the margin, when calibration data was given.
    public var calibratedLower: Double?
    /// Upper end of the calibrated range, when calibration data was given.
    public var calibratedUpper: Double?
    /// The series is the activation itself (polynomial activations), not an approximation.
    public var exact: Bool

    /// Index of the last non-zero coefficient.
    public var degree: Int { coefficients.lastIndex { $0 != 0 } ?? 0 }
    /// Multiplicative depth of the baby-step/giant-step evaluation, ⌈log2(degree + 1)⌉ (the
    /// input is already mapped to [−1, 1]).
    public var depth: Int { PolynomialEvaluator.depth(degree: degree) }
}
