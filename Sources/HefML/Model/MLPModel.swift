import Foundation

/// A multi-layer perceptron as a model provider ships it, in Hef's native JSON format
/// (`docs/model-format.md`): an optional input scaler, dense layers each followed by an
/// activation, and an output tail that the client applies after decryption.
///
/// All arithmetic is `y = W·x + b` with `W` stored row by row: `weights[o][i]` is the weight
/// from input `i` to output `o` (the layout of `torch.nn.Linear`).
public struct MLPModel: Codable, Sendable, Equatable {
    /// The `format` field of a model file.
    public static let formatName = "hef-mlp"
    /// The model file version this Hef reads and writes.
    public static let currentVersion = 1

    /// Always ``formatName`` in a valid model.
    public var format: String
    /// Always ``currentVersion`` in a valid model.
    public var version: Int
    /// A name for messages and `hefctl model show`.
    public var name: String
    /// Classification or regression.
    public var task: Task
    /// Features per sample.
    public var inputSize: Int
    /// Applied to the raw features before the first layer (folded into it when compiled).
    public var scaler: Scaler?
    /// The dense layers, first to last.
    public var layers: [DenseLayer]
    /// What the client applies to the decrypted scores.
    public var output: OutputTail

    /// What the model predicts.
    public enum Task: String, Codable, Sendable {
        /// Class labels from the scores.
        case classification
        /// The scores are the predicted values.
        case regression
    }

    /// A model of the current format and version (check it with ``validate()``).
    public init(
        name: String, task: Task, inputSize: Int, scaler: Scaler? = nil, layers: [DenseLayer],
        output: OutputTail
    ) {
        self.format = Self.formatName
        self.version = Self.currentVersion
        self.name = name
        self.task = task
        self.inputSize = inputSize
        self.scaler = scaler
        self.layers = layers
        self.output = output
    }

    /// Number of outputs of the last layer (logits, or regression values).
    public var outputSize: Int { layers.last?.outputSize ?? inputSize }
}

/// `x' = (x − mean) / scale`, feature by feature (scikit-learn's StandardScaler).
public struct Scaler: Codable, Sendable, Equatable {
    /// Per feature: subtracted first.
    public var mean: [Double]
    /// Per feature: divided by after the mean (non-zero).
    public var scale: [Double]

    /// A scaler from per-feature means and scales.
    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }
}

/// `y = activation(W·x + b)`.
public struct DenseLayer: Codable, Sendable, Equatable {
    /// `outputSize` rows of `inputSize` weights.
    public var weights: [[Double]]
    /// `outputSize` biases.
    public var bias: [Double]
    /// Applied to each output.
    public var activation: Activation

    /// A dense layer.
    public init(weights: [[Double]], bias: [Double], activation: Activation) {
        self.weights = weights
        self.bias = bias
        self.activation = activation
    }

    /// Outputs (rows of the weights).
    public var outputSize: Int { weights.count }
    /// Inputs (columns of the weights).
    public var inputSize: Int { weights.first?.count ?? 0 }
}

/// What follows a dense layer. Polynomial activations are evaluated exactly; the others are
/// approximated by Chebyshev series over a calibrated input range when the model is compiled.
public enum Activation: Codable, Sendable, Equatable {
    /// The identity (no activation).
    case none
    /// x², evaluated exactly (one level).
    case square
    /// Σ c_k x^k, coefficients lowest degree first.
    case polynomial([Double])
    /// max(0, x), approximated.
    case relu
    /// 1 / (1 + e^−x), approximated.
    case sigmoid
    /// tanh x, approximated.
    case tanh
    /// x · sigmoid(x), approximated.
    case silu
    /// x · Φ(x) (the exact erf form), approximated.
    case gelu

    /// The activation's name in files and messages.
    public var name: String {
        switch self {
        case .none: return "none"
        case .square: return "square"
        case .polynomial: return "polynomial"
        case .relu: return "relu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .silu: return "silu"
        case .gelu: return "gelu"
        }
    }

    /// The activation as a plain function, for plaintext inference.
    public func apply(_ x: Double) -> Double {
        switch self {
        case .none: return x
        case .square: return x * x
        case .polynomial(let c):
            var acc = 0.0
            for coefficient in c.reversed() { acc = acc * x + coefficient }
            return acc
        case .relu: return max(0, x)
        case .sigmoid: return 1 / (1 + exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .silu: return x / (1 + exp(-x))
        case .gelu: return 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        }
    }

    /// True when the encrypted evaluation is exact (no approximation).
    public var isPolynomial: Bool {
        switch self {
        case .none, .square, .polynomial: return true
        default: return false
        }
    }

    // JSON: a string ("relu"), or {"polynomial": [c0, c1, …]}.
    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let text = try? single.decode(String.self) {
            switch text {
            case "none", "identity", "linear": self = .none
            case "square": self = .square
            case "relu": self = .relu
            case "sigmoid", "logistic": self = .sigmoid
            case "tanh": self = .tanh
            case "silu", "swish": self = .silu
            case "gelu": self = .gelu
            default:
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: decoder.codingPath,
                        debugDescription:
                            "unknown activation \"\(text)\" (none, square, relu, sigmoid, tanh, silu, gelu, or {\"polynomial\": [...]})"
                    ))
            }
            return
        }
        let container = try decoder.container(keyedBy: PolynomialKey.self)
        self = .polynomial(try container.decode([Double].self, forKey: .polynomial))
    }

    public func encode(to encoder: Encoder) throws {
        if case .polynomial(let c) = self {
            var container = encoder.container(keyedBy: PolynomialKey.self)
            try container.encode(c, forKey: .polynomial)
        } else {
            var single = encoder.singleValueContainer()
            try single.encode(name)
        }
    }

    private enum PolynomialKey: String, CodingKey { case polynomial }
}

/// What the client does with the decrypted scores.
public struct OutputTail: Codable, Sendable, Equatable {
    /// How scores become probabilities.
    public var probabilities: Probabilities
    /// Class labels, index = class; nil for regression.
    public var labels: [String]?

    /// How the scores become probabilities and labels.
    public enum Probabilities: String, Codable, Sendable {
        /// Multiclass: softmax over the scores; label = argmax.
        case softmax
        /// Binary with one score: p = sigmoid(score); label 1 when p > 0.5.
        case sigmoid
        /// Regression: the scores are the output.
        case none
    }

    /// An output tail.
    public init(probabilities: Probabilities, labels: [String]? = nil) {
        self.probabilities = probabilities
        self.labels = labels
    }
}
