public import HefCKKS

/// The throughput packing: many samples per ciphertext. Ciphertext f of a batch holds feature
/// f of up to N/2 samples, one slot each; a dense layer is a linear combination of ciphertexts
/// (no rotations), so a batch of thousands costs about as much as one sample.
public struct ThroughputPacking: PackingLayout, Codable, Equatable {
    public let slots: Int
    /// The model's input width: ciphertexts per input batch.
    public let inputCiphertexts: Int
    /// The model's output width: ciphertexts per output batch.
    public let outputCiphertexts: Int

    public var packing: Packing { .throughput }
    public var samplesPerBatch: Int { slots }
    public var rotationSteps: [Int] { [] }
    public var summary: String { "\(slots) samples per ciphertext" }

    /// The layout of a model of `inputSize` features and `outputSize` scores for a ring with
    /// `slots` slots.
    /// - Throws: ``ModelError/planFailed(_:)`` when a size is not positive.
    public init(inputSize: Int, outputSize: Int, slots: Int) throws {
        guard inputSize >= 1, outputSize >= 1, slots >= 1 else { throw ModelError.planFailed("nothing to lay out") }
        self.slots = slots
        self.inputCiphertexts = inputSize
        self.outputCiphertexts = outputSize
    }

    /// Consecutive admissible rows share batches of up to N/2 samples; each isolated row has a
    /// batch of its own, so rows stay in order.
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

    public func slotValues(for rows: [[Double]]) -> [[Double]] {
        // Unused slots repeat the batch's first row: a zero row can lie far outside the
        // calibrated range (raw features with a folded scaler), where an approximated
        // activation's polynomial grows past the modulus and corrupts every slot.
        let padded = rows + Array(repeating: rows[0], count: slots - rows.count)
        return (0..<inputCiphertexts).map { f in padded.map { $0[f] } }
    }

    public func scores(fromDecrypted decrypted: [[Double]], samples: Int, outputSize: Int) -> [[Double]] {
        (0..<samples).map { s in decrypted.map { $0[s] } }
    }

    public func prepareEvaluation(layers: [CompiledLayer], evaluator: Evaluator) throws -> any PackedEvaluation {
        ThroughputEvaluation(layout: self, layers: layers, evaluator: evaluator)
    }

    public func denseNoise(
        layer: Int, outputWidth: Int, weightNorm: Double, inputNoise: Double, rescale: Double, keySwitch: Double, ringDegree: Int
    ) -> Double {
        let z = weightNorm * inputNoise
        return (z * z + rescale * rescale).squareRoot()
    }
}
