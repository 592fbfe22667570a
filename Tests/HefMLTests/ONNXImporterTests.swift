import Foundation
import HefCKKS
import Testing

@testable import HefML
@testable import HefONNX

// MARK: Building ONNX files in the test

/// Small helpers over the generated protobuf types.
enum ONNX {
    enum Storage { case floatData, rawFloat, rawDouble, doubleData }

    static func tensor(_ name: String, _ dims: [Int], _ values: [Double], _ storage: Storage = .floatData)
        -> Onnx_TensorProto
    {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        switch storage {
        case .floatData:
            t.dataType = 1
            t.floatData = values.map(Float.init)
        case .doubleData:
            t.dataType = 11
            t.doubleData = values
        case .rawFloat:
            t.dataType = 1
            var bytes = Data()
            for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            t.rawData = bytes
        case .rawDouble:
            t.dataType = 11
            var bytes = Data()
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
            t.rawData = bytes
        }
        return t
    }

    static func int64Tensor(_ name: String, _ dims: [Int], _ values: [Int64], raw: Bool = false) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims.map(Int64.init)
        t.dataType = 7
        if raw {
            var bytes = Data()
            for v in values { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
            t.rawData = bytes
        } else {
            t.int64Data = values
        }
        return t
    }

    static func stringTensor(_ name: String, _ values: [String]) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [Int64(values.count)]
        t.dataType = 8
        t.stringData = values.map { Data($0.utf8) }
        return t
    }

    static func attr(_ name: String, int: Int) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .int
        a.i = Int64(int)
        return a
    }
    static func attr(_ name: String, float: Double) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .float
        a.f = Float(float)
        return a
    }
    static func attr(_ name: String, floats: [Double]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .floats
        a.floats = floats.map(Float.init)
        return a
    }
    static func attr(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .ints
        a.ints = ints
        return a
    }
    static func attr(_ name: String, strings: [String]) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .strings
        a.strings = strings.map { Data($0.utf8) }
        return a
    }
    static func attr(_ name: String, tensor: Onnx_TensorProto) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        a.type = .tensor
        a.t = tensor
        return a
    }

    static func node(
        _ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
        domain: String = "", _ attributes: [Onnx_AttributeProto] = []
    ) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.input = inputs
        n.output = outputs
        n.name = name
        n.domain = domain
        n.attribute = attributes
        return n
    }

    static func valueInfo(_ name: String, _ dims: [Int?]) -> Onnx_ValueInfoProto {
        var shape = Onnx_TensorShapeProto()
        shape.dim = dims.map { d in
            var dim = Onnx_TensorShapeProto.Dimension()
            if let d { dim.dimValue = Int64(d) } else { dim.dimParam = "batch" }
            return dim
        }
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = 1
        tensor.shape = shape
        var type = Onnx_TypeProto()
        type.tensorType = tensor
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type = type
        return info
    }

    static func model(
        _ nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto], inputWidth: Int?,
        outputs: [String], name: String = "test-graph"
    ) throws -> Data {
        var graph = Onnx_GraphProto()
        graph.name = name
        graph.node = nodes
        graph.initializer = initializers
        graph.input = [valueInfo("input", [nil, inputWidth])]
        graph.output = outputs.map { valueInfo($0, [nil]) }
        var model = Onnx_ModelProto()
        model.irVersion = 8
        model.producerName = "HefMLTests"
        var opset = Onnx_OperatorSetIdProto()
        opset.version = 17
        model.opsetImport = [opset]
        model.graph = graph
        return try model.serializedData()
    }
}

// MARK: Direct computation

/// Deterministic weights in [−1, 1].
private func numbers(_ count: Int, seed: UInt64) -> [Double] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53) * 2 - 1
    }
}

/// x·W + b with W given row-major as [in][out].
private func affineInOut(_ x: [Double], _ w: [Double], _ b: [Double]) -> [Double] {
    let out = b.count
    return (0..<out).map { o in b[o] + x.indices.reduce(0) { $0 + x[$1] * w[$1 * out + o] } }
}

/// W·x + b with W given row-major as [out][in].
private func affineOutIn(_ x: [Double], _ w: [Double], _ b: [Double]) -> [Double] {
    let n = x.count
    return b.indices.map { o in b[o] + x.indices.reduce(0) { $0 + w[o * n + $1] * x[$1] } }
}

/// Float32-rounded, as stored in float tensors.
private func f32(_ v: [Double]) -> [Double] { v.map { Double(Float($0)) } }

private func expectClose(
    _ a: [Double], _ b: [Double], tolerance: Double, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(a.count == b.count, comment, sourceLocation: sourceLocation)
    let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
    #expect(
        worst <= tolerance, "max relative difference \(worst) \(comment.map { "\($0)" } ?? "")",
        sourceLocation: sourceLocation)
}

