/// The server side of encrypted inference: runs a compiled model on ciphertexts with public
/// evaluation keys only. Build it once per model and key set (it prepares the layer transforms)
/// and call ``evaluate(_:)`` for every request; it is safe to share across tasks.
public struct EncryptedMLP: Sendable {
    public let model: CompiledModel
    public let context: CKKSContext
    public let evaluator: Evaluator
    private let transforms: [[LinearTransform]]
    /// Diagonal plaintexts per layer (per input chunk), encoded once at the layer's level.
    private let encodedTransforms: [[EncodedLinearTransform]]
    private let polynomials: PolynomialEvaluator
    /// Per-layer layout (latency packing).
    private let layouts: [LatencyLayout.LayerLayout]
    /// Bias plaintexts per layer (latency packing), encoded once at the level and scale the
    /// layer's output has.
    private let biases: [Plaintext]
    /// The first layer's side-by-side diagonals (pre-rotated input), at scale q_top.
    private let firstDiagonals: Plaintext?

    public init(model: CompiledModel, context: CKKSContext, evaluationKeys: EvaluationKeys) throws {
        try model.validate()
        guard model.plan.layoutVersion == InferencePlan.currentLayoutVersion else {
            throw ModelError.unsupportedFormat("the model was compiled for another slot layout: compile it again")
        }
        guard context.parameters.literal == model.plan.parameters else {
            throw ModelError.wrongModel("the context's parameters are not the model's")
        }
        self.model = model
        self.context = context
        self.evaluator = try Evaluator(context: context, keys: evaluationKeys)
        self.polynomials = PolynomialEvaluator(evaluator: evaluator)
        switch model.packing {
        case .latency:
            layouts = try LatencyLayout.layouts(layers: model.layers, inputSize: model.inputSize, slots: context.parameters.maxSlots)
            transforms = try LatencyLayout.transforms(layouts, layers: model.layers, slots: context.parameters.maxSlots)
            var level = context.parameters.maxLevel
            var encoded: [[EncodedLinearTransform]] = []
            var biases: [Plaintext] = []
            var scale = context.parameters.defaultScale
            let slots = context.parameters.maxSlots
            if layouts[0].preRotatedDiagonals != nil {
                firstDiagonals = try context.encode(
                    LatencyLayout.sideBySideDiagonals(layouts[0], layer: model.layers[0], slots: slots), level: level,
                    scale: Double(context.parameters.q[level]), slots: slots)
            } else {
                firstDiagonals = nil
            }
            for (k, layer) in model.layers.enumerated() {
                encoded.append(try transforms[k].map { try $0.encoded(context: context, level: level) })
                // A transform keeps the scale and uses one level.
                let period = layouts[k].outputPeriod
                let padded = layer.bias + [Double](repeating: 0, count: period - layer.bias.count)
                biases.append(try context.encode((0..<slots).map { padded[$0 % period] }, level: level - 1, scale: scale, slots: slots))
                scale = Self.scaleAfter(layer.activation, scale: scale, level: level - 1, parameters: context.parameters)
                level -= 1 + layer.activation.depth
            }
            encodedTransforms = encoded
            self.biases = biases
        case .throughput:
            self.biases = []
            firstDiagonals = nil
            transforms = []
            encodedTransforms = []
            layouts = []
        }
    }

    /// Evaluates a client's request (a model ciphertext file's contents): checks that it was
    /// made for this model and holds inputs, evaluates every batch, and answers the outputs
    /// with each batch's sample count and out-of-range flag.
    public func evaluate(_ request: ModelCiphertexts, progress: ((Int, Int) -> Void)? = nil) throws -> ModelCiphertexts {
        try request.check(model: model, stage: .inputs)
        var batches: [ModelCiphertexts.Batch] = []
        batches.reserveCapacity(request.batches.count)
        for (b, batch) in request.batches.enumerated() {
            batches.append(.init(samples: batch.samples, ciphertexts: try evaluate(batch.ciphertexts), outOfRange: batch.outOfRange))
            progress?(b + 1, request.batches.count)
        }
        return ModelCiphertexts(modelID: model.id, stage: .outputs, batches: batches)
    }

