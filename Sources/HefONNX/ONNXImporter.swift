public import Foundation
public import HefML
import SwiftProtobuf

/// Converts ONNX files into Hef's `MLPModel`.
///
/// Recognised exports:
/// - skl2onnx `Pipeline(StandardScaler, MLPClassifier | MLPRegressor)`: `Scaler`, `Cast`,
///   `MatMul` + `Add`, `Relu`/`Tanh`/`Sigmoid`, and the output tail (`Softmax` or `Sigmoid`,
///   the binary `1 − p`/`Concat`, `ArgMax`, `ArrayFeatureExtractor`, `LabelEncoder`,
///   `ZipMap`), whose class labels become `output.labels`;
/// - `torch.onnx.export` of `nn.Sequential(Linear, activation, …)`: `Gemm` (any `transB`,
///   `alpha`, `beta`), `MatMul` + `Add`, `Relu`/`Sigmoid`/`Tanh`/`Gelu`, `x · Sigmoid(x)`
///   (SiLU), `Mul(x, x)` and `Pow(x, 2)` (square), `Flatten`, `Identity`, `Constant`.
///
/// Element-wise `Sub`/`Div`/`Mul`/`Add` or `Scaler` right at the input become the model's
/// scaler; other affine operations between layers are folded into the weights. A final
/// `Softmax` makes a softmax classifier, a final `Sigmoid` a binary one whose score is the
/// logit before it; without either the model is a regression.
public enum ONNXImporter {
    /// Reads and converts an ONNX file. The model is named after the graph, or the file.
    /// - Parameter url: The `.onnx` file.
    /// - Throws: ``ONNXImportError/notAModel(reason:)`` for bytes that are not an ONNX `ModelProto` with a
    ///   graph; ``ONNXImportError/unsupportedOperator(op:node:)``, ``ONNXImportError/unsupportedPattern(node:reason:)``,
    ///   ``ONNXImportError/missingInitializer(name:node:)``, ``ONNXImportError/shapeMismatch(node:detail:)``,
    ///   ``ONNXImportError/badTensor(name:reason:)`` and ``ONNXImportError/unsupportedGraph(reason:)``
    ///   naming the node or tensor the importer cannot turn into an MLP.
    ///   An unreadable file is ``ONNXImportError/notAModel(reason:)``.
    public static func load(contentsOf url: URL) throws -> MLPModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ONNXImportError.notAModel(reason: "cannot read \(url.path)")
        }
        return try model(from: data, name: nil, fallbackName: url.deletingPathExtension().lastPathComponent)
    }

    /// Converts the bytes of an ONNX file (a serialized `ModelProto`).
    /// - Parameters:
    ///   - bytes: The file's bytes.
    ///   - name: The model's name (default: the graph's name).
    /// - Throws: ``ONNXImportError/notAModel(reason:)`` for bytes that are not an ONNX `ModelProto` with a
    ///   graph; ``ONNXImportError/unsupportedOperator(op:node:)``, ``ONNXImportError/unsupportedPattern(node:reason:)``,
    ///   ``ONNXImportError/missingInitializer(name:node:)``, ``ONNXImportError/shapeMismatch(node:detail:)``,
    ///   ``ONNXImportError/badTensor(name:reason:)`` and ``ONNXImportError/unsupportedGraph(reason:)``
    ///   naming the node or tensor the importer cannot turn into an MLP.
    public static func model(from bytes: [UInt8], name: String? = nil) throws -> MLPModel {
        try model(from: Data(bytes), name: name)
    }

    /// Converts the bytes of an ONNX file (a serialized `ModelProto`).
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - name: The model's name (default: the graph's name).
    /// - Throws: ``ONNXImportError/notAModel(reason:)`` for bytes that are not an ONNX `ModelProto` with a
    ///   graph; ``ONNXImportError/unsupportedOperator(op:node:)``, ``ONNXImportError/unsupportedPattern(node:reason:)``,
    ///   ``ONNXImportError/missingInitializer(name:node:)``, ``ONNXImportError/shapeMismatch(node:detail:)``,
    ///   ``ONNXImportError/badTensor(name:reason:)`` and ``ONNXImportError/unsupportedGraph(reason:)``
    ///   naming the node or tensor the importer cannot turn into an MLP.
    public static func model(from data: Data, name: String? = nil) throws -> MLPModel {
        try model(from: data, name: name, fallbackName: "onnx-model")
    }

    static func model(from data: Data, name: String?, fallbackName: String) throws -> MLPModel {
        try model(from: try decode(data), name: name, fallbackName: fallbackName)
    }

    static func decode(_ data: Data) throws -> Onnx_ModelProto {
        guard !data.isEmpty else { throw ONNXImportError.notAModel(reason: "the file is empty") }
        let proto: Onnx_ModelProto
        do {
            proto = try Onnx_ModelProto(serializedBytes: data)
        } catch {
            throw ONNXImportError.notAModel(reason: "the bytes are not a protobuf ModelProto (\(error))")
        }
        guard proto.hasGraph, !proto.graph.node.isEmpty else {
            throw ONNXImportError.notAModel(
                reason: "no graph with nodes in the ModelProto (truncated or not an ONNX file?)")
        }
        return proto
    }

    static func model(from proto: Onnx_ModelProto, name: String?, fallbackName: String) throws -> MLPModel {
        let index = try ONNXGraphIndex(proto.graph)
        var walker = try ONNXGraphWalker(index)
        try walker.run()

        let layers = walker.layers
        var width = walker.inputSize
        for (k, layer) in layers.enumerated() {
            guard layer.inputSize == width, layer.bias.count == layer.outputSize else {
                throw ONNXImportError.shapeMismatch(
                    node: "layer \(k)", detail: "layer takes \(layer.inputSize) inputs, the previous width is \(width)")
            }
            width = layer.outputSize
        }
        let probabilities = walker.tail ?? .none
        let task: MLPModel.Task = probabilities == .none && walker.labels == nil ? .regression : .classification
        let modelName = name ?? (proto.graph.name.isEmpty ? fallbackName : proto.graph.name)
        return MLPModel(
            name: modelName, task: task, inputSize: walker.inputSize, scaler: walker.scaler,
            layers: layers,
            output: OutputTail(probabilities: probabilities, labels: task == .classification ? walker.labels : nil))
    }
}
