import HefCKKS

/// The server's side of ``ThroughputPacking``: each output of a layer is a linear combination
/// of the input ciphertexts, rescaled, plus the bias, then the activation.
struct ThroughputEvaluation: PackedEvaluation {
    let layout: ThroughputPacking
    let layers: [CompiledLayer]
    let evaluator: Evaluator
    let activations: ActivationEvaluator

    init(layout: ThroughputPacking, layers: [CompiledLayer], evaluator: Evaluator, refresh: RefreshPlan? = nil) {
        // Levels are read from the ciphertexts: a refreshed one simply has more.
        self.layout = layout
        self.layers = layers
        self.evaluator = evaluator
        self.activations = ActivationEvaluator(evaluator: evaluator)
    }

    func evaluate(_ inputs: [Ciphertext], stages: Range<Int>, progress: ((Int, Int) -> Void)?) throws -> [Ciphertext] {
        let stages = stages.clamped(to: 0..<(2 * layers.count))
        if stages.lowerBound == 0 {
            guard inputs.count == layout.inputCiphertexts else {
                throw ModelError.wrongModel(
                    "throughput packing takes \(layout.inputCiphertexts) ciphertexts per batch (got \(inputs.count))")
            }
        } else {
            let width = layers[(stages.lowerBound - 1) / 2].weights.count
            guard inputs.count == width else {
                throw ModelError.wrongModel(
                    "stage \(stages.lowerBound) takes \(width) ciphertexts per batch (got \(inputs.count))")
            }
        }
        var xs = inputs
        for stage in stages {
            let k = stage / 2
            let layer = layers[k]
            if stage % 2 == 0 {
                xs = try layer.weights.indices.map { o in
                    let y = try evaluator.rescale(try evaluator.linearCombination(xs, layer.weights[o]))
                    return try evaluator.add(y, scalar: layer.bias[o])
                }
            } else {
                xs = try xs.map { try activations.apply(layer.activation, to: $0) }
                progress?(k + 1, layers.count)
            }
        }
        return xs
    }
}