    /// Evaluates the encrypted layers. Latency packing: one input ciphertext per sample, one
    /// output ciphertext. Throughput packing: `inputSize` ciphertexts per batch, `outputSize` out.
    public func evaluate(_ inputs: [Ciphertext], progress: ((Int, Int) -> Void)? = nil) throws -> [Ciphertext] {
        switch model.packing {
        case .latency:
            let chunks = model.plan.inputCiphertexts
            guard inputs.count == chunks else {
                throw ModelError.wrongModel("latency packing takes \(chunks) ciphertext\(chunks == 1 ? "" : "s") per sample (got \(inputs.count))")
            }
            var ct = inputs[0]
            for (k, layer) in model.layers.enumerated() {
                let layout = layouts[k]
                if let (from, to) = layout.preFold {
                    ct = try LinearTransform.foldPeriod(ct, from: from, to: to, evaluator: evaluator)
                }
                if let diagonals = firstDiagonals, k == 0 {
                    // Pre-rotated input: one product, then sum the blocks (replicated result).
                    let scale = ct.scale
                    ct = try evaluator.rescale(try evaluator.multiply(ct, diagonals))
                    try ct.resetScale(to: scale)  // exact up to rounding: the diagonals were encoded at q_l
                    for step in LatencyLayout.blockSumSteps(blockSize: layout.blockSize, slots: ct.slots) {
                        ct = try evaluator.add(ct, try evaluator.rotate(ct, by: step))
                    }
                } else if layout.parts.count > 1 {
                    var sum: Ciphertext?
                    for (c, input) in inputs.enumerated() {
                        let part = try transforms[0][c].evaluate(input, evaluator: evaluator, encoded: encodedTransforms[0][c])
                        sum = try sum.map { try evaluator.add($0, part) } ?? part
                    }
                    ct = sum!
                } else {
                    ct = try transforms[k][0].evaluate(ct, evaluator: evaluator, encoded: encodedTransforms[k][0])
                }
                if let (from, to) = layout.postFold {
                    ct = try LinearTransform.foldPeriod(ct, from: from, to: to, evaluator: evaluator)
                }
                if Evaluator.sameScale(biases[k].scale, ct.scale) && biases[k].level >= ct.level {
                    ct = try evaluator.add(ct, biases[k])
                } else {
                    ct = try evaluator.add(ct, replicated: layer.bias, period: layout.outputPeriod)
                }
                ct = try activate(ct, layer.activation)
                progress?(k + 1, model.layers.count)
            }
            return [ct]
        case .throughput:
            guard inputs.count == model.inputSize else {
                throw ModelError.wrongModel("throughput packing takes \(model.inputSize) ciphertexts per batch (got \(inputs.count))")
            }
            var xs = inputs
            for (k, layer) in model.layers.enumerated() {
                var ys: [Ciphertext] = []
                ys.reserveCapacity(layer.weights.count)
                for o in layer.weights.indices {
                    var y = try evaluator.linearCombination(xs, layer.weights[o])
                    y = try evaluator.rescale(y)
                    y = try evaluator.add(y, scalar: layer.bias[o])
                    ys.append(try activate(y, layer.activation))
                }
                xs = ys
                progress?(k + 1, model.layers.count)
            }
            return xs
        }
    }

    /// The scale after an activation that starts at `scale` on `level` (square: s²/q_level;
    /// Chebyshev series: kept; none: kept).
    static func scaleAfter(_ activation: CompiledActivation, scale: Double, level: Int, parameters: CKKSParameters) -> Double {
        switch activation {
        case .square: return scale * scale / Double(parameters.q[level])
        case .none, .chebyshev: return scale
        }
    }

    private func activate(_ ct: Ciphertext, _ activation: CompiledActivation) throws -> Ciphertext {
        switch activation {
        case .none:
            return ct
        case .square:
            return try evaluator.rescale(try evaluator.multiplyRelinearize(ct, ct))
        case .chebyshev(let c):
            let series = ChebyshevSeries(coefficients: c.coefficients, interval: -1...1)
            return try polynomials.evaluate(ct, series, inputIsMapped: true)
        }
    }
}