private func fixtureURL(_ name: String, _ ext: String) throws -> URL {
    try #require(
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"),
        "missing fixture \(name).\(ext)")
}

private func csvRows(_ name: String) throws -> [[Double]] {
    let text = try String(contentsOf: try fixtureURL(name, "csv"), encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).map { line in
        line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
    }
}

// MARK: Synthetic graphs

@Suite("ONNX importer")
struct ONNXImporterTests {
    @Test("torch-style Gemm (transB = 1, alpha, beta) → Relu → Gemm (transB = 0) → Sigmoid")
    func gemmNetwork() throws {
        let (n, h) = (5, 4)
        let w1 = f32(numbers(h * n, seed: 1))
        let b1 = f32(numbers(h, seed: 2)) // [out][in]
        let w2 = f32(numbers(h * 1, seed: 3))
        let b2 = f32(numbers(1, seed: 4)) // [in][out]
        let data = try ONNX.model(
            [
                ONNX.node(
                    "Gemm", ["input", "fc1.weight", "fc1.bias"], ["h"], name: "/fc1/Gemm",
                    [ONNX.attr("transB", int: 1), ONNX.attr("alpha", float: 0.5), ONNX.attr("beta", float: 2)]),
                ONNX.node("Relu", ["h"], ["a"], name: "/act/Relu"),
                ONNX.node("Gemm", ["a", "fc2.weight", "fc2.bias"], ["logit"], name: "/fc2/Gemm"),
                ONNX.node("Sigmoid", ["logit"], ["p"], name: "/out/Sigmoid"),
            ],
            initializers: [
                ONNX.tensor("fc1.weight", [h, n], w1, .rawFloat), ONNX.tensor("fc1.bias", [h], b1, .rawFloat),
                ONNX.tensor("fc2.weight", [h, 1], w2), ONNX.tensor("fc2.bias", [1], b2),
            ], inputWidth: n, outputs: ["p"])
        let model = try ONNXImporter.model(from: data)
        #expect(model.name == "test-graph")
        #expect(model.task == .classification)
        #expect(model.inputSize == n)
        #expect(model.scaler == nil)
        #expect(model.layers.map(\.activation) == [.relu, .none])
        #expect(model.output.probabilities == .sigmoid)
        for (k, x) in (0..<6).map({ numbers(n, seed: 100 + UInt64($0)) }).enumerated() {
            let hidden = affineOutIn(x, w1, b1).enumerated().map { o, _ in
                max(0, 0.5 * x.indices.reduce(0) { $0 + w1[o * n + $1] * x[$1] } + 2 * b1[o])
            }
            let logit = affineInOut(hidden, w2, b2)
            expectClose(model.scores(x), logit, tolerance: 1e-12, "row \(k)")
        }
    }

    @Test("MatMul + Add with Mul(x, x), Sub/Div at the input becoming the scaler")
    func matMulSquareNetwork() throws {
        let (n, h, k) = (6, 5, 3)
        let mean = f32(numbers(n, seed: 10))
        let scale = f32(numbers(n, seed: 11).map { 1.5 + $0 })
        let w1 = f32(numbers(n * h, seed: 12))
        let b1 = f32(numbers(h, seed: 13))
        let w2 = f32(numbers(h * k, seed: 14))
        let b2 = f32(numbers(k, seed: 15))
        let data = try ONNX.model(
            [
                ONNX.node("Sub", ["input", "mean"], ["centered"], name: "center"),
                ONNX.node("Div", ["centered", "scale"], ["scaled"], name: "standardize"),
                ONNX.node("MatMul", ["scaled", "W1"], ["xw1"], name: "fc1_matmul"),
                ONNX.node("Add", ["xw1", "b1"], ["z1"], name: "fc1_add"),
                ONNX.node("Mul", ["z1", "z1"], ["a1"], name: "square"),
                ONNX.node("MatMul", ["a1", "W2"], ["aw2"], name: "fc2_matmul"),
                ONNX.node("Add", ["b2", "aw2"], ["scores"], name: "fc2_add"),
            ],
            initializers: [
                ONNX.tensor("mean", [n], mean), ONNX.tensor("scale", [1, n], scale, .rawDouble),
                ONNX.tensor("W1", [n, h], w1, .doubleData), ONNX.tensor("b1", [1, h], b1),
                ONNX.tensor("W2", [h, k], w2, .rawFloat), ONNX.tensor("b2", [k], b2),
            ], inputWidth: n, outputs: ["scores"])
        let model = try ONNXImporter.model(from: data)
        #expect(model.task == .regression)
        #expect(model.output.probabilities == .none)
        #expect(model.output.labels == nil)
        let scaler = try #require(model.scaler)
        expectClose(scaler.mean, mean, tolerance: 1e-14)
        expectClose(scaler.scale, scale, tolerance: 1e-14)
        #expect(model.layers.map(\.activation) == [.square, .none])
        #expect(model.layers.map(\.outputSize) == [h, k])
        for x in (0..<6).map({ numbers(n, seed: 200 + UInt64($0)).map { $0 * 4 } }) {
            let standardized = x.indices.map { (x[$0] - mean[$0]) / scale[$0] }
            let hidden = affineInOut(standardized, w1, b1).map { $0 * $0 }
            expectClose(model.scores(x), affineInOut(hidden, w2, b2), tolerance: 1e-12)
        }
    }

