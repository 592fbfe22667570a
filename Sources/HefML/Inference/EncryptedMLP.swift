public import HefCKKS

/// The server side of encrypted inference: runs a compiled model on ciphertexts with public
/// evaluation keys only. Build it once per model and key set (it prepares the layout's
/// evaluation: layer transforms and biases encoded once) and call `evaluate(_:progress:)`
/// for every request; it is safe to share across tasks.
public struct EncryptedMLP: Sendable {
    /// The compiled model it runs.
    public let model: CompiledModel
    /// The plan's context.
    public let context: CKKSContext
    /// The evaluator holding the evaluation keys.
    public let evaluator: Evaluator
    /// The model's layout, prepared for this context.
    private let evaluation: any PackedEvaluation

    /// Prepares the evaluation of `model`.
    /// - Parameters:
    ///   - model: A compiled model (checked with ``CompiledModel/validate()``).
    ///   - context: The context of the model's parameters.
    ///   - evaluationKeys: The client's evaluation keys (relinearization and the plan's rotations).
    /// - Throws: ``ModelError/invalidModel(_:)`` or ``ModelError/unsupportedFormat(_:)`` for a model
    ///   that fails validation; ``ModelError/wrongModel(_:)`` when the context's parameters are not
    ///   the model's; `CKKSError/parametersMismatch(expected:found:)` when the keys were made for
    ///   other parameters; other `CKKSError` cases when encoding a weight plaintext fails.
    public init(model: CompiledModel, context: CKKSContext, evaluationKeys: EvaluationKeys) throws {
        guard context.parameters.literal == model.plan.parameters else {
            throw ModelError.wrongModel("the context's parameters are not the model's")
        }
        // Validation recomputes the layout from the layers; a stored one equals it.
        let layout = try model.checked(given: context.parameters).layout
        self.model = model
        self.context = context
        self.evaluator = try Evaluator(context: context, keys: evaluationKeys)
        self.evaluation = try layout.layout.prepareEvaluation(layers: model.layers, evaluator: evaluator)
    }

    /// Evaluates a client's request (a model ciphertext file's contents): checks that it was
    /// made for this model and holds inputs, evaluates every batch, and answers the outputs
    /// with each batch's sample count and out-of-range flag.
    /// - Parameters:
    ///   - request: Encrypted inputs for this model.
    ///   - progress: Called after each batch with (batches done, batches).
    /// - Throws: ``ModelError/wrongModel(_:)`` when the request was made for another model, holds
    ///   results, or has batches of the wrong shape; `CKKSError` when a ciphertext does not fit
    ///   the evaluation (level, scale, missing rotation key).
    public func evaluate(_ request: ModelCiphertexts, progress: ((Int, Int) -> Void)? = nil) throws -> ModelCiphertexts
    {
        try request.check(model: model, stage: .inputs)
        var batches: [ModelCiphertexts.Batch] = []
        batches.reserveCapacity(request.batches.count)
        for (b, batch) in request.batches.enumerated() {
            batches.append(
                .init(
                    samples: batch.samples, ciphertexts: try evaluate(batch.ciphertexts), outOfRange: batch.outOfRange))
            progress?(b + 1, request.batches.count)
        }
        return ModelCiphertexts(modelID: model.id, stage: .outputs, batches: batches)
    }

    /// Evaluates the encrypted layers on one batch. Latency packing: the sample's input
    /// ciphertexts (one unless the input is tiled), one output ciphertext. Throughput packing:
    /// `inputSize` ciphertexts per batch, `outputSize` out.
    /// - Parameters:
    ///   - inputs: The batch's input ciphertexts.
    ///   - progress: Called after each layer with (layers done, layers).
    /// - Throws: ``ModelError/wrongModel(_:)`` for the wrong number of ciphertexts; `CKKSError`
    ///   when a ciphertext does not fit the evaluation.
    public func evaluate(_ inputs: [Ciphertext], progress: ((Int, Int) -> Void)? = nil) throws -> [Ciphertext] {
        try evaluation.evaluate(inputs, progress: progress)
    }
}
