import HefCKKS
import HefCircuits

/// The server's side of ``LatencyPacking``: the layer transforms with their diagonals encoded
/// once at the layer's level, the biases, and the first layer's side-by-side diagonals when the
/// input is pre-rotated.
struct LatencyEvaluation: PackedEvaluation {
    let layout: LatencyPacking
    let layers: [CompiledLayer]
    let evaluator: Evaluator
    let activations: ActivationEvaluator
    let transforms: [[LinearTransform]]
    /// Diagonal plaintexts per layer (per input chunk), encoded once at the layer's level.
    let encodedTransforms: [[EncodedLinearTransform]]
    /// Bias plaintexts per layer, encoded once at the level and scale the layer's output has.
    let biases: [Plaintext]
    /// The first layer's side-by-side diagonals (pre-rotated input), at scale q_top.
    let firstDiagonals: Plaintext?

    init(layout: LatencyPacking, layers: [CompiledLayer], evaluator: Evaluator, refresh: RefreshPlan? = nil) throws {
        let context = evaluator.context
        let parameters = context.parameters
        let slots = parameters.maxSlots
        guard slots == layout.slots, layout.layers.count == layers.count else {
            throw ModelError.wrongModel("the latency layout was computed for another ring or model")
        }
        self.layout = layout
        self.layers = layers
        self.evaluator = evaluator
        self.activations = ActivationEvaluator(evaluator: evaluator)
        transforms = try LatencyPacking.transforms(layout.layers, layers: layers, slots: slots)
        // Each segment starts at its own level (the top one without refreshes).
        let stageDepths = RefreshPlan.stageDepths(layers)
        let starts = refresh?.startLevels(stageDepths: stageDepths) ?? [parameters.maxLevel]
        guard starts.allSatisfy({ $0 <= parameters.maxLevel }) else {
            throw ModelError.wrongModel("a segment starts above the parameters' top level")
        }
        let cuts = refresh?.cuts ?? []
        var level = starts[0]
        if layout.layers[0].preRotatedDiagonals != nil {
            firstDiagonals = try context.encode(
                LatencyPacking.sideBySideDiagonals(layout.layers[0], layer: layers[0], slots: slots), level: level,
                scale: Double(parameters.q[level]), slots: slots)
        } else {
            firstDiagonals = nil
        }
        var encoded: [[EncodedLinearTransform]] = []
        var biases: [Plaintext] = []
        var scale = parameters.defaultScale
        // A refresh brings the ciphertext back to its next segment's level, at the scale it had.
        for (k, layer) in layers.enumerated() {
            if k > 0, let i = cuts.firstIndex(of: 2 * k - 1) { level = starts[i + 1] }
            encoded.append(try transforms[k].map { try $0.encoded(context: context, level: level) })
            // A transform keeps the scale and uses one level.
            let period = layout.layers[k].outputPeriod
            let padded = layer.bias + [Double](repeating: 0, count: period - layer.bias.count)
            biases.append(
                try context.encode(
                    (0..<slots).map { padded[$0 % period] }, level: level - 1, scale: scale, slots: slots))
            level -= 1
            if let i = cuts.firstIndex(of: 2 * k) { level = starts[i + 1] }
            scale = ActivationEvaluator.scaleAfter(layer.activation, scale: scale, level: level, parameters: parameters)
            level -= layer.activation.depth
        }
        encodedTransforms = encoded
        self.biases = biases
    }

    func evaluate(_ inputs: [Ciphertext], stages: Range<Int>, progress: ((Int, Int) -> Void)?) throws -> [Ciphertext] {
        let stages = stages.clamped(to: 0..<(2 * layers.count))
        let expected = stages.lowerBound == 0 ? layout.inputCiphertexts : 1
        guard inputs.count == expected else {
            throw ModelError.wrongModel(
                stages.lowerBound == 0
                    ? "latency packing takes \(expected) ciphertext\(expected == 1 ? "" : "s") per sample (got \(inputs.count))"
                    : "a refreshed latency sample is one ciphertext (got \(inputs.count))")
        }
        var ct = inputs[0]
        for stage in stages {
            let k = stage / 2
            if stage % 2 == 0 {
                ct = try dense(k, ct, inputs: inputs)
            } else {
                ct = try activations.apply(layers[k].activation, to: ct)
                progress?(k + 1, layers.count)
            }
        }
        return [ct]
    }

    /// Layer k's transform, folds and bias.
    private func dense(_ k: Int, _ input: Ciphertext, inputs: [Ciphertext]) throws -> Ciphertext {
        let layer = layers[k]
        let plan = layout.layers[k]
        var ct = input
        if let fold = plan.preFold {
            ct = try LinearTransform.foldPeriod(ct, from: fold.from, to: fold.to, evaluator: evaluator)
        }
        if let diagonals = firstDiagonals, k == 0 {
            // Pre-rotated input: one product, then sum the blocks (replicated result).
            let scale = ct.scale
            ct = try evaluator.rescale(try evaluator.multiply(ct, diagonals))
            try ct.resetScale(to: scale) // exact up to rounding: the diagonals were encoded at q_l
            for step in LatencyPacking.blockSumSteps(blockSize: plan.blockSize, slots: ct.slots) {
                ct = try evaluator.add(ct, try evaluator.rotate(ct, by: step))
            }
        } else if plan.parts.count > 1 {
            var sum: Ciphertext?
            for (c, part) in inputs.enumerated() {
                let product = try transforms[0][c].evaluate(
                    part, evaluator: evaluator, encoded: encodedTransforms[0][c])
                sum = try sum.map { try evaluator.add($0, product) } ?? product
            }
            ct = sum!
        } else {
            ct = try transforms[k][0].evaluate(ct, evaluator: evaluator, encoded: encodedTransforms[k][0])
        }
        if let fold = plan.postFold {
            ct = try LinearTransform.foldPeriod(ct, from: fold.from, to: fold.to, evaluator: evaluator)
        }
        if Evaluator.sameScale(biases[k].scale, ct.scale) && biases[k].level >= ct.level {
            ct = try evaluator.add(ct, biases[k])
        } else {
            ct = try evaluator.add(ct, replicated: layer.bias, period: plan.outputPeriod)
        }
        return ct
    }
}
