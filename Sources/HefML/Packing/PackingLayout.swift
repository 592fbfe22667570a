public import HefCKKS

/// A slot layout: how one packing places samples in ciphertext slots, what the client encodes
/// and decodes, and what the server prepares and runs. The compiler computes it once for the
/// plan's ring and stores it in the plan (``InferencePlan/layout``); ``LatencyPacking`` and
/// ``ThroughputPacking`` are the two implementations.
public protocol PackingLayout: Sendable {
    /// The packing this layout implements.
    var packing: Packing { get }
    /// Slots per ciphertext of the ring the layout was computed for (N/2).
    var slots: Int { get }
    /// The most samples one batch (one group of ciphertexts) holds.
    var samplesPerBatch: Int { get }
    /// Ciphertexts per batch the client sends.
    var inputCiphertexts: Int { get }
    /// Ciphertexts per batch the server answers.
    var outputCiphertexts: Int { get }
    /// Rotation steps the evaluation keys must cover (sorted).
    var rotationSteps: [Int] { get }
    /// A short description for `hefctl model show` ("block 64", "4096 samples per ciphertext").
    var summary: String { get }

    /// Groups rows into batches, in order: each isolated row alone (see ``OutOfRangePolicy/isolate``).
    /// - Parameter isolated: One flag per row.
    /// - Returns: The row ranges of the batches.
    func batches(isolated: [Bool]) -> [Range<Int>]

    /// The slot values of each input ciphertext of one batch.
    /// - Parameter rows: The batch's rows (1 … ``samplesPerBatch``), each of the model's input width.
    func slotValues(for rows: [[Double]]) -> [[Double]]

    /// One score vector per sample from a batch's decrypted output ciphertexts.
    /// - Parameters:
    ///   - decrypted: The slot values of each output ciphertext of the batch.
    ///   - samples: The samples the batch holds.
    ///   - outputSize: Scores per sample.
    func scores(fromDecrypted decrypted: [[Double]], samples: Int, outputSize: Int) -> [[Double]]

    /// Prepares the server's evaluation of `layers` in this layout (encodes what can be encoded once).
    /// - Parameters:
    ///   - layers: The compiled layers the layout was computed for.
    ///   - evaluator: The server's evaluator (its context is the plan's).
    ///   - refresh: Where the ciphertexts are refreshed and the level each segment starts at
    ///     (nil when the model runs in one segment, from the top level).
    /// - Throws: `CKKSError` when encoding a weight or bias plaintext fails, ``ModelError/planFailed(_:)``
    ///   when a layer does not fit the layout.
    func prepareEvaluation(layers: [CompiledLayer], evaluator: Evaluator, refresh: RefreshPlan?) throws
        -> any PackedEvaluation

    /// Predicted slot-error standard deviation after layer `layer`'s dense part (before the
    /// activation), for the plan's noise model.
    /// - Parameters:
    ///   - layer: The layer's index.
    ///   - outputWidth: The layer's outputs.
    ///   - weightNorm: The largest Euclidean norm of a weight row.
    ///   - inputNoise: The slot error entering the layer.
    ///   - rescale: The error one rescale adds.
    ///   - keySwitch: The error one key switch adds.
    ///   - ringDegree: N.
    func denseNoise(
        layer: Int, outputWidth: Int, weightNorm: Double, inputNoise: Double, rescale: Double, keySwitch: Double,
        ringDegree: Int
    ) -> Double
}

/// The server's prepared evaluation of a compiled model in one layout (see
/// ``PackingLayout/prepareEvaluation(layers:evaluator:refresh:)``).
public protocol PackedEvaluation: Sendable {
    /// Evaluates one batch: ``PackingLayout/inputCiphertexts`` ciphertexts in,
    /// ``PackingLayout/outputCiphertexts`` out.
    /// - Parameters:
    ///   - inputs: The batch's input ciphertexts.
    ///   - progress: Called after each layer with (layers done, layers).
    /// - Throws: ``ModelError/wrongModel(_:)`` for the wrong number of ciphertexts, `CKKSError`
    ///   when the ciphertexts do not fit the evaluation (level, scale, keys).
    func evaluate(_ inputs: [Ciphertext], progress: ((Int, Int) -> Void)?) throws -> [Ciphertext]

    /// Evaluates the stages `stages` of one batch (stage 2k: layer k's dense part, 2k + 1: its
    /// activation; see ``RefreshPlan``): the batch's input ciphertexts when the range starts at
    /// 0, else the ciphertexts the previous stage left (refreshed to the top level when a cut
    /// precedes the range).
    /// - Parameters:
    ///   - inputs: The ciphertexts entering the first stage of the range.
    ///   - stages: A range of stages.
    ///   - progress: Called after each layer whose activation the range ends with (layers done, layers).
    /// - Throws: as ``evaluate(_:progress:)``.
    func evaluate(_ inputs: [Ciphertext], stages: Range<Int>, progress: ((Int, Int) -> Void)?) throws -> [Ciphertext]

    /// ``evaluate(_:stages:progress:)`` with up to `threads` threads inside the batch (the
    /// throughput packing's neurons; other packings ignore it).
    /// - Parameters:
    ///   - inputs: The ciphertexts entering the first stage of the range.
    ///   - stages: A range of stages.
    ///   - threads: Threads the batch may use.
    ///   - progress: Called after each layer whose activation the range ends with.
    /// - Throws: as ``evaluate(_:progress:)``.
    func evaluate(_ inputs: [Ciphertext], stages: Range<Int>, threads: Int, progress: ((Int, Int) -> Void)?) throws
        -> [Ciphertext]
}

extension PackedEvaluation {
    /// Every stage.
    /// - Parameters:
    ///   - inputs: The input ciphertexts.
    ///   - progress: Called after each layer (layers done, layers).
    /// - Throws: as ``evaluate(_:stages:progress:)``.
    public func evaluate(_ inputs: [Ciphertext], progress: ((Int, Int) -> Void)?) throws -> [Ciphertext] {
        try evaluate(inputs, stages: 0..<Int.max, progress: progress)
    }

    /// One thread per batch unless the packing overrides it.
    /// - Parameters:
    ///   - inputs: The ciphertexts entering the first stage of the range.
    ///   - stages: A range of stages.
    ///   - threads: Ignored.
    ///   - progress: Called after each layer whose activation the range ends with.
    /// - Throws: as ``evaluate(_:progress:)``.
    public func evaluate(
        _ inputs: [Ciphertext], stages: Range<Int>, threads: Int, progress: ((Int, Int) -> Void)?
    ) throws -> [Ciphertext] {
        try evaluate(inputs, stages: stages, progress: progress)
    }
}
