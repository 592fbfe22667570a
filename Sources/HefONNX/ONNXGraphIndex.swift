import Foundation
import HefML

/// The parts of a `GraphProto` the importer walks: its one feature input, its initializers,
/// and its nodes in topological order.
struct ONNXGraphIndex {
    var inputName: String
    /// Features per sample from the input's declared shape, when it is fully known.
    var declaredInputSize: Int?
    var initializers: [String: Onnx_TensorProto]
    var nodes: [Onnx_NodeProto]

    init(_ graph: Onnx_GraphProto) throws {
        var initializers: [String: Onnx_TensorProto] = [:]
        for tensor in graph.initializer { initializers[tensor.name] = tensor }
        self.initializers = initializers

        // Before IR version 4, initializers were listed among the inputs as well.
        let inputs = graph.input.filter { initializers[$0.name] == nil }
        guard let input = inputs.first else {
            throw ONNXImportError.unsupportedGraph(reason: "the graph has no input")
        }
        guard inputs.count == 1 else {
            throw ONNXImportError.unsupportedGraph(
                reason:
                    "the graph has \(inputs.count) inputs (\(inputs.map(\.name).joined(separator: ", "))); Hef imports models with one feature vector"
            )
        }
        inputName = input.name
        declaredInputSize = Self.featureCount(input.type)
        if let n = declaredInputSize, n > Self.maximumInputSize {
            throw ONNXImportError.unsupportedGraph(
                reason: "input \"\(input.name)\" has \(n) features (at most \(Self.maximumInputSize))")
        }
        nodes = try Self.topologicalOrder(graph.node, available: Set(initializers.keys).union([input.name]))
        guard !nodes.isEmpty else { throw ONNXImportError.unsupportedGraph(reason: "the graph has no nodes") }
    }

    /// More features than any model Hef can evaluate (guards against corrupt shapes).
    static let maximumInputSize = 1 << 20

    /// Product of the non-batch dimensions of a tensor type, when all are known.
    static func featureCount(_ type: Onnx_TypeProto) -> Int? {
        guard case .tensorType(let tensor)? = type.value, tensor.hasShape else { return nil }
        let dims = tensor.shape.dim.map { dim -> Int? in
            if case .dimValue(let v)? = dim.value, v > 0 { return Int(v) }
            return nil
        }
        switch dims.count {
        case 0: return nil
        case 1: return dims[0]
        default:
            var product = 1
            for d in dims.dropFirst() {
                guard let d, d <= ONNXTensor.maximumCount else { return nil }
                product *= d
                guard product <= ONNXTensor.maximumCount else { return nil }
            }
            return product
        }
    }

    /// Kahn's algorithm, keeping the file's order where it is already topological (the ONNX
    /// specification requires it, not every writer does).
    static func topologicalOrder(_ nodes: [Onnx_NodeProto], available start: Set<String>) throws -> [Onnx_NodeProto] {
        var produced: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for output in node.output where !output.isEmpty { produced[output] = index }
        }
        // Every input must come from somewhere.
        for node in nodes {
            for input in node.input where !input.isEmpty && !start.contains(input) && produced[input] == nil {
                throw ONNXImportError.missingInitializer(name: input, node: node.displayName)
            }
        }
        var available = start
        var done = [Bool](repeating: false, count: nodes.count)
        var order: [Onnx_NodeProto] = []
        order.reserveCapacity(nodes.count)
        var progress = true
        while progress && order.count < nodes.count {
            progress = false
            for (index, node) in nodes.enumerated() where !done[index] {
                if node.input.allSatisfy({ $0.isEmpty || available.contains($0) }) {
                    done[index] = true
                    order.append(node)
                    for output in node.output where !output.isEmpty { available.insert(output) }
                    progress = true
                }
            }
        }
        if let stuck = nodes.indices.first(where: { !done[$0] }) {
            throw ONNXImportError.unsupportedGraph(
                reason: "the graph has a cycle through node \"\(nodes[stuck].displayName)\"")
        }
        return order
    }
}