    @Test("Flatten → Gemm → Pow(x, Constant 2) → Gemm → Identity, and Pow with an initializer exponent")
    func powNetwork() throws {
        let (n, h, k) = (4, 3, 2)
        let w1 = f32(numbers(h * n, seed: 20))
        let b1 = f32(numbers(h, seed: 21))
        let w2 = f32(numbers(k * h, seed: 22))
        let b2 = f32(numbers(k, seed: 23))
        for exponentFromConstantNode in [true, false] {
            var nodes = [
                ONNX.node("Flatten", ["input"], ["flat"], name: "/flatten/Flatten", [ONNX.attr("axis", int: 1)])
            ]
            if exponentFromConstantNode {
                nodes.append(
                    ONNX.node(
                        "Constant", [], ["two"], name: "/Constant",
                        [ONNX.attr("value", tensor: ONNX.tensor("", [], [2]))]))
            }
            nodes += [
                ONNX.node(
                    "Gemm", ["flat", "fc1.weight", "fc1.bias"], ["h"], name: "/fc1/Gemm", [ONNX.attr("transB", int: 1)]),
                ONNX.node("Pow", ["h", "two"], ["sq"], name: "/Pow"),
                ONNX.node(
                    "Gemm", ["sq", "fc2.weight", "fc2.bias"], ["y"], name: "/fc2/Gemm", [ONNX.attr("transB", int: 1)]),
                ONNX.node("Identity", ["y"], ["logits"], name: "/Identity"),
            ]
            var initializers = [
                ONNX.tensor("fc1.weight", [h, n], w1), ONNX.tensor("fc1.bias", [h], b1),
                ONNX.tensor("fc2.weight", [k, h], w2, .rawFloat), ONNX.tensor("fc2.bias", [k], b2, .rawFloat),
            ]
            if !exponentFromConstantNode { initializers.append(ONNX.tensor("two", [], [2], .rawFloat)) }
            let model = try ONNXImporter.model(
                from: try ONNX.model(nodes, initializers: initializers, inputWidth: n, outputs: ["logits"]))
            #expect(model.layers.map(\.activation) == [.square, .none])
            #expect(model.task == .regression)
            for x in (0..<5).map({ numbers(n, seed: 300 + UInt64($0)) }) {
                let hidden = affineOutIn(x, w1, b1).map { $0 * $0 }
                expectClose(model.scores(x), affineOutIn(hidden, w2, b2), tolerance: 1e-12)
            }
        }
    }

