/// A model ready for encrypted inference (`MODEL.hef`): the source model, the layers as they
/// run on ciphertexts (scaler and range maps folded into the weights, non-polynomial
/// activations replaced by Chebyshev series), the packing, and the plan (parameters, rotation
/// steps, predicted depth and precision). JSON, versioned.
public struct CompiledModel: Codable, Sendable {
    public static let formatName = "hef-compiled-mlp"
    public static let currentVersion = 1

    public var format: String
    public var version: Int
    /// The model as given (the client uses its output tail and the plaintext reference).
    public var source: MLPModel
    public var packing: Packing
    public var layers: [CompiledLayer]
    public var plan: InferencePlan

    public init(source: MLPModel, packing: Packing, layers: [CompiledLayer], plan: InferencePlan) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.source = source
        self.packing = packing
        self.layers = layers
        self.plan = plan
    }

    public var inputSize: Int { source.inputSize }
    public var outputSize: Int { layers.last?.weights.count ?? 0 }
}

/// One dense layer as evaluated on ciphertexts: `activation(W·x + b)`.
public struct CompiledLayer: Codable, Sendable {
    public var weights: [[Double]]
    public var bias: [Double]
    public var activation: CompiledActivation
}

/// The encrypted form of an activation.
public enum CompiledActivation: Codable, Sendable {
    case none
    /// x², one multiplication.
    case square
    /// A Chebyshev series in u ∈ [−1, 1]; the map from the activation's input interval to u is
    /// folded into the layer's weights. `exact` when the series is the activation itself
    /// (polynomial activations), otherwise an approximation of `function` on `interval` with
    /// `maxError` measured there.
    case chebyshev(ChebyshevActivation)

    public var depth: Int {
        switch self {
        case .none: return 0
        case .square: return 1
        case .chebyshev(let c): return c.depth
        }
    }
}

public struct ChebyshevActivation: Codable, Sendable {
    /// The activation approximated ("relu", "tanh", …, or "polynomial").
    public var function: String
    /// Coefficients of T_0 … T_d.
    public var coefficients: [Double]
    /// The input interval mapped to [−1, 1] (calibrated range with margin).
    public var lower: Double
    public var upper: Double
    /// Largest |series − function| over the interval.
    public var maxError: Double
    /// The calibrated range before the margin, when calibration data was given.
    public var calibratedLower: Double?
    public var calibratedUpper: Double?
    public var exact: Bool

    /// Index of the last non-zero coefficient.
    public var degree: Int { coefficients.lastIndex { $0 != 0 } ?? 0 }
    /// Multiplicative depth of the baby-step/giant-step evaluation, ⌈log2(degree + 1)⌉ (the
    /// input is already mapped to [−1, 1]).
    public var depth: Int { PolynomialEvaluator.depth(degree: degree) }
}

/// What the planner chose.
public struct InferencePlan: Codable, Sendable {
    public var parameters: ParametersLiteral
    /// Slot block size of the latency packing (power of two ≥ every layer width), 0 otherwise.
    public var blockSize: Int
    /// Rotation steps the evaluation keys must cover.
    public var rotationSteps: [Int]
    /// Levels consumed.
    public var depth: Int
    /// Samples per ciphertext (latency: 1; throughput: N/2).
    public var samplesPerCiphertext: Int
    /// Ciphertexts per batch sent by the client (latency: 1 per sample; throughput: one per feature).
    public var inputCiphertexts: Int
    /// A rough prediction of the bits of precision of the scores.
    public var predictedPrecisionBits: Double
    public var notes: [String]
    /// The slot layout the client and the server agree on (see ``LatencyLayout``); a model
    /// compiled for another layout is refused rather than evaluated wrongly.
    public var layoutVersion: Int
    /// Input box, envelopes and error bounds (nil in files compiled before they existed: they
    /// are then derived without a calibration box when the model is loaded).
    public var guarantees: PlanGuarantees?

    public static let currentLayoutVersion = 2
}
