import Foundation
public import HefCKKS
import HefCircuits
import HefRing

/// The server side of encrypted inference: runs a compiled model on ciphertexts with public
/// evaluation keys only. Build it once per model and key set (it prepares the layout's
/// evaluation: layer transforms and biases encoded once) and call `evaluate(_:threads:progress:)`
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
    /// The bootstrapper of a model that bootstraps at its cuts (nil otherwise).
    private let bootstrapper: Bootstrapper?

    /// Prepares the evaluation of `model`.
    /// - Parameters:
    ///   - model: A compiled model (checked with ``CompiledModel/validate()``).
    ///   - context: The context of the model's parameters.
    ///   - evaluationKeys: The client's evaluation keys (relinearization and the plan's rotations;
    ///     for a model that bootstraps, the bootstrapper's too: ``ModelKeys/evaluation``).
    ///   - encapsulationKeys: The client's encapsulation keys, for a model that bootstraps.
    /// - Throws: ``ModelError/invalidModel(_:)`` or ``ModelError/unsupportedFormat(_:)`` for a model
    ///   that fails validation; ``ModelError/wrongModel(_:)`` when the context's parameters are not
    ///   the model's, a model that bootstraps comes without encapsulation keys, or the model is a
    ///   client part (``CompiledModel/weightsWithheld``);
    ///   `CKKSError/parametersMismatch(expected:found:)` when the keys were made for other
    ///   parameters; other `CKKSError` cases when encoding a weight plaintext fails.
    public init(
        model: CompiledModel, context: CKKSContext, evaluationKeys: EvaluationKeys,
        encapsulationKeys: EncapsulationKeys? = nil
    ) throws {
        try model.requireWeights(for: "encrypted evaluation")
        guard context.parameters.literal == model.plan.parameters else {
            throw ModelError.wrongModel("the context's parameters are not the model's")
        }
        // Validation recomputes the layout from the layers; a stored one equals it.
        let layout = try model.checked(given: context.parameters).layout
        self.model = model
        self.context = context
        self.evaluator = try Evaluator(context: context, keys: evaluationKeys)
        self.evaluation = try layout.layout.prepareEvaluation(
            layers: model.layers, evaluator: evaluator, refresh: model.plan.refresh)
        if let bootstrap = model.plan.refresh?.bootstrap {
            guard let encapsulationKeys else {
                throw ModelError.wrongModel(
                    "this model bootstraps: it needs the key holder's encapsulation keys (hefctl keygen writes them)")
            }
            bootstrapper = try Bootstrapper(
                context: context, keys: BootstrappingKeys(evaluation: evaluationKeys, encapsulation: encapsulationKeys),
                slots: bootstrap.slots, configuration: bootstrap.configuration)
        } else {
            bootstrapper = nil
        }
    }

    /// Whether the server stops for the key holder at the cuts (client-aided refreshes), rather
    /// than running to the outputs (no cuts, or bootstraps at them).
    private var stopsForRefresh: Bool { model.plan.refresh != nil && model.plan.refresh?.bootstrap == nil }

    /// One batch through every stage: the segments, bootstrapped between them when the model
    /// bootstraps.
    private static func evaluateAll(
        _ inputs: [Ciphertext], evaluation: any PackedEvaluation, model: CompiledModel, evaluator: Evaluator,
        bootstrapper: Bootstrapper?
    ) throws -> [Ciphertext] {
        guard let refresh = model.plan.refresh, let bootstrap = refresh.bootstrap, let bootstrapper else {
            return try evaluation.evaluate(inputs, stages: 0..<Int.max, progress: nil)
        }
        let segments = refresh.segments(stageCount: 2 * model.layers.count)
        let starts = model.segmentStartLevels
        let scale = evaluator.context.parameters.defaultScale
        var cts = inputs
        for (i, segment) in segments.enumerated() {
            cts = try evaluation.evaluate(cts, stages: segment, progress: nil)
            guard i < refresh.cuts.count else { break }
            let bound = bootstrap.valueBounds[i]
            let divide = refresh.maskLevel == 1
            cts = try cts.map { ct in
                // 1/B onto the default scale (one level) when the plan keeps that level, the
                // bootstrap as a ciphertext of the cut's period, B back as an integer (no
                // level), then down to the next start.
                var x = ct
                if divide {
                    x = try evaluator.rescale(try evaluator.multiply(ct, scalar: 1 / bound, rescaledScale: scale))
                } else {
                    try x.resetScale(to: scale)
                }
                let slots = x.slots
                x.slots = bootstrap.slots
                var y = try bootstrapper.bootstrap(x)
                y.slots = slots
                if divide && bound > 1 { y = try evaluator.multiply(y, integer: Int64(bound)) }
                guard y.level >= starts[i + 1] else {
                    throw ModelError.wrongModel(
                        "a bootstrap left level \(y.level); segment \(i + 2) starts at \(starts[i + 1])")
                }
                y.dropLevels(to: starts[i + 1])
                return y
            }
        }
        return cts
    }

    /// Evaluates a client's request (a model ciphertext file's contents): checks that it was
    /// made for this model and holds inputs, evaluates every batch, and answers the outputs
    /// with each batch's sample count and out-of-range flag.
    /// - Parameters:
    ///   - request: Encrypted inputs for this model.
    ///   - threads: Batches evaluated at once (`Parallelism.threads` is what `HEF_THREADS` asks for).
    ///   - progress: Called after each batch with (batches done, batches), one call at a time.
    /// - Throws: ``ModelError/wrongModel(_:)`` when the request was made for another model, holds
    ///   results, or has batches of the wrong shape; `CKKSError` when a ciphertext does not fit
    ///   the evaluation (level, scale, missing rotation key).
    public func evaluate(
        _ request: ModelCiphertexts, threads: Int = 1, progress: ((Int, Int) -> Void)? = nil
    ) throws -> ModelCiphertexts {
        guard !stopsForRefresh else {
            throw ModelError.wrongModel(
                "this model stops for client-aided refreshes: run it with run(_:publicKey:state:) (hefctl infer does)")
        }
        try request.check(model: model, stage: .inputs)
        let outputs = try evaluateBatches(
            request.batches.map(\.ciphertexts), stages: 0..<Int.max, threads: threads, progress: progress)
        let batches = zip(request.batches, outputs).map { batch, cts in
            ModelCiphertexts.Batch(samples: batch.samples, ciphertexts: cts, outOfRange: batch.outOfRange)
        }
        return ModelCiphertexts(modelID: model.id, stage: .outputs, batches: batches)
    }

    /// Every batch through `stages`, up to `threads` batches at once, in order.
    private func evaluateBatches(
        _ inputs: [[Ciphertext]], stages: Range<Int>, threads: Int, progress: ((Int, Int) -> Void)?
    ) throws -> [[Ciphertext]] {
        let results = BatchSlots<[Ciphertext]>(count: inputs.count, progress: progress)
        let evaluation = self.evaluation
        let (model, evaluator, bootstrapper) = (self.model, self.evaluator, self.bootstrapper)
        let whole = stages == 0..<Int.max && bootstrapper != nil
        // Fewer batches than threads: the rest go inside each batch (throughput packing's neurons).
        let inner = max(1, threads / max(1, inputs.count))
        try Parallelism.forEach(inputs.count, threads: threads) { b in
            results.set(
                b,
                whole
                    ? try Self.evaluateAll(
                        inputs[b], evaluation: evaluation, model: model, evaluator: evaluator,
                        bootstrapper: bootstrapper)
                    : try evaluation.evaluate(inputs[b], stages: stages, threads: inner, progress: nil))
        }
        return results.values
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
        guard bootstrapper == nil else {
            return try Self.evaluateAll(
                inputs, evaluation: evaluation, model: model, evaluator: evaluator, bootstrapper: bootstrapper)
        }
        return try evaluation.evaluate(inputs, progress: progress)
    }

    /// What one call of ``run(_:publicKey:state:threads:progress:)`` gives back.
    public enum Step: Sendable {
        /// The scores: the model ran to its end.
        case outputs(ModelCiphertexts)
        /// A refresh point: `request` goes to the key holder, `state` stays with the server
        /// (secret) until the refreshed ciphertexts come back.
        case refresh(request: ModelCiphertexts, state: RefreshState)
    }

    /// Runs the next segment of the model: from the client's inputs (stage `inputs`), or from
    /// the key holder's refreshed ciphertexts (stage `refreshed`, with the ``RefreshState`` the
    /// previous call returned). Stops at the next refresh point or at the outputs. A model
    /// without refreshes runs to its outputs in one call.
    /// - Parameters:
    ///   - request: Encrypted inputs, or refreshed ciphertexts.
    ///   - publicKey: The key holder's public key (needed when the segment ends in a refresh:
    ///     the masked ciphertexts are re-randomized with it).
    ///   - state: The server's state of the round trip `request` answers.
    ///   - threads: Batches evaluated at once.
    ///   - progress: Called after each batch with (batches done, batches), one call at a time.
    /// - Throws: ``ModelError/wrongModel(_:)`` for a request of another model or stage, a
    ///   refreshed file without its state (or with another round trip's), or a missing public
    ///   key; `CKKSError` when a ciphertext does not fit the evaluation.
    public func run(
        _ request: ModelCiphertexts, publicKey: PublicKey? = nil, state: RefreshState? = nil, threads: Int = 1,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> Step {
        let stageCount = 2 * model.layers.count
        // A model that bootstraps runs to its outputs in one call, like a model without cuts.
        let refresh = stopsForRefresh ? model.plan.refresh : nil
        let segments = refresh?.segments(stageCount: stageCount) ?? [0..<Int.max]
        let segment: Int
        var inputs: [[Ciphertext]]
        switch request.stage {
        case .inputs:
            try request.check(model: model, stage: .inputs)
            segment = 0
            inputs = request.batches.map(\.ciphertexts)
            let start = model.segmentStartLevels[0]
            if model.plan.refresh != nil, let ct = inputs.joined().first(where: { $0.level != start }) {
                throw ModelError.wrongModel(
                    "the inputs are at level \(ct.level); this model's first segment starts at level \(start) (encrypt with this model's client)"
                )
            }
        case .refreshed:
            try request.check(model: model, stage: .refreshed)
            guard stopsForRefresh else {
                throw ModelError.wrongModel(
                    "this model does not stop for client refreshes: a refreshed file is not its input")
            }
            guard let state else {
                throw ModelError.wrongModel("refreshed ciphertexts need the server's state of their round trip")
            }
            let count = request.batches.reduce(0) { $0 + $1.ciphertexts.count }
            guard state.modelID == model.id, state.requestID == request.requestID, state.segment == request.segment,
                state.scales.count == count
            else {
                throw ModelError.wrongModel(
                    "these refreshed ciphertexts answer another round trip than the server's state (request \(RefreshState.name(of: request.requestID)))"
                )
            }
            let mask = try state.mask()
            let level = model.segmentStartLevels[state.segment]
            var index = 0
            inputs = try request.batches.map { batch in
                try batch.ciphertexts.map { ct in
                    defer { index += 1 }
                    return try evaluator.unmasked(
                        ct, mask: mask, index: index, scale: state.scales[index], keyID: state.keyID,
                        level: level)
                }
            }
            segment = state.segment
        default:
            try request.check(model: model, stage: .inputs)
            throw ModelError.wrongModel("this file cannot be evaluated")
        }
        let evaluated = try evaluateBatches(inputs, stages: segments[segment], threads: threads, progress: progress)
        inputs = []
        var outputs = zip(request.batches, evaluated).map { batch, cts in
            ModelCiphertexts.Batch(samples: batch.samples, ciphertexts: cts, outOfRange: batch.outOfRange)
        }
        guard let refresh, segment < segments.count - 1 else {
            return .outputs(ModelCiphertexts(modelID: model.id, stage: .outputs, batches: outputs))
        }
        guard let publicKey else {
            throw ModelError.wrongModel("the model stops for a refresh here: the key holder's public key is needed")
        }
        let mask = try RefreshMask.random(bits: refresh.maskBits)
        // Each ciphertext has its own mask stream: its index in file order.
        let offsets = outputs.reduce(into: [0]) { $0.append($0.last! + $1.ciphertexts.count) }
        let scales = outputs.flatMap { $0.ciphertexts.map(\.scale) }
        let keyID = outputs.first?.ciphertexts.first?.keyID ?? 0
        let unmaskedBatches = outputs.map(\.ciphertexts)
        let maskingEvaluator = evaluator
        let masked = BatchSlots<[Ciphertext]>(count: outputs.count, progress: nil)
        try Parallelism.forEach(outputs.count, threads: threads) { b in
            masked.set(
                b,
                try unmaskedBatches[b].enumerated().map { i, ct in
                    try maskingEvaluator.masked(ct, mask: mask, index: offsets[b] + i, publicKey: publicKey)
                })
        }
        for (b, cts) in masked.values.enumerated() { outputs[b].ciphertexts = cts }
        let requestID = Array(RandomStream.freshSeed().prefix(16))
        let next = segment + 1
        return .refresh(
            request: ModelCiphertexts(
                modelID: model.id, stage: .refreshRequest, batches: outputs, segment: next, requestID: requestID),
            state: RefreshState(
                modelID: model.id, requestID: requestID, segment: next, maskSeed: mask.seed, maskBits: mask.bits,
                scales: scales, keyID: keyID))
    }
}
