public import HefCKKS

extension InferenceClient {
    /// The key holder's step of a client-aided refresh (`hefctl refresh`): every masked
    /// ciphertext of `request` decrypted to its integers and encrypted again at the level its
    /// next segment starts at (seeded, half size), in the same order, for the same segment and round trip. The key
    /// holder learns nothing of the values: the server's mask hides them (docs/refresh.md).
    /// - Parameters:
    ///   - request: The server's refresh request for this model.
    ///   - secretKey: The secret key the inputs were encrypted for.
    /// - Throws: ``ModelError/wrongModel(_:)`` for a file of another model or stage;
    ///   `CKKSError/keyMismatch(expected:found:)` for another key's ciphertexts.
    public func refresh(_ request: ModelCiphertexts, secretKey: SecretKey) throws -> ModelCiphertexts {
        try request.check(model: model, stage: .refreshRequest)
        let encryptor = Encryptor(context: context)
        // check() made sure the segment exists.
        let level = model.segmentStartLevels[request.segment]
        let batches = try request.batches.map { batch in
            ModelCiphertexts.Batch(
                samples: batch.samples,
                ciphertexts: try batch.ciphertexts.map {
                    try encryptor.refresh($0, secretKey: secretKey, level: level)
                },
                outOfRange: batch.outOfRange)
        }
        return ModelCiphertexts(
            modelID: request.modelID, stage: .refreshed, batches: batches, segment: request.segment,
            requestID: request.requestID)
    }
}