    @Test("skl2onnx-like Scaler → Cast → MatMul → Add → Tanh → MatMul → Add → Softmax → ArgMax → labels")
    func skl2onnxMulticlass() throws {
        let (n, h, k) = (4, 6, 3)
        let offset = f32(numbers(n, seed: 30))
        let invScale = f32(numbers(n, seed: 31).map { 0.5 + abs($0) })
        let w1 = f32(numbers(n * h, seed: 32))
        let b1 = f32(numbers(h, seed: 33))
        let w2 = f32(numbers(h * k, seed: 34))
        let b2 = f32(numbers(k, seed: 35))
        let labels = ["setosa", "versicolor", "virginica"]
        let ml = "ai.onnx.ml"
        let data = try ONNX.model(
            [
                ONNX.node(
                    "Scaler", ["input"], ["variable"], name: "Scaler", domain: ml,
                    [ONNX.attr("offset", floats: offset), ONNX.attr("scale", floats: invScale)]),
                ONNX.node("Cast", ["variable"], ["cast_input"], name: "Cast", [ONNX.attr("to", int: 1)]),
                ONNX.node("MatMul", ["cast_input", "coefficient"], ["mul_result"], name: "MatMul"),
                ONNX.node("Add", ["mul_result", "intercepts"], ["add_result"], name: "Add"),
                ONNX.node("Tanh", ["add_result"], ["next_activations"], name: "Tanh"),
                ONNX.node("MatMul", ["next_activations", "coefficient1"], ["mul_result1"], name: "MatMul1"),
                ONNX.node("Add", ["mul_result1", "intercepts1"], ["add_result1"], name: "Add1"),
                ONNX.node(
                    "Softmax", ["add_result1"], ["out_activations_result"], name: "Softmax", [ONNX.attr("axis", int: 1)]
                ),
                ONNX.node("Identity", ["out_activations_result"], ["probabilities"], name: "Identity"),
                ONNX.node(
                    "ArgMax", ["out_activations_result"], ["argmax_output"], name: "ArgMax", [ONNX.attr("axis", int: 1)]
                ),
                ONNX.node(
                    "ArrayFeatureExtractor", ["classes", "argmax_output"], ["array_feature_extractor_result"],
                    name: "ArrayFeatureExtractor", domain: ml),
                ONNX.node(
                    "Reshape", ["array_feature_extractor_result", "shape_tensor"], ["reshaped_result"], name: "Reshape"),
                ONNX.node("Identity", ["reshaped_result"], ["label"], name: "Identity1"),
            ],
            initializers: [
                ONNX.tensor("coefficient", [n, h], w1, .rawFloat), ONNX.tensor("intercepts", [1, h], b1, .rawFloat),
                ONNX.tensor("coefficient1", [h, k], w2, .rawFloat), ONNX.tensor("intercepts1", [1, k], b2, .rawFloat),
                ONNX.stringTensor("classes", labels), ONNX.int64Tensor("shape_tensor", [1], [-1], raw: true),
            ], inputWidth: n, outputs: ["label", "probabilities"])
        let model = try ONNXImporter.model(from: data)
        #expect(model.task == .classification)
        #expect(model.output == OutputTail(probabilities: .softmax, labels: labels))
        #expect(model.layers.map(\.activation) == [.tanh, .none])
        let scaler = try #require(model.scaler)
        expectClose(scaler.mean, offset, tolerance: 1e-14)
        expectClose(scaler.scale, invScale.map { 1 / $0 }, tolerance: 1e-14)
        for x in (0..<6).map({ numbers(n, seed: 400 + UInt64($0)).map { $0 * 3 } }) {
            let scaled = x.indices.map { (x[$0] - offset[$0]) * invScale[$0] }
            let hidden = affineInOut(scaled, w1, b1).map { Foundation.tanh($0) }
            expectClose(model.scores(x), affineInOut(hidden, w2, b2), tolerance: 1e-12)
        }
    }

    @Test("skl2onnx-like binary tail: Sigmoid → Sub(1, p) → Concat → ArgMax → int64 classes")
    func skl2onnxBinary() throws {
        let (n, h) = (3, 4)
        let w1 = f32(numbers(n * h, seed: 40))
        let b1 = f32(numbers(h, seed: 41))
        let w2 = f32(numbers(h, seed: 42))
        let b2 = f32(numbers(1, seed: 43))
        let ml = "ai.onnx.ml"
        let data = try ONNX.model(
            [
                ONNX.node("MatMul", ["input", "coefficient"], ["mul_result"], name: "MatMul"),
                ONNX.node("Add", ["mul_result", "intercepts"], ["add_result"], name: "Add"),
                ONNX.node("Relu", ["add_result"], ["next_activations"], name: "Relu"),
                ONNX.node("MatMul", ["next_activations", "coefficient1"], ["mul_result1"], name: "MatMul1"),
                ONNX.node("Add", ["mul_result1", "intercepts1"], ["add_result1"], name: "Add1"),
                ONNX.node("Sigmoid", ["add_result1"], ["out_activations_result"], name: "Sigmoid"),
                ONNX.node("Sub", ["unity", "out_activations_result"], ["negative_class_proba"], name: "Sub"),
                ONNX.node(
                    "Concat", ["negative_class_proba", "out_activations_result"], ["probabilities"], name: "Concat",
                    [ONNX.attr("axis", int: 1)]),
                ONNX.node("ArgMax", ["probabilities"], ["argmax_output"], name: "ArgMax", [ONNX.attr("axis", int: 1)]),
                ONNX.node(
                    "ArrayFeatureExtractor", ["classes", "argmax_output"], ["label"], name: "ArrayFeatureExtractor",
                    domain: ml),
            ],
            initializers: [
                ONNX.tensor("coefficient", [n, h], w1), ONNX.tensor("intercepts", [1, h], b1),
                ONNX.tensor("coefficient1", [h, 1], w2), ONNX.tensor("intercepts1", [1, 1], b2),
                ONNX.tensor("unity", [], [1]), ONNX.int64Tensor("classes", [2], [0, 1]),
            ], inputWidth: n, outputs: ["label", "probabilities"])
        let model = try ONNXImporter.model(from: data)
        #expect(model.output == OutputTail(probabilities: .sigmoid, labels: ["0", "1"]))
        #expect(model.task == .classification)
        #expect(model.layers.map(\.activation) == [.relu, .none])
        #expect(model.outputSize == 1)
        for x in (0..<6).map({ numbers(n, seed: 500 + UInt64($0)) }) {
            let hidden = affineInOut(x, w1, b1).map { max(0, $0) }
            expectClose(model.scores(x), affineInOut(hidden, w2, b2), tolerance: 1e-12)
        }
    }

