import Foundation
import HefCKKS

@testable import HefML
@testable import HefONNX

/// Writes a generated MLP as the ONNX graphs real exporters produce, so the differential tests
/// also go through the importer:
/// - skl2onnx-shaped: `Scaler` (offset, multiplier) → `Cast` → per layer `MatMul` ([in][out])
///   → `Add` → activation; `Softmax`/`Sigmoid` as the output tail;
/// - torch.onnx.export-shaped: pre-processing as `Sub`/`Div` (StandardScaler written by hand)
///   or `Mul`/`Add` (MinMaxScaler, PCA-style affine), per layer `Gemm(transB = 1)`, optionally
///   `BatchNormalization` in inference mode (BatchNorm1d after a Linear), then the activation.
///
/// ONNX stores float32: the generator first rounds every parameter to Float, and the reference
/// model it returns is what the graph computes in Double (batch norm folded exactly).
enum DifferentialONNX {
    enum Shape: String, CaseIterable { case skl2onnx, torch }

    static func f(_ x: Double) -> Double { Double(Float(x)) }

    /// Activations the exporters can write (a polynomial becomes a square).
    static func exportable(_ a: Activation) -> Activation {
        if case .polynomial = a { return .square }
        return a
    }

    /// The graph's bytes and the reference model (parameters rounded to Float, batch norm
    /// folded). `batchNorm[k]` adds a batch norm after layer k's matrix (torch shape only),
    /// given as (gamma, beta, mean, variance) per output.
    static func export(
        _ model: MLPModel, shape: Shape, minMaxStyle: Bool,
        batchNorm: [Int: (gamma: [Double], beta: [Double], mean: [Double], variance: [Double])]
    ) throws -> (data: Data, reference: MLPModel) {
        var nodes: [Onnx_NodeProto] = []
        var inits: [Onnx_TensorProto] = []
        var current = "input"
        var counter = 0
        func fresh(_ stem: String) -> String {
            counter += 1
            return "\(stem)_\(counter)"
        }
        var reference = model

        // Pre-processing.
        if let scaler = model.scaler {
            let mean = scaler.mean.map(f)
            switch shape {
            case .skl2onnx:
                let multiplier = scaler.scale.map { f(1 / $0) }
                reference.scaler = Scaler(mean: mean, scale: multiplier.map { 1 / $0 })
                let out = fresh("scaled")
                nodes.append(
                    ONNX.node(
                        "Scaler", [current], [out], domain: "ai.onnx.ml",
                        [ONNX.attr("offset", floats: mean), ONNX.attr("scale", floats: multiplier)]))
                let cast = fresh("cast")
                nodes.append(ONNX.node("Cast", [out], [cast], [ONNX.attr("to", int: 1)]))
                current = cast
            case .torch where !minMaxStyle:
                let scale = scaler.scale.map(f)
                reference.scaler = Scaler(mean: mean, scale: scale)
                let m = fresh("mean")
                let s = fresh("std")
                inits.append(ONNX.tensor(m, [mean.count], mean))
                inits.append(ONNX.tensor(s, [scale.count], scale))
                let a = fresh("centred")
                let b = fresh("standardized")
                nodes.append(ONNX.node("Sub", [current, m], [a]))
                nodes.append(ONNX.node("Div", [a, s], [b]))
                current = b
            case .torch:
                // x·k + c with k = 1/scale, c = −mean/scale (as skl2onnx writes MinMaxScaler).
                let k = scaler.scale.map { f(1 / $0) }
                let c = zip(scaler.mean, scaler.scale).map { f(-$0 / $1) }
                reference.scaler = Scaler(mean: zip(c, k).map { -$0 / $1 }, scale: k.map { 1 / $0 })
                let kn = fresh("k")
                let cn = fresh("c")
                inits.append(ONNX.tensor(kn, [k.count], k))
                inits.append(ONNX.tensor(cn, [c.count], c))
                let a = fresh("mul")
                let b = fresh("add")
                nodes.append(ONNX.node("Mul", [current, kn], [a]))
                nodes.append(ONNX.node("Add", [a, cn], [b]))
                current = b
            }
        }

        for (k, layer) in model.layers.enumerated() {
            let weights = layer.weights.map { $0.map(f) }
            let bias = layer.bias.map(f)
            var refWeights = weights
            var refBias = bias
            let wn = fresh("W")
            let bn = fresh("B")
            let z = fresh("z")
            switch shape {
            case .skl2onnx:
                // MatMul weights are [in][out].
                let rows = weights[0].count
                let cols = weights.count
                inits.append(
                    ONNX.tensor(wn, [rows, cols], (0..<rows).flatMap { i in (0..<cols).map { o in weights[o][i] } }))
                inits.append(ONNX.tensor(bn, [cols], bias))
                let m = fresh("mul")
                nodes.append(ONNX.node("MatMul", [current, wn], [m]))
                nodes.append(ONNX.node("Add", [m, bn], [z]))
                current = z
            case .torch:
                inits.append(ONNX.tensor(wn, [weights.count, weights[0].count], weights.flatMap { $0 }))
                inits.append(ONNX.tensor(bn, [bias.count], bias))
                nodes.append(ONNX.node("Gemm", [current, wn, bn], [z], [ONNX.attr("transB", int: 1)]))
                current = z
                if let norm = batchNorm[k] {
                    let g = norm.gamma.map(f)
                    let b = norm.beta.map(f)
                    let m = norm.mean.map(f)
                    let v = norm.variance.map(f)
                    let names = (0..<4).map { _ in fresh("bn") }
                    for (name, values) in zip(names, [g, b, m, v]) {
                        inits.append(ONNX.tensor(name, [values.count], values))
                    }
                    let out = fresh("normed")
                    let epsilon = f(1e-5)
                    nodes.append(
                        ONNX.node(
                            "BatchNormalization", [current] + names, [out], [ONNX.attr("epsilon", float: epsilon)]))
                    current = out
                    for o in refWeights.indices {
                        let factor = g[o] / (v[o] + epsilon).squareRoot()
                        refWeights[o] = refWeights[o].map { $0 * factor }
                        refBias[o] = (refBias[o] - m[o]) * factor + b[o]
                    }
                }
            }
            let activation = exportable(layer.activation)
            reference.layers[k] = DenseLayer(weights: refWeights, bias: refBias, activation: activation)
            let out = fresh("a")
            switch activation {
            case .none: continue
            case .square:
                if shape == .torch {
                    nodes.append(ONNX.node("Mul", [current, current], [out]))
                } else {
                    let two = fresh("two")
                    inits.append(ONNX.tensor(two, [], [2]))
                    nodes.append(ONNX.node("Pow", [current, two], [out]))
                }
            case .relu: nodes.append(ONNX.node("Relu", [current], [out]))
            case .tanh: nodes.append(ONNX.node("Tanh", [current], [out]))
            case .sigmoid: nodes.append(ONNX.node("Sigmoid", [current], [out]))
            case .gelu: nodes.append(ONNX.node("Gelu", [current], [out]))
            case .silu:
                let gate = fresh("gate")
                nodes.append(ONNX.node("Sigmoid", [current], [gate]))
                nodes.append(ONNX.node("Mul", [current, gate], [out]))
            case .polynomial: preconditionFailure("not exportable")
            }
            current = out
        }
        var outputs = [current]
        switch model.output.probabilities {
        case .softmax:
            let p = fresh("probabilities")
            nodes.append(ONNX.node("Softmax", [current], [p], [ONNX.attr("axis", int: 1)]))
            outputs = [p]
        case .sigmoid:
            let p = fresh("probability")
            nodes.append(ONNX.node("Sigmoid", [current], [p]))
            outputs = [p]
        case .none: break
        }
        let data = try ONNX.model(
            nodes, initializers: inits, inputWidth: model.inputSize, outputs: outputs, name: model.name)
        return (data, reference)
    }
}
