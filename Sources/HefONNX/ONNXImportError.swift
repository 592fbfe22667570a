public import Foundation
import HefML

/// Why an ONNX file could not be turned into an `MLPModel`. Every case names what it is about
/// (operator type, node, tensor) so that the message alone tells the model provider what to
/// change.
public enum ONNXImportError: Error, Equatable, Sendable {
    /// The bytes are not a protobuf `ModelProto` with a graph.
    case notAModel(reason: String)
    /// An operator Hef cannot evaluate (convolutions, recurrences, ...), or a supported operator
    /// used in a way an MLP does not use it (a `MatMul` of two computed tensors, ...).
    case unsupportedOperator(op: String, node: String)
    /// A supported operator with attributes or operands outside what the importer handles.
    case unsupportedPattern(node: String, reason: String)
    /// A node input that no initializer, `Constant` node, graph input or other node provides.
    case missingInitializer(name: String, node: String)
    /// Tensor sizes that do not fit together (a layer's weights against the previous width, a
    /// bias against the layer width, a `Reshape` that changes the feature count).
    case shapeMismatch(node: String, detail: String)
    /// A tensor whose contents cannot be read (unknown data type, wrong byte count, external
    /// data).
    case badTensor(name: String, reason: String)
    /// The graph's inputs are not one feature vector, or it has no dense layer.
    case unsupportedGraph(reason: String)
}

extension ONNXImportError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case .notAModel(let reason):
            return "not an ONNX model: \(reason)"
        case .unsupportedOperator(let op, let node):
            return "unsupported ONNX operator \(op) (node \"\(node)\"): Hef imports MLPs made of "
                + "MatMul/Gemm/Add/Sub/Mul/Div, Relu/Sigmoid/Tanh/square activations, Scaler, "
                + "and Softmax/ArgMax/label output tails"
        case .unsupportedPattern(let node, let reason):
            return "unsupported ONNX construct at node \"\(node)\": \(reason)"
        case .missingInitializer(let name, let node):
            return "tensor \"\(name)\" used by node \"\(node)\" is neither an initializer, a "
                + "Constant, a graph input nor the output of another node"
        case .shapeMismatch(let node, let detail):
            return "shape mismatch at node \"\(node)\": \(detail)"
        case .badTensor(let name, let reason):
            return "cannot read tensor \"\(name)\": \(reason)"
        case .unsupportedGraph(let reason):
            return "unsupported ONNX graph: \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
