import HefCKKS

/// The server's side of ``ThroughputPacking``: each output of a layer is a linear combination
/// of the input ciphertexts, rescaled, plus the bias, then the activation.
struct ThroughputEvaluation: PackedEvaluation {
    let layout: ThroughputPacking
    let layers: [CompiledLayer]
    let evaluator: Evaluator
    let activations: ActivationEvaluator

    init(layout: ThroughputPacking, layers: [CompiledLayer], evaluator: Evaluator) {
        self.layout = layout
        self.layers = layers
        self.evaluator = evaluator
        self.activations = ActivationEvaluator(evaluator: evaluator)
    }

    func evaluate(_ inputs: [Ciphertext], progress: ((Int, Int) -> Void)?) throws -> [Ciphertext] {
        guard inputs.count == layout.inputCiphertexts else {
            throw ModelError.wrongModel(
                "throughput packing takes \(layout.inputCiphertexts) ciphertexts per batch (got \(inputs.count))")
        }
        var xs = inputs
        for (k, layer) in layers.enumerated() {
            var ys: [Ciphertext] = []
            ys.reserveCapacity(layer.weights.count)
            for o in layer.weights.indices {
                var y = try evaluator.linearCombination(xs, layer.weights[o])
                y = try evaluator.rescale(y)
                y = try evaluator.add(y, scalar: layer.bias[o])
                ys.append(try activations.apply(layer.activation, to: y))
            }
            xs = ys
            progress?(k + 1, layers.count)
        }
        return xs
    }
}