    @Test("torch SiLU: Gemm → Sigmoid → Mul(x, sigmoid) → Gemm")
    func siluNetwork() throws {
        let (n, h, k) = (3, 4, 2)
        let w1 = f32(numbers(h * n, seed: 50))
        let b1 = f32(numbers(h, seed: 51))
        let w2 = f32(numbers(k * h, seed: 52))
        let b2 = f32(numbers(k, seed: 53))
        let data = try ONNX.model(
            [
                ONNX.node("Gemm", ["input", "w1", "b1"], ["h"], name: "fc1", [ONNX.attr("transB", int: 1)]),
                ONNX.node("Sigmoid", ["h"], ["s"], name: "silu_gate"),
                ONNX.node("Mul", ["h", "s"], ["a"], name: "silu_mul"),
                ONNX.node("Gemm", ["a", "w2", "b2"], ["y"], name: "fc2", [ONNX.attr("transB", int: 1)]),
                ONNX.node("Softmax", ["y"], ["p"], name: "softmax"),
            ],
            initializers: [
                ONNX.tensor("w1", [h, n], w1), ONNX.tensor("b1", [h], b1),
                ONNX.tensor("w2", [k, h], w2), ONNX.tensor("b2", [k], b2),
            ], inputWidth: n, outputs: ["p"])
        let model = try ONNXImporter.model(from: data)
        #expect(model.layers.map(\.activation) == [.silu, .none])
        #expect(model.output.probabilities == .softmax)
        for x in (0..<4).map({ numbers(n, seed: 600 + UInt64($0)) }) {
            let hidden = affineOutIn(x, w1, b1).map { $0 / (1 + exp(-$0)) }
            expectClose(model.scores(x), affineOutIn(hidden, w2, b2), tolerance: 1e-12)
        }
    }

    @Test("ArgMax on the logits → LabelEncoder (index → name) → ZipMap: softmax tail with labels")
    func labelEncoderTail() throws {
        let (n, k) = (3, 3)
        let w = f32(numbers(n * k, seed: 60))
        let b = f32(numbers(k, seed: 61))
        let ml = "ai.onnx.ml"
        let data = try ONNX.model(
            [
                ONNX.node("MatMul", ["input", "W"], ["xw"], name: "fc_matmul"),
                ONNX.node("Add", ["xw", "b"], ["logits"], name: "fc_add"),
                ONNX.node("ArgMax", ["logits"], ["index"], name: "argmax", [ONNX.attr("axis", int: 1)]),
                ONNX.node(
                    "LabelEncoder", ["index"], ["label"], name: "names", domain: ml,
                    [
                        ONNX.attr("keys_int64s", ints: [0, 1, 2]),
                        ONNX.attr("values_strings", strings: ["cat", "dog", "owl"]),
                    ]),
                ONNX.node(
                    "ZipMap", ["logits"], ["scores_map"], name: "zipmap", domain: ml,
                    [ONNX.attr("classlabels_strings", strings: ["x", "y", "z"])]),
            ], initializers: [ONNX.tensor("W", [n, k], w), ONNX.tensor("b", [k], b)], inputWidth: nil,
            outputs: ["label"])
        let model = try ONNXImporter.model(from: data, name: "animals")
        #expect(model.name == "animals")
        #expect(model.inputSize == n) // inferred from the weights: the input's width is symbolic
        #expect(model.task == .classification)
        #expect(model.output == OutputTail(probabilities: .softmax, labels: ["cat", "dog", "owl"]))
        let x = numbers(n, seed: 62)
        expectClose(model.scores(x), affineInOut(x, w, b), tolerance: 1e-12)
    }

    // MARK: Errors

