public import HefCKKS

/// The throughput packing: many samples per ciphertext. Ciphertext f of a batch holds feature
/// f of up to N/2 samples, one slot each; a dense layer is a linear combination of ciphertexts
/// (no rotations), so a batch of thousands costs about as much as one sample.
public struct ThroughputPacking: PackingLayout, Codable, Equatable {
    /// Slots per ciphertext of the ring the layout was computed for (N/2).
    public let slots: Int
    /// The model's input width: ciphertexts per input batch.
    public let inputCiphertexts: Int
    /// The model's output width: ciphertexts per output batch.
    public let outputCiphertexts: Int

    /// Always ``Packing/throughput``.
    public var packing: Packing { .throughput }
    /// N/2 samples per batch, one per slot.
    public var samplesPerBatch: Int { slots }
    /// None: dense layers are linear combinations of ciphertexts.
    public var rotationSteps: [Int] { [] }
    /// "N/2 samples per ciphertext".
    public var summary: String { "\(slots) samples per ciphertext" }

    /// The layout of a model of `inputSize` features and `outputSize` scores for a ring with
    /// `slots` slots.
    /// - Parameters:
    ///   - inputSize: The model's input width.
    ///   - outputSize: The model's output width.
    ///   - slots: Slots per ciphertext (N/2).
    /// - Throws: ``ModelError/planFailed(_:)`` when a size is not positive.
    public init(inputSize: Int, outputSize: Int, slots: Int) throws {
        guard inputSize >= 1, outputSize >= 1, slots >= 1 else { throw ModelError.planFailed("nothing to lay out") }
        self.slots = slots
        self.inputCiphertexts = inputSize
        self.outputCiphertexts = outputSize
    }

    /// One batch per row.
    public func batches(isolated: [Bool]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        while start < isolated.count {
            var end = start + 1
            if !isolated[start] {
                while end < isolated.count && end - start < slots && !isolated[end] { end += 1 }
            }
            out.append(start..<end)
            start = end
        }
        return out
    }

    /// Ciphertext f holds feature f of each row, one slot per row.
    public func slotValues(for rows: [[Double]]) -> [[Double]] {
        // Unused slots repeat the batch's first row: a zero row can lie far outside the
        // calibrated range (raw features with a folded scaler), where an approximated
        // activation's polynomial grows past the modulus and corrupts every slot.
        let padded = rows + Array(repeating: rows[0], count: slots - rows.count)
        return (0..<inputCiphertexts).map { f in padded.map { $0[f] } }
    }

    /// Slot s of output ciphertext j is score j of sample s.
    public func scores(fromDecrypted decrypted: [[Double]], samples: Int, outputSize: Int) -> [[Double]] {
        (0..<samples).map { s in decrypted.map { $0[s] } }
    }

    /// Nothing to encode ahead: the weights are scalars.
    /// - Parameters:
    ///   - layers: The compiled layers.
    ///   - evaluator: The server's evaluator.
    ///   - refresh: The model's refresh points (levels are read from the ciphertexts).
    /// - Throws: Never (the protocol allows it).
    public func prepareEvaluation(layers: [CompiledLayer], evaluator: Evaluator, refresh: RefreshPlan? = nil) throws
        -> any PackedEvaluation
    {
        ThroughputEvaluation(layout: self, layers: layers, evaluator: evaluator, refresh: refresh)
    }

    /// A linear combination scales the noise by the row norm; one rescale.
    public func denseNoise(
        layer: Int, outputWidth: Int, weightNorm: Double, inputNoise: Double, rescale: Double, keySwitch: Double,
        ringDegree: Int
    ) -> Double {
        let z = weightNorm * inputNoise
        return (z * z + rescale * rescale).squareRoot()
    }
}
