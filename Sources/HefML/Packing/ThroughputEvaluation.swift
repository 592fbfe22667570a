import Foundation
import HefCKKS
import HefRing

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
        try evaluate(inputs, stages: stages, threads: Parallelism.operationThreads, progress: progress)
    }

    func evaluate(_ inputs: [Ciphertext], stages: Range<Int>, threads: Int, progress: ((Int, Int) -> Void)?) throws
        -> [Ciphertext]
    {
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
            // The neurons of a layer are independent: they split over the threads.
            let inputs = xs
            let (evaluator, activations) = (self.evaluator, self.activations)
            if stage % 2 == 0 {
                xs = try Parallelism.map(layer.weights.count, threads: threads) { o in
                    let y = try evaluator.rescale(try evaluator.linearCombination(inputs, layer.weights[o]))
                    return try evaluator.add(y, scalar: layer.bias[o])
                }
            } else {
                xs = try Parallelism.map(inputs.count, threads: threads) {
                    try activations.apply(layer.activation, to: inputs[$0])
                }
                progress?(k + 1, layers.count)
            }
        }
        return xs
    }
}