    @Test("a branching graph (residual connection) is refused")
    func residual() throws {
        let data = try ONNX.model(
            [
                ONNX.node("MatMul", ["input", "W"], ["y"], name: "fc"),
                ONNX.node("Relu", ["y"], ["a"], name: "relu"),
                ONNX.node("Add", ["a", "input"], ["z"], name: "skip"),
            ], initializers: [ONNX.tensor("W", [2, 2], [1, 2, 3, 4])], inputWidth: 2, outputs: ["z"])
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: data) }
        do { _ = try ONNXImporter.model(from: data) } catch {
            #expect("\(error)".contains("skip") && "\(error)".contains("branching"))
        }
    }

    private static func simpleGraph(
        extra: [Onnx_NodeProto] = [], replacing: Onnx_NodeProto? = nil,
        initializers: [Onnx_TensorProto]? = nil
    ) throws -> Data {
        let first = replacing ?? ONNX.node("MatMul", ["input", "W"], ["y"], name: "fc")
        return try ONNX.model(
            [first] + extra,
            initializers: initializers ?? [
                ONNX.tensor("W", [2, 2], [1, 2, 3, 4])
            ], inputWidth: 2, outputs: [extra.last?.output.first ?? "y"])
    }

    @Test("an unsupported operator is named with its node")
    func unsupportedOperator() throws {
        let data = try Self.simpleGraph(extra: [ONNX.node("Conv", ["y", "W"], ["z"], name: "conv1")])
        #expect(throws: ONNXImportError.unsupportedOperator(op: "Conv", node: "conv1")) {
            try ONNXImporter.model(from: data)
        }
        do {
            _ = try ONNXImporter.model(from: data)
        } catch {
            #expect("\(error)".contains("Conv") && "\(error)".contains("conv1"))
            #expect(error.localizedDescription.contains("conv1"))
        }
        let lstm = try Self.simpleGraph(extra: [ONNX.node("LSTM", ["y", "W", "W"], ["z"], name: "rnn")])
        #expect(throws: ONNXImportError.unsupportedOperator(op: "LSTM", node: "rnn")) {
            try ONNXImporter.model(from: lstm)
        }
    }

    @Test("MatMul of two computed tensors is refused")
    func matMulOfTwoStreams() throws {
        let data = try Self.simpleGraph(extra: [ONNX.node("MatMul", ["y", "y"], ["z"], name: "gram")])
        #expect(throws: ONNXImportError.unsupportedOperator(op: "MatMul", node: "gram")) {
            try ONNXImporter.model(from: data)
        }
    }

    @Test("missing initializers, shape mismatches, unsupported exponents")
    func malformedGraphs() throws {
        let missing = try Self.simpleGraph(replacing: ONNX.node("MatMul", ["input", "W_missing"], ["y"], name: "fc"))
        #expect(throws: ONNXImportError.missingInitializer(name: "W_missing", node: "fc")) {
            try ONNXImporter.model(from: missing)
        }
        // 3×2 weights after a width-2 input.
        let mismatch = try Self.simpleGraph(initializers: [ONNX.tensor("W", [3, 2], [1, 2, 3, 4, 5, 6])])
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: mismatch) }
        do { _ = try ONNXImporter.model(from: mismatch) } catch let error as ONNXImportError {
            guard case .shapeMismatch(let node, _) = error else {
                Issue.record("got \(error)")
                return
            }
            #expect(node == "fc")
        }
        // A bias that fits neither the width nor a scalar.
        let badBias = try ONNX.model(
            [
                ONNX.node("MatMul", ["input", "W"], ["y"], name: "fc"),
                ONNX.node("Add", ["y", "b"], ["z"], name: "bias"),
            ], initializers: [ONNX.tensor("W", [2, 2], [1, 2, 3, 4]), ONNX.tensor("b", [3], [1, 2, 3])],
            inputWidth: 2, outputs: ["z"])
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: badBias) }
        // Wrong byte count in raw_data.
        var truncatedTensor = ONNX.tensor("W", [2, 2], [1, 2, 3, 4], .rawFloat)
        truncatedTensor.rawData = truncatedTensor.rawData.prefix(10)
        let badTensor = try Self.simpleGraph(initializers: [truncatedTensor])
        #expect(throws: ONNXImportError.badTensor(name: "W", reason: "raw_data has 10 bytes, expected 4 × 4")) {
            try ONNXImporter.model(from: badTensor)
        }
        let cube = try Self.simpleGraph(
            extra: [ONNX.node("Pow", ["y", "three"], ["z"], name: "cube")],
            initializers: [ONNX.tensor("W", [2, 2], [1, 2, 3, 4]), ONNX.tensor("three", [], [3])])
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: cube) }
    }

    @Test("truncated and garbage bytes throw, never crash")
    func garbage() throws {
        let data = try Self.simpleGraph(extra: [ONNX.node("Relu", ["y"], ["z"], name: "relu")])
        #expect(try ONNXImporter.model(from: data).layers.count == 1)
        for length in stride(from: 0, to: data.count, by: 3) {
            #expect(throws: ONNXImportError.self, "prefix of \(length) bytes") {
                try ONNXImporter.model(from: Data(data.prefix(length)))
            }
        }
        for seed in 0..<50 {
            let bytes = numbers(64 + seed * 7, seed: 900 + UInt64(seed)).map {
                UInt8(truncatingIfNeeded: Int(($0 + 1) * 128))
            }
            #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: bytes) }
        }
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: Data("{\"format\": \"hef-mlp\"}".utf8)) }
    }

    // MARK: Real files

    @Test("the peers' digits.onnx reproduces their plaintext logits")
    func peersDigits() throws {
        let model = try ONNXImporter.load(contentsOf: try fixtureURL("peers-digits", "onnx"))
        #expect(model.name == "digits_square_mlp")
        #expect(model.inputSize == 64)
        #expect(model.layers.map(\.activation) == [.square, .none])
        #expect(model.layers.map(\.outputSize) == [32, 10])
        #expect(model.scaler == nil) // the graph takes standardized features

        struct Reference: Decodable {
            struct S: Decodable {
                var mean: [Double]
                var scale: [Double]
            }
            var scaler: S
            var x: [[Double]]
            var logits: [[Double]]
        }
        let reference = try JSONDecoder().decode(
            Reference.self, from: Data(contentsOf: try fixtureURL("peers-digits-reference", "json")))
        #expect(reference.x.count == 60)
        var worst = 0.0
        for (x, logits) in zip(reference.x, reference.logits) {
            let standardized = x.indices.map { (x[$0] - reference.scaler.mean[$0]) / reference.scaler.scale[$0] }
            let scores = model.scores(standardized)
            worst = max(worst, zip(scores, logits).map { abs($0 - $1) }.max()!)
        }
        #expect(worst < 1e-4, "max |difference| \(worst)")
    }

    /// A bundled model from `Models/`: scores of the imported ONNX against the reference.
    private func checkBundled(_ name: String, inputs: String, tolerance: Double) throws -> MLPModel {
        let model = try ONNXImporter.load(contentsOf: try fixtureURL(name, "onnx"))
        let rows = try csvRows(inputs)
        let expected = try csvRows("\(name)-reference_scores")
        #expect(rows.count == 40 && expected.count == 40)
        var worst = 0.0
        for (x, reference) in zip(rows, expected) {
            let scores = model.scores(x)
            #expect(scores.count == reference.count)
            worst = max(worst, zip(scores, reference).map { abs($0 - $1) / max(1, abs($1)) }.max()!)
        }
        #expect(worst < tolerance, "\(name): max relative difference \(worst)")
        return model
    }

    @Test("Models/digits-tanh (skl2onnx multiclass)")
    func bundledDigitsTanh() throws {
        let model = try checkBundled("models-digits-tanh", inputs: "models-digits-tanh-test_X", tolerance: 1e-4)
        #expect(model.task == .classification)
        #expect(model.inputSize == 64)
        #expect(model.scaler != nil)
        #expect(model.layers.map(\.activation) == [.tanh, .tanh, .none])
        #expect(model.output == OutputTail(probabilities: .softmax, labels: (0..<10).map(String.init)))
    }

    @Test("Models/breast-cancer-relu (skl2onnx binary)")
    func bundledBreastCancerRelu() throws {
        let model = try checkBundled(
            "models-breast-cancer-relu", inputs: "models-breast-cancer-relu-test_X", tolerance: 1e-4)
        #expect(model.task == .classification)
        #expect(model.layers.map(\.activation) == [.relu, .relu, .none])
        #expect(model.layers.map(\.outputSize) == [16, 8, 1])
        // The class names are not in the ONNX file, only 0 and 1.
        #expect(model.output == OutputTail(probabilities: .sigmoid, labels: ["0", "1"]))
    }

    @Test("Models/diabetes-regression (skl2onnx regressor)")
    func bundledDiabetes() throws {
        let model = try checkBundled(
            "models-diabetes-regression", inputs: "models-diabetes-regression-test_X", tolerance: 1e-4)
        #expect(model.task == .regression)
        #expect(model.output == OutputTail(probabilities: .none))
        #expect(model.layers.map(\.activation) == [.relu, .none])
    }

    @Test("Models/breast-cancer-square (torch-style Flatten → Gemm → Pow → Gemm → Identity)")
    func bundledBreastCancerSquare() throws {
        let model = try checkBundled(
            "models-breast-cancer-square-torch", inputs: "models-breast-cancer-square-test_X_standardized",
            tolerance: 1e-4)
        #expect(model.layers.map(\.activation) == [.square, .none])
        #expect(model.layers.map(\.outputSize) == [16, 1])
    }
}

