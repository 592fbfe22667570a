import Foundation
import HefML

/// Walks an ONNX graph in topological order and interprets it as an MLP.
///
/// The graph is a chain on one "feature stream" from the input. Linear operations on it
/// (`MatMul`/`Gemm` with constant weights, `Add`/`Sub`/`Mul`/`Div`/`Neg` with constants,
/// `Scaler`) accumulate into an `AffineMap`; an activation (`Relu`, `Tanh`, `Sigmoid`, `Gelu`,
/// `Mul(x, x)`, `Pow(x, 2)`, `x·Sigmoid(x)`) closes the accumulated map into a dense layer.
/// Element-wise operations before the first matrix become the scaler. After the last matrix
/// a `Softmax`/`LogSoftmax`, `Sigmoid` or `ArgMax` starts the output tail: from there on the
/// nodes only compute probabilities and labels for the client, and the importer only reads
/// class labels out of them.
struct ONNXGraphWalker {
    /// What a tensor name stands for.
    enum Value {
        case constant(ONNXTensor)
        /// The feature stream at a generation; every operation that changes it starts a new one.
        case stream(Int)
        /// `Sigmoid` of the stream at a generation, not yet closed into a layer (it may be the
        /// gate of a SiLU `x · Sigmoid(x)`).
        case deferredSigmoid(Int)
        /// Computed from the scores in the output tail (probabilities, labels).
        case tail
    }

    private var values: [String: Value] = [:]
    private var initializers: [String: Onnx_TensorProto]
    private var generation = 0
    private var pending: AffineMap
    private(set) var scaler: Scaler?
    private(set) var layers: [DenseLayer] = []
    private var appliedMatrix = false
    private(set) var tail: OutputTail.Probabilities?
    private(set) var labels: [String]?
    let inputSize: Int
    private let nodes: [Onnx_NodeProto]
    private let lastMatrixIndex: Int
    private var consumers: [String: [Int]] = [:]

    init(_ index: ONNXGraphIndex) throws {
        initializers = index.initializers
        nodes = index.nodes
        lastMatrixIndex = nodes.lastIndex { $0.opType == "MatMul" || $0.opType == "Gemm" } ?? -1
        for (i, node) in nodes.enumerated() {
            for input in node.input where !input.isEmpty { consumers[input, default: []].append(i) }
        }
        guard let n = index.declaredInputSize ?? Self.inferInputSize(nodes, index.initializers) else {
            throw ONNXImportError.unsupportedGraph(
                reason:
                    "cannot tell the number of input features: input \"\(index.inputName)\" has no fixed shape and no MatMul/Gemm weights follow it"
            )
        }
        guard n <= ONNXGraphIndex.maximumInputSize else {
            throw ONNXImportError.unsupportedGraph(
                reason:
                    "the weights after input \"\(index.inputName)\" take \(n) features (at most \(ONNXGraphIndex.maximumInputSize))"
            )
        }
        inputSize = n
        pending = .identity(n)
        values[index.inputName] = .stream(0)
    }

    /// Input width from the first weights when the input's shape is symbolic.
    private static func inferInputSize(_ nodes: [Onnx_NodeProto], _ initializers: [String: Onnx_TensorProto]) -> Int? {
        for node in nodes {
            switch node.opType {
            case "MatMul", "Gemm":
                guard node.input.count >= 2, let w = initializers[node.input[1]], w.dims.count == 2 else { return nil }
                let transB = node.opType == "Gemm" && node.intAttribute("transB", default: 0) != 0
                let n = Int(transB ? w.dims[1] : w.dims[0])
                return n > 0 ? n : nil
            case "Scaler":
                let n = max(node.floatsAttribute("offset")?.count ?? 0, node.floatsAttribute("scale")?.count ?? 0)
                if n > 1 { return n }
            default: continue
            }
        }
        return nil
    }

    // MARK: Walking

    mutating func run() throws {
        for (index, node) in nodes.enumerated() { try visit(node, at: index) }
        if tail == nil { try finishLayers(at: nodes.last?.displayName ?? "?") }
        guard appliedMatrix else {
            throw ONNXImportError.unsupportedGraph(
                reason: "the graph has no dense layer (MatMul or Gemm with constant weights)")
        }
        if let labels {
            let expected = tail == .sigmoid && layers.last?.outputSize == 1 ? 2 : (layers.last?.outputSize ?? 0)
            if labels.count != expected { self.labels = nil }
        }
    }

