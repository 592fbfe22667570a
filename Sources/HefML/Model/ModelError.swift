/// Why a model, its input or a compiled model was refused.
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model or compiled model is inconsistent (shapes, values, plan).
    case invalidModel(String)
    /// Not a file of the expected format, or another version.
    case unsupportedFormat(String)
    /// A row (1-based) has the wrong number of features.
    case inputShape(row: Int, expected: Int, found: Int)
    /// A value (1-based row and column) is not a finite number.
    case notANumber(row: Int, column: Int, text: String)
    /// No secure parameters or layout hold the model.
    case planFailed(String)
    /// Ciphertexts, keys or a context made for another model, stage or layout.
    case wrongModel(String)
    /// A row outside the range the compiled model guarantees (with row and feature).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .invalidModel(let why): return "invalid model: \(why)"
        case .unsupportedFormat(let why): return "unsupported model file: \(why)"
        case .inputShape(let row, let expected, let found):
            return "row \(row) has \(found) values, the model expects \(expected)"
        case .notANumber(let row, let column, let text):
            return "row \(row), column \(column): \"\(text)\" is not a number"
        case .planFailed(let why): return "no secure parameters fit this model: \(why)"
        case .wrongModel(let why): return why
        case .outOfRange(let why): return "out of range: \(why)"
        }
    }
}

extension MLPModel {
    /// Checks formats, shapes and values.
    /// - Throws: ``ModelError/unsupportedFormat(_:)`` for another format or version,
    ///   ``ModelError/invalidModel(_:)`` naming the first bad shape or value.
    public func validate() throws {
        guard format == Self.formatName else {
            throw ModelError.unsupportedFormat("format is \"\(format)\", expected \"\(Self.formatName)\"")
        }
        guard version == Self.currentVersion else {
            throw ModelError.unsupportedFormat("version \(version) (this Hef reads version \(Self.currentVersion))")
        }
        guard inputSize >= 1 else { throw ModelError.invalidModel("inputSize must be positive") }
        guard !layers.isEmpty else { throw ModelError.invalidModel("no layers") }
        if let scaler {
            guard scaler.mean.count == inputSize, scaler.scale.count == inputSize else {
                throw ModelError.invalidModel(
                    "the scaler has \(scaler.mean.count) means and \(scaler.scale.count) scales for \(inputSize) inputs"
                )
            }
            guard scaler.scale.allSatisfy({ $0.isFinite && $0 != 0 }), scaler.mean.allSatisfy(\.isFinite) else {
                throw ModelError.invalidModel("the scaler has a zero or non-finite entry")
            }
        }
        var width = inputSize
        for (k, layer) in layers.enumerated() {
            guard layer.outputSize >= 1 else { throw ModelError.invalidModel("layer \(k) has no outputs") }
            for (o, row) in layer.weights.enumerated() where row.count != width {
                throw ModelError.invalidModel(
                    "layer \(k), row \(o) has \(row.count) weights, the layer's input has \(width) values")
            }
            guard layer.bias.count == layer.outputSize else {
                throw ModelError.invalidModel(
                    "layer \(k) has \(layer.bias.count) biases for \(layer.outputSize) outputs")
            }
            guard layer.weights.allSatisfy({ $0.allSatisfy(\.isFinite) }), layer.bias.allSatisfy(\.isFinite) else {
                throw ModelError.invalidModel("layer \(k) has a non-finite weight or bias")
            }
            width = layer.outputSize
        }
        switch output.probabilities {
        case .sigmoid:
            guard width == 1 else {
                throw ModelError.invalidModel("a sigmoid output needs exactly one score (got \(width))")
            }
        case .softmax:
            guard width >= 2 else { throw ModelError.invalidModel("a softmax output needs at least two scores") }
        case .none: break
        }
        if let labels = output.labels {
            let expected = output.probabilities == .sigmoid ? 2 : width
            guard labels.count == expected else {
                throw ModelError.invalidModel("\(labels.count) labels for \(expected) classes")
            }
        }
    }
}