// MARK: Fuzzing findings

/// Inputs that trapped the importer (Double → Int of NaN/∞/huge values, Int overflow in shape
/// products, unbounded allocations). Found by reviewing what the `fuzz-onnx` harness
/// (Fuzz/, docs/fuzzing.md) reaches and confirmed with it; `scripts/fuzz_onnx_crafted.py`
/// writes the same graphs into the harness's seed corpus. Each now gets an `ONNXImportError`.
@Suite("ONNX importer: fuzzing findings")
struct ONNXFuzzFindingTests {
    private static let w = ONNX.tensor("W", [2, 1], [1, 2])
    private static func constant(_ name: String, _ t: Onnx_TensorProto) -> Onnx_NodeProto {
        ONNX.node("Constant", [], [name], [ONNX.attr("value", tensor: t)])
    }

    private func expectImportError(_ data: Data) {
        #expect(throws: ONNXImportError.self) { try ONNXImporter.model(from: data) }
    }

    @Test func fuzzFinding_reshapeOfConstantsToNaN() throws {
        expectImportError(
            try ONNX.model(
                [
                    Self.constant("c", ONNX.tensor("c", [2], [1, 2])),
                    Self.constant("s", ONNX.tensor("s", [1], [.nan])),
                    ONNX.node("Reshape", ["c", "s"], ["d"]),
                    ONNX.node("MatMul", ["input", "W"], ["y"]),
                ], initializers: [Self.w], inputWidth: 2, outputs: ["y"]))
    }