    private mutating func value(_ name: String, node: Onnx_NodeProto) throws -> Value {
        if let v = values[name] { return v }
        if let proto = initializers[name] {
            let v = Value.constant(try ONNXTensor(proto, name: name))
            values[name] = v
            return v
        }
        throw ONNXImportError.missingInitializer(name: name, node: node.displayName)
    }

    private mutating func visit(_ node: Onnx_NodeProto, at index: Int) throws {
        if node.opType == "Constant" {
            try setOutputs(node, .constant(try ONNXConstantFolding.constantNode(node)))
            return
        }
        var inputs = try node.input.map { $0.isEmpty ? nil : try value($0, node: node) }
        let isData: (Value?) -> Bool = {
            switch $0 {
            case .stream?, .deferredSigmoid?, .tail?: return true
            default: return false
            }
        }
        if !inputs.contains(where: isData) {
            let constants = inputs.map { v -> ONNXTensor? in
                if case .constant(let t)? = v { return t } else { return nil }
            }
            try setOutputs(node, .constant(try ONNXConstantFolding.evaluate(node, constants)))
            return
        }
        if tail != nil || inputs.contains(where: { if case .tail? = $0 { return true } else { return false } }) {
            try visitTail(node, inputs)
            return
        }
        // A deferred Sigmoid used by anything but its SiLU product becomes a sigmoid layer.
        if !(node.opType == "Mul" && isSiLU(inputs)) {
            for (i, v) in inputs.enumerated() {
                if case .deferredSigmoid(let g)? = v {
                    try materializeSigmoid(g, name: node.input[i], node: node)
                    inputs[i] = .stream(generation)
                }
            }
        }
        try visitStream(node, inputs, at: index)
    }

    private mutating func setOutputs(_ node: Onnx_NodeProto, _ first: Value) throws {
        guard let out = node.output.first, !out.isEmpty else { return }
        values[out] = first
        for extra in node.output.dropFirst() where !extra.isEmpty { values[extra] = .tail }
    }

    // MARK: The feature stream

    private func isSiLU(_ inputs: [Value?]) -> Bool {
        guard inputs.count == 2 else { return false }
        switch (inputs[0], inputs[1]) {
        case (.stream(let a)?, .deferredSigmoid(let b)?), (.deferredSigmoid(let b)?, .stream(let a)?):
            return a == b && a == generation
        default: return false
        }
    }

    private mutating func materializeSigmoid(_ g: Int, name: String, node: Onnx_NodeProto) throws {
        guard g == generation else { throw stale(name, node) }
        try closeLayer(.sigmoid)
        values[name] = .stream(generation)
    }

    private func stale(_ name: String, _ node: Onnx_NodeProto) -> ONNXImportError {
        .unsupportedPattern(
            node: node.displayName,
            reason:
                "it uses \"\(name)\", an earlier value of the features; branching graphs (residual connections, several paths) are not supported"
        )
    }

