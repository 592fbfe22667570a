public import HefCKKS

extension InferenceClient {
    /// The key holder's step of a client-aided refresh (`hefctl refresh`): every masked
    /// ciphertext of `request` decrypted to its integers and encrypted again at the top level
    /// (seeded, half size), in the same order, for the same segment and round trip. The key
    /// holder learns nothing of the values: the server's mask hides them (docs/refresh.md).
    /// - Parameters:
    ///   - request: The server's refresh request for this model.
    ///   - secretKey: The secret key the inputs were encrypted for.
    /// - Throws: ``ModelError/wrongModel(_:)`` for a file of another model or stage;
    ///   `CKKSError/keyMismatch(expected:found:)` for another key's ciphertexts.
    public func refresh(_ request: ModelCiphertexts, secretKey: SecretKey) throws -> ModelCiphertexts {
        try request.check(model: model, stage: .refreshRequest)
        let encryptor = Encryptor(context: context)
        let batches = try request.batches.map { batch in
            ModelCiphertexts.Batch(
                samples: batch.samples,
                ciphertexts: try batch.ciphertexts.map { try encryptor.refresh($0, secretKey: secretKey) },
                outOfRange: batch.outOfRange)
        }
        return ModelCiphertexts(
            modelID: request.modelID, stage: .refreshed, batches: batches, segment: request.segment,
            requestID: request.requestID)
    }
}