    @Test func fuzzFinding_unsqueezeAxisInfinite() throws {
        expectImportError(
            try ONNX.model(
                [
                    Self.constant("c", ONNX.tensor("c", [2], [1, 2])),
                    ONNX.node("Unsqueeze", ["c", "axes"], ["d"]),
                    ONNX.node("MatMul", ["input", "W"], ["y"]),
                ], initializers: [Self.w, ONNX.tensor("axes", [1], [.infinity])], inputWidth: 2, outputs: ["y"]))
    }

    @Test func fuzzFinding_reshapeOfFeaturesToHugeValue() throws {
        expectImportError(
            try ONNX.model(
                [
                    ONNX.node("Reshape", ["input", "shape"], ["r"]),
                    ONNX.node("MatMul", ["r", "W"], ["y"]),
                ], initializers: [Self.w, ONNX.tensor("shape", [2], [1, 1e30])], inputWidth: 2, outputs: ["y"]))
    }

    @Test func fuzzFinding_reshapeProductOverflows() throws {
        let shape = ONNX.int64Tensor("shape", [3], [-1, 1 << 32, 1 << 32])
        // On the features…
        expectImportError(
            try ONNX.model(
                [
                    ONNX.node("Reshape", ["input", "shape"], ["r"]),
                    ONNX.node("MatMul", ["r", "W"], ["y"]),
                ], initializers: [Self.w, shape], inputWidth: 2, outputs: ["y"]))
        // …and on constants.
        expectImportError(
            try ONNX.model(
                [
                    Self.constant("c", ONNX.tensor("c", [2], [1, 2])),
                    ONNX.node("Reshape", ["c", "shape"], ["d"]),
                    ONNX.node("MatMul", ["input", "W"], ["y"]),
                ], initializers: [Self.w, shape], inputWidth: 2, outputs: ["y"]))
    }

    @Test func fuzzFinding_flattenOfEmptyTensorOverflows() throws {
        // dims [0, 2^28, 2^28, 2^28]: zero elements, but the flattened width overflows Int.
        expectImportError(
            try ONNX.model(
                [
                    ONNX.node("Flatten", ["z"], ["f"]),
                    ONNX.node("MatMul", ["input", "W"], ["y"]),
                ], initializers: [Self.w, ONNX.tensor("z", [0, 1 << 28, 1 << 28, 1 << 28], [])], inputWidth: 2,
                outputs: ["y"]))
    }

    @Test func fuzzFinding_inputWidthInferredFromHugeWeights() throws {
        // No declared input width: it is read from the weights' dims, 2^40 here (was a 8 TB
        // allocation).
        var w = ONNX.tensor("W", [1 << 40, 1], [1, 2])
        w.dims = [1 << 40, 1]
        expectImportError(
            try ONNX.model(
                [
                    ONNX.node("MatMul", ["input", "W"], ["y"])
                ], initializers: [w], inputWidth: nil, outputs: ["y"]))
    }

    @Test func fuzzFinding_activationOnWideInput() throws {
        // An activation straight on 2^20 features materialised a 2^20 × 2^20 identity layer.
        expectImportError(
            try ONNX.model(
                [
                    ONNX.node("Relu", ["input"], ["r"]),
                    ONNX.node("MatMul", ["r", "W"], ["y"]),
                ], initializers: [Self.w], inputWidth: 1 << 20, outputs: ["y"]))
    }
}