    /// Position of the one stream operand; checks that it is the current value.
    private func streamOperand(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws -> Int {
        let positions = inputs.indices.filter { if case .stream? = inputs[$0] { return true } else { return false } }
        guard positions.count == 1, let p = positions.first else {
            throw ONNXImportError.unsupportedOperator(op: node.opType, node: node.displayName)
        }
        if case .stream(let g)? = inputs[p], g != generation { throw stale(node.input[p], node) }
        return p
    }

    private func constantOperand(_ node: Onnx_NodeProto, _ inputs: [Value?], at i: Int) throws -> ONNXTensor {
        guard i < inputs.count, case .constant(let t)? = inputs[i] else {
            throw ONNXImportError.unsupportedOperator(op: node.opType, node: node.displayName)
        }
        guard t.strings == nil else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "string tensor \"\(t.name)\" used as a number")
        }
        return t
    }

    /// A constant broadcast over the features: one value, or one per feature.
    private func broadcast(_ t: ONNXTensor, _ width: Int, _ node: Onnx_NodeProto) throws -> [Double] {
        if t.count == 1 { return [Double](repeating: t.values[0], count: width) }
        guard t.count == width, t.shape.last == width else {
            throw ONNXImportError.shapeMismatch(
                node: node.displayName,
                detail: "constant \"\(t.name)\" has shape \(t.shape), the features have width \(width)")
        }
        return t.values
    }

    private mutating func advance(_ node: Onnx_NodeProto) throws {
        generation += 1
        try setOutputs(node, .stream(generation))
    }

    private mutating func alias(_ node: Onnx_NodeProto) throws {
        try setOutputs(node, .stream(generation))
    }

    private mutating func visitStream(_ node: Onnx_NodeProto, _ inputs: [Value?], at index: Int) throws {
        switch node.opType {
        case "Identity", "Dropout": try visitIdentity(node, inputs)
        case "Cast": try visitCast(node, inputs)
        case "Flatten": try visitFlatten(node, inputs)
        case "Reshape": try visitReshape(node, inputs)
        case "Add", "Sub", "Mul", "Div": try visitArithmetic(node, inputs)
        case "BatchNormalization": try visitBatchNormalization(node, inputs)
        case "Neg": try visitNeg(node, inputs)
        case "Scaler": try visitScaler(node, inputs)
        case "MatMul": try visitMatMul(node, inputs)
        case "Gemm": try visitGemm(node, inputs)
        case "Relu": try visitRelu(node, inputs)
        case "Tanh": try visitTanh(node, inputs)
        case "Gelu": try visitGelu(node, inputs)
        case "Pow": try visitPow(node, inputs)
        case "Sigmoid": try visitSigmoid(node, inputs, at: index)
        case "Softmax", "LogSoftmax": try visitSoftmax(node, inputs, at: index)
        case "ArgMax": try visitArgMax(node, inputs)
        default:
            throw ONNXImportError.unsupportedOperator(op: node.opType, node: node.displayName)
        }
    }

    /// Identity and Dropout (inference): the features pass through.
    private mutating func visitIdentity(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        try alias(node)
    }

    /// Cast to a floating-point type: the features pass through.
    private mutating func visitCast(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        guard ONNXDataType.isFloatingPoint(Int64(node.intAttribute("to", default: Int(ONNXDataType.float)))) else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "Cast of the features to a non-floating-point type")
        }
        try alias(node)
    }

    /// Flatten: one sample per row already, the features pass through.
    private mutating func visitFlatten(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        try alias(node)
    }

    /// Reshape that keeps one sample of `width` features per row.
    private mutating func visitReshape(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let op = node.opType
        let width = pending.outputSize
        let s = try streamOperand(node, inputs)
        guard s == 0 else { throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName) }
        let target = try constantOperand(node, inputs, at: 1).integers(node: node.displayName)
        // Keeps one sample per row: [-1 or batch, width] or [width].
        let features = target.count == 1 ? target : Array(target.dropFirst())
        let known = ONNXTensor.product(features.filter { $0 > 0 })
        let wildcard = features.contains { $0 <= 0 }
        guard let known, wildcard ? width % known == 0 : known == width,
            target.count == 1 || [-1, 0, 1].contains(target[0])
        else {
            throw ONNXImportError.shapeMismatch(
                node: node.displayName, detail: "Reshape to \(target) does not keep \(width) features per sample")
        }
        try alias(node)
    }

    /// Add, Sub, Mul, Div: SiLU gating, x·x (square), x + x, or an affine map with a constant.
    private mutating func visitArithmetic(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let op = node.opType
        let width = pending.outputSize
        guard inputs.count == 2 else { throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName) }
        if op == "Mul", isSiLU(inputs) {
            try closeLayer(.silu)
            try setOutputs(node, .stream(generation))
            return
        }
        if case .stream(let a)? = inputs[0], case .stream(let b)? = inputs[1] {
            guard a == generation else { throw stale(node.input[0], node) }
            guard b == generation else { throw stale(node.input[1], node) }
            switch op {
            case "Mul":
                try closeLayer(.square)
                try setOutputs(node, .stream(generation))
            case "Add":
                pending.scale(by: [Double](repeating: 2, count: width))
                try advance(node)
            default: throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName)
            }
            return
        }
        let s = try streamOperand(node, inputs)
        let c = try broadcast(try constantOperand(node, inputs, at: 1 - s), width, node)
        switch (op, s) {
        case ("Add", _): pending.shift(by: c)
        case ("Sub", 0): pending.shift(by: c.map { -$0 })
        case ("Sub", _):
            pending.scale(by: [Double](repeating: -1, count: width))
            pending.shift(by: c)
        case ("Mul", _): pending.scale(by: c)
        case ("Div", 0):
            guard c.allSatisfy({ $0 != 0 }) else {
                throw ONNXImportError.unsupportedPattern(node: node.displayName, reason: "division by zero")
            }
            pending.scale(by: c.map { 1 / $0 })
        default:
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "Div of a constant by the features (1/x)")
        }
        try advance(node)
    }

    /// BatchNormalization in inference mode: an affine map per feature.
    private mutating func visitBatchNormalization(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let width = pending.outputSize
        // Inference mode (torch's BatchNorm1d exported with eval()): per feature
        // (x − mean) / √(var + ε) · γ + β, an affine map folded like the others.
        guard inputs.count == 5, case .stream(let g)? = inputs[0] else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName,
                reason: "BatchNormalization needs the features and four constants (scale, bias, mean, var)")
        }
        guard g == generation else { throw stale(node.input[0], node) }
        guard node.output.count == 1 || node.output.dropFirst().allSatisfy(\.isEmpty),
            node.intAttribute("training_mode", default: 0) == 0
        else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "BatchNormalization in training mode")
        }
        let gamma = try broadcast(try constantOperand(node, inputs, at: 1), width, node)
        let beta = try broadcast(try constantOperand(node, inputs, at: 2), width, node)
        let mean = try broadcast(try constantOperand(node, inputs, at: 3), width, node)
        let variance = try broadcast(try constantOperand(node, inputs, at: 4), width, node)
        let epsilon = node.floatAttribute("epsilon", default: 1e-5)
        let factors = zip(gamma, variance).map { $0 / ($1 + epsilon).squareRoot() }
        guard factors.allSatisfy(\.isFinite), variance.allSatisfy({ $0 + epsilon > 0 }) else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "BatchNormalization with a negative or non-finite variance")
        }
        pending.shift(by: mean.map { -$0 })
        pending.scale(by: factors)
        pending.shift(by: beta)
        try advance(node)
    }

    /// Neg: the affine map x ↦ −x.
    private mutating func visitNeg(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let width = pending.outputSize
        _ = try streamOperand(node, inputs)
        pending.scale(by: [Double](repeating: -1, count: width))
        try advance(node)
    }

    /// skl2onnx Scaler: (x − offset) · scale per feature.
    private mutating func visitScaler(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let width = pending.outputSize
        _ = try streamOperand(node, inputs)
        let offset = node.floatsAttribute("offset") ?? [0]
        let scale = node.floatsAttribute("scale") ?? [1]
        func spread(_ v: [Double], _ what: String) throws -> [Double] {
            if v.count == 1 { return [Double](repeating: v[0], count: width) }
            guard v.count == width else {
                throw ONNXImportError.shapeMismatch(
                    node: node.displayName,
                    detail: "Scaler \(what) has \(v.count) values, the features have width \(width)")
            }
            return v
        }
        pending.shift(by: try spread(offset, "offset").map { -$0 })
        pending.scale(by: try spread(scale, "scale"))
        try advance(node)
    }

    /// MatMul of the features by constant [in][out] weights.
    private mutating func visitMatMul(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let op = node.opType
        let width = pending.outputSize
        guard inputs.count == 2, case .stream(let g)? = inputs[0], case .constant? = inputs[1] else {
            if inputs.count == 2, case .constant? = inputs[0] {
                throw ONNXImportError.unsupportedPattern(
                    node: node.displayName, reason: "MatMul with the constant on the left (weights · features)")
            }
            throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName)
        }
        guard g == generation else { throw stale(node.input[0], node) }
        let w = try constantOperand(node, inputs, at: 1)
        let (rows, cols) = try matrixShape(w, node)
        guard rows == width else {
            throw ONNXImportError.shapeMismatch(
                node: node.displayName,
                detail: "weights \"\(w.name)\" are \(rows)×\(cols) ([in][out]), the features have width \(width)")
        }
        // ONNX MatMul weights are [in][out]; ours are [out][in].
        let weights = (0..<cols).map { o in (0..<rows).map { i in w.values[i * cols + o] } }
        applyMatrix(weights)
        try advance(node)
    }

    /// Gemm: alpha · features · B (or Bᵀ) + beta · C.
    private mutating func visitGemm(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let op = node.opType
        let width = pending.outputSize
        guard inputs.count >= 2, case .stream(let g)? = inputs[0], case .constant? = inputs[1] else {
            throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName)
        }
        guard g == generation else { throw stale(node.input[0], node) }
        guard node.intAttribute("transA", default: 0) == 0 else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "Gemm with transA = 1 on the features")
        }
        let alpha = node.floatAttribute("alpha", default: 1)
        let beta = node.floatAttribute("beta", default: 1)
        let transB = node.intAttribute("transB", default: 0) != 0
        let b = try constantOperand(node, inputs, at: 1)
        let (r, c) = try matrixShape(b, node)
        let (inSize, outSize) = transB ? (c, r) : (r, c)
        guard inSize == width else {
            throw ONNXImportError.shapeMismatch(
                node: node.displayName,
                detail:
                    "Gemm weights \"\(b.name)\" are \(r)×\(c) (transB = \(transB ? 1 : 0)), the features have width \(width)"
            )
        }
        let weights: [[Double]] =
            transB
            ? (0..<r).map { o in (0..<c).map { i in alpha * b.values[o * c + i] } }
            : (0..<c).map { o in (0..<r).map { i in alpha * b.values[i * c + o] } }
        applyMatrix(weights)
        if inputs.count >= 3, inputs[2] != nil {
            let bias = try broadcast(try constantOperand(node, inputs, at: 2), outSize, node)
            pending.shift(by: bias.map { beta * $0 })
        }
        try advance(node)
    }

    /// Relu: closes the pending layer with a ReLU activation.
    private mutating func visitRelu(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        try closeLayer(.relu)
        try setOutputs(node, .stream(generation))
    }

    /// Tanh: closes the pending layer with a tanh activation.
    private mutating func visitTanh(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        try closeLayer(.tanh)
        try setOutputs(node, .stream(generation))
    }

    /// Gelu (exact erf form): closes the pending layer with a GELU activation.
    private mutating func visitGelu(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        _ = try streamOperand(node, inputs)
        guard (node.stringAttribute("approximate") ?? "none") == "none" else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName,
                reason:
                    "Gelu with approximate = \"\(node.stringAttribute("approximate") ?? "")\" (only the exact erf form)"
            )
        }
        try closeLayer(.gelu)
        try setOutputs(node, .stream(generation))
    }

    /// Pow with a constant exponent: 1 passes through, 2 is the square activation.
    private mutating func visitPow(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let s = try streamOperand(node, inputs)
        guard s == 0, let e = try constantOperand(node, inputs, at: 1).scalar else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "Pow needs the features as base and one constant exponent")
        }
        switch e {
        case 1: try alias(node)
        case 2:
            try closeLayer(.square)
            try setOutputs(node, .stream(generation))
        default:
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "Pow with exponent \(e) (only 2, the square, is supported)")
        }
    }

    /// Sigmoid: half of a SiLU, the output tail after the last matrix, or a layer activation.
    private mutating func visitSigmoid(_ node: Onnx_NodeProto, _ inputs: [Value?], at index: Int) throws {
        _ = try streamOperand(node, inputs)
        let out = node.output.first ?? ""
        let gatesSiLU = (consumers[out] ?? []).contains { i in
            nodes[i].opType == "Mul" && nodes[i].input.contains(node.input[0]) && nodes[i].input.contains(out)
        }
        if gatesSiLU {
            try setOutputs(node, .deferredSigmoid(generation))
        } else if index > lastMatrixIndex {
            try startTail(.sigmoid, node)
            try setOutputs(node, .tail)
        } else {
            try closeLayer(.sigmoid)
            try setOutputs(node, .stream(generation))
        }
    }

    /// Softmax or LogSoftmax: the output tail (only after the last matrix).
    private mutating func visitSoftmax(_ node: Onnx_NodeProto, _ inputs: [Value?], at index: Int) throws {
        let op = node.opType
        _ = try streamOperand(node, inputs)
        guard index > lastMatrixIndex else {
            throw ONNXImportError.unsupportedPattern(
                node: node.displayName, reason: "\(op) between layers (only as the output)")
        }
        try startTail(.softmax, node)
        try setOutputs(node, .tail)
    }

    /// ArgMax: the output tail (labels from the scores).
    private mutating func visitArgMax(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let width = pending.outputSize
        _ = try streamOperand(node, inputs)
        try startTail(width == 1 ? .sigmoid : .softmax, node)
        try setOutputs(node, .tail)
    }

    private func matrixShape(_ w: ONNXTensor, _ node: Onnx_NodeProto) throws -> (Int, Int) {
        switch w.shape.count {
        case 1: return (w.shape[0], 1)
        case 2: return (w.shape[0], w.shape[1])
        default:
            throw ONNXImportError.shapeMismatch(
                node: node.displayName,
                detail: "weights \"\(w.name)\" have shape \(w.shape); a dense layer needs a matrix")
        }
    }

    /// Element-wise pre-processing before the first matrix becomes the scaler.
    private mutating func applyMatrix(_ weights: [[Double]]) {
        if !appliedMatrix, layers.isEmpty, scaler == nil, !pending.isIdentity, let s = pending.asScaler {
            scaler = s
            pending = .identity(pending.outputSize)
        }
        appliedMatrix = true
        pending.multiply(by: weights)
    }

    /// Largest layer materialised from a diagonal map (2^24 weights: 4096 × 4096).
    static let maximumLayerWeights = 1 << 24

    /// Ends the current layer with an activation.
    private mutating func closeLayer(_ activation: Activation) throws {
        // A layer closed while the map is still diagonal (an activation before any matrix)
        // materialises the diagonal as inputSize² weights: refuse absurd sizes.
        let (size, overflow) = pending.inputSize.multipliedReportingOverflow(by: pending.outputSize)
        guard !pending.isDiagonal || (!overflow && size <= Self.maximumLayerWeights) else {
            throw ONNXImportError.unsupportedGraph(
                reason:
                    "layer \(layers.count + 1) would have \(pending.outputSize)×\(pending.inputSize) weights (at most \(Self.maximumLayerWeights))"
            )
        }
        layers.append(DenseLayer(weights: pending.weights, bias: pending.bias, activation: activation))
        pending = .identity(pending.outputSize)
        generation += 1
    }

    /// Ends the last layer (no activation) unless nothing linear follows the last activation.
    private mutating func finishLayers(at node: String) throws {
        if !(pending.isIdentity && !layers.isEmpty) { try closeLayer(.none) }
    }

    private mutating func startTail(_ kind: OutputTail.Probabilities, _ node: Onnx_NodeProto) throws {
        try finishLayers(at: node.displayName)
        tail = kind
    }

    // MARK: The output tail

    /// Operators that may follow the scores: they turn them into probabilities and labels.
    static let tailOperators: Set<String> = [
        "Identity", "Cast", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Sub", "Add",
        "Mul", "Div", "Neg", "ArgMax", "ArrayFeatureExtractor", "LabelEncoder", "ZipMap",
        "Softmax", "LogSoftmax", "Sigmoid", "ReduceSum", "Gather", "Normalizer", "Transpose",
    ]

    private mutating func visitTail(_ node: Onnx_NodeProto, _ inputs: [Value?]) throws {
        let op = node.opType
        guard Self.tailOperators.contains(op) else {
            throw ONNXImportError.unsupportedOperator(op: op, node: node.displayName)
        }
        if tail == nil {
            // Reached from the stream: only label look-ups on an ArgMax-free graph get here.
            try startTail(.softmax, node)
        }
        switch op {
        case "ArrayFeatureExtractor", "Gather":
            // classes[argmax]: the class labels are the constant operand.
            if case .constant(let classes)? = inputs.first { labels = classes.labelStrings }
        case "ZipMap":
            if labels == nil {
                labels =
                    node.stringsAttribute("classlabels_strings")
                    ?? node.intsAttribute("classlabels_int64s")?.map { String($0) }
            }
        case "LabelEncoder":
            applyLabelEncoder(node)
        default:
            break
        }
        try setOutputs(node, .tail)
    }

    /// ai.onnx.ml LabelEncoder: maps labels (or class indices) to other labels.
    private mutating func applyLabelEncoder(_ node: Onnx_NodeProto) {
        let keys =
            node.stringsAttribute("keys_strings")
            ?? node.intsAttribute("keys_int64s")?.map { String($0) }
            ?? node.floatsAttribute("keys_floats")?.map(ONNXTensor.labelString)
        let mapped =
            node.stringsAttribute("values_strings")
            ?? node.intsAttribute("values_int64s")?.map { String($0) }
            ?? node.floatsAttribute("values_floats")?.map(ONNXTensor.labelString)
        guard let keys, let mapped, keys.count == mapped.count else { return }
        let table = Dictionary(zip(keys, mapped), uniquingKeysWith: { first, _ in first })
        if let current = labels {
            labels = current.map { table[$0] ?? $0 }
        } else {
            // Keys 0, 1, … are class indices.
            let width = layers.last?.outputSize ?? 0
            let n = tail == .sigmoid && width == 1 ? 2 : width
            let indices = (0..<n).map(String.init)
            if indices.allSatisfy({ table[$0] != nil }) { labels = indices.map { table[$0]! } }
        }
    }
}
