extension CompiledModel {
    /// What a data owner needs of this model, and none of its weights: the same file format
    /// with every weight and bias set to zero, the source model's input scaler removed,
    /// ``weightsWithheld`` set and ``id`` kept (ciphertexts made with the client part carry the
    /// full model's id, so the provider evaluates them with the full model).
    ///
    /// What it still shows: the layer widths, the activations (with the Chebyshev series and
    /// the intervals they were fitted on), the packing and plan (parameters, rotations, refresh
    /// points), the output tail, and the plan's guarantees — the guaranteed input box, each
    /// neuron's value range over it, the output intervals and error bounds.
    ///
    /// A client holding only this part checks rows against the guaranteed input box
    /// (``admissibility(of:index:guarantees:)``): a row inside it is admissible by
    /// construction; a row outside it cannot be checked without the weights and is reported,
    /// so ``OutOfRangePolicy`` decides (refuse, clamp into the box, or isolate).
    /// - Throws: ``ModelError/invalidModel(_:)`` when the model has no guaranteed input box
    ///   (compile it with calibration rows): without the weights, no row could be checked.
    public func clientPart() throws -> CompiledModel {
        if weightsWithheld { return self }
        let guarantees = rangeGuarantees
        guard guarantees.inputLower != nil, guarantees.inputUpper != nil else {
            throw ModelError.invalidModel(
                "the model has no guaranteed input box (compile it with calibration rows): without its weights a data owner could not check any row"
            )
        }
        var part = self
        // First, so that the changes below keep the full model's id.
        part.weightsWithheld = true
        part.plan.guarantees = guarantees
        part.source.scaler = nil
        for k in part.source.layers.indices {
            part.source.layers[k].weights = part.source.layers[k].weights.map {
                [Double](repeating: 0, count: $0.count)
            }
            part.source.layers[k].bias = [Double](repeating: 0, count: part.source.layers[k].bias.count)
        }
        for k in part.layers.indices {
            part.layers[k].weights = part.layers[k].weights.map { [Double](repeating: 0, count: $0.count) }
            part.layers[k].bias = [Double](repeating: 0, count: part.layers[k].bias.count)
        }
        return part
    }

    /// Refuses a client part where the weights are needed (evaluation, the plaintext model).
    /// - Parameter use: What needs them, for the message.
    /// - Throws: ``ModelError/wrongModel(_:)`` when ``weightsWithheld``.
    public func requireWeights(for use: String) throws {
        guard weightsWithheld else { return }
        throw ModelError.wrongModel(
            "this is a model's client part (its weights are withheld): it cannot be used for \(use); the provider's full compiled model can"
        )
    }
}
