/// The data owner's side: encrypts samples for a compiled model and turns decrypted results
/// into scores, probabilities and labels with the model's own output tail.
public struct InferenceClient: Sendable {
    public let model: CompiledModel
    public let context: CKKSContext

    public init(model: CompiledModel, context: CKKSContext) {
        self.model = model
        self.context = context
    }

    /// Checks row widths and values.
    public func validate(_ rows: [[Double]]) throws {
        for (r, row) in rows.enumerated() {
            guard row.count == model.inputSize else {
                throw ModelError.inputShape(row: r + 1, expected: model.inputSize, found: row.count)
            }
            if let c = row.firstIndex(where: { !$0.isFinite }) {
                throw ModelError.notANumber(row: r + 1, column: c + 1, text: "\(row[c])")
            }
        }
    }

    /// The plaintexts to encrypt, batch by batch.
    public func encode(_ rows: [[Double]]) throws -> [(samples: Int, plaintexts: [Plaintext])] {
        try validate(rows)
        let slots = context.parameters.maxSlots
        switch model.packing {
        case .latency:
            let first = try LatencyLayout.layouts(layers: model.layers, inputSize: model.inputSize, slots: slots)[0]
            return try rows.map { row in
                (1, try LatencyLayout.slots(for: row, layout: first, period: model.plan.blockSize, slots: slots).map { try context.encode($0) })
            }
        case .throughput:
            var batches: [(Int, [Plaintext])] = []
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(rows.count, start + slots)]
                let plaintexts = try (0..<model.inputSize).map { f in
                    try context.encode(chunk.map { $0[f] }, slots: slots)
                }
                batches.append((chunk.count, plaintexts))
                start += slots
            }
            return batches
        }
    }

    /// Encrypts rows under the public key.
    public func encrypt(_ rows: [[Double]], publicKey: PublicKey, progress: ((Int, Int) -> Void)? = nil) throws -> ModelCiphertexts {
        let encryptor = Encryptor(context: context)
        let encoded = try encode(rows)
        var batches: [ModelCiphertexts.Batch] = []
        for (i, batch) in encoded.enumerated() {
            batches.append(.init(samples: batch.samples, ciphertexts: try batch.plaintexts.map { try encryptor.encrypt($0, publicKey: publicKey) }))
            progress?(i + 1, encoded.count)
        }
        return ModelCiphertexts(modelID: model.id, stage: .inputs, batches: batches)
    }

    /// Decrypts results into one score vector per sample, in input order.
    /// - Parameter flooding: when set, each decryption is noise-flooded (``Decryptor/decrypt(_:flooding:)``).
    public func decryptScores(
        _ results: ModelCiphertexts, secretKey: SecretKey, roundingBits: Int? = nil, flooding: FloodingPolicy? = nil
    ) throws -> [[Double]] {
        try results.check(model: model, stage: .outputs)
        let decryptor = try Decryptor(context: context, secretKey: secretKey)
        func values(_ ct: Ciphertext) throws -> [Double] {
            if let flooding { return try decryptor.decryptValues(ct, flooding: flooding, roundingBits: roundingBits) }
            return try decryptor.decryptValues(ct, roundingBits: roundingBits)
        }
        var scores: [[Double]] = []
        for batch in results.batches {
            switch model.packing {
            case .latency:
                scores.append(Array(try values(batch.ciphertexts[0]).prefix(model.outputSize)))
            case .throughput:
                let columns = try batch.ciphertexts.map { try values($0) }
                for s in 0..<batch.samples { scores.append(columns.map { $0[s] }) }
            }
        }
        return scores
    }
}
