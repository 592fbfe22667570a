public import HefCKKS

/// The data owner's side: encrypts samples for a compiled model and turns decrypted results
/// into scores, probabilities and labels with the model's own output tail.
public struct InferenceClient: Sendable {
    /// The compiled model (from ``CompiledModel/load(contentsOf:)`` or the compiler: checked).
    public let model: CompiledModel
    /// The context of the model's parameters.
    public let context: CKKSContext

    /// A client for `model` in `context` (the context of the model's plan).
    public init(model: CompiledModel, context: CKKSContext) {
        self.model = model
        self.context = context
    }

    /// Checks row widths and values.
    /// - Parameter rows: Raw input rows.
    /// - Throws: ``ModelError/inputShape(row:expected:found:)`` for a row of the wrong width,
    ///   ``ModelError/notANumber(row:column:text:)`` for a non-finite value.
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

    /// Checks every row against the plan's guarantees and applies `policy` to those outside
    /// (see ``OutOfRangePolicy``).
    /// - Parameters:
    ///   - rows: Raw input rows.
    ///   - policy: What to do with a row outside the guarantees.
    /// - Throws: ``ModelError/inputShape(row:expected:found:)`` and ``ModelError/notANumber(row:column:text:)``
    ///   from ``validate(_:)``; ``ModelError/outOfRange(_:)`` for `.refuse`, or for `.clamp` when the
    ///   model has no guaranteed input box.
    public func prepare(_ rows: [[Double]], outOfRange policy: OutOfRangePolicy = .refuse) throws -> PreparedRows {
        try validate(rows)
        var prepared = PreparedRows(rows: rows, isolated: Array(repeating: false, count: rows.count), reports: [])
        let g = model.rangeGuarantees
        for (r, row) in rows.enumerated() {
            guard let violation = model.admissibility(of: row, index: r, guarantees: g) else { continue }
            switch policy {
            case .refuse:
                throw ModelError.outOfRange(
                    violation.description + " (use --out-of-range clamp or isolate to encrypt it anyway)")
            case .clamp:
                guard let clamped = model.clamped(row, guarantees: g),
                    model.admissibility(of: clamped, index: r, guarantees: g) == nil
                else {
                    throw ModelError.outOfRange(
                        violation.description
                            + " (the model has no guaranteed input box to clamp to: compile it with --calibrate)")
                }
                prepared.rows[r] = clamped
                prepared.reports.append(.init(row: r + 1, violation: violation, action: .clamped))
            case .isolate:
                prepared.isolated[r] = true
                prepared.reports.append(.init(row: r + 1, violation: violation, action: .isolated))
            }
        }
        return prepared
    }

    /// The plaintexts to encrypt, batch by batch (rows checked with the `.refuse` policy).
    /// - Parameter rows: Raw input rows.
    /// - Throws: ``ModelError/inputShape(row:expected:found:)`` and ``ModelError/notANumber(row:column:text:)``
    ///   for malformed rows; ``ModelError/outOfRange(_:)`` for a row outside the guarantees under
    ///   `.refuse` (or `.clamp` without a guaranteed box); ``ModelError/wrongModel(_:)`` when the
    ///   context is not the model's; `CKKSError` cases of encoding and encryption (a public key for
    ///   other parameters).
    public func encode(_ rows: [[Double]]) throws -> [(samples: Int, plaintexts: [Plaintext], outOfRange: Bool)] {
        try encode(try prepare(rows))
    }

    /// The plaintexts to encrypt, batch by batch, as the plan's slot layout groups and places
    /// the rows (latency packing: one batch per row; throughput packing: consecutive admissible
    /// rows share batches of up to N/2 samples, each isolated row alone, rows in order).
    /// - Parameter prepared: Rows from ``prepare(_:outOfRange:)``.
    /// - Throws: ``ModelError/wrongModel(_:)`` when the context is not the model's;
    ///   ``ModelError/invalidModel(_:)`` when the model has no slot layout; `CKKSError` when
    ///   encoding fails.
    public func encode(_ prepared: PreparedRows) throws -> [(samples: Int, plaintexts: [Plaintext], outOfRange: Bool)] {
        let layout = try checkedLayout()
        // At the level the first segment starts at: the top one, unless the model has refresh
        // points and the first segment needs fewer primes.
        let level = model.plan.refresh == nil ? nil : model.segmentStartLevels[0]
        let scale = model.plan.refresh == nil ? nil : context.parameters.defaultScale
        return try layout.batches(isolated: prepared.isolated).map { range in
            let values = layout.slotValues(for: Array(prepared.rows[range]))
            return (
                range.count, try values.map { try context.encode($0, level: level, scale: scale, slots: layout.slots) },
                prepared.isolated[range.lowerBound]
            )
        }
    }

    /// The model's layout, checked against the context.
    private func checkedLayout() throws -> any PackingLayout {
        guard context.parameters.literal == model.plan.parameters else {
            throw ModelError.wrongModel("the context's parameters are not the model's")
        }
        let layout = try model.layout
        guard layout.slots == context.parameters.maxSlots else {
            throw ModelError.invalidModel("the plan's slot layout was computed for another ring")
        }
        return layout
    }

    /// Encrypts rows under the public key, after checking them against the plan's guarantees
    /// with `policy`.
    /// - Parameters:
    ///   - rows: Raw input rows.
    ///   - publicKey: The data owner's public key.
    ///   - policy: What to do with a row outside the guarantees.
    ///   - progress: Called after each batch with (batches done, batches).
    /// - Throws: ``ModelError/inputShape(row:expected:found:)`` and ``ModelError/notANumber(row:column:text:)``
    ///   for malformed rows; ``ModelError/outOfRange(_:)`` for a row outside the guarantees under
    ///   `.refuse` (or `.clamp` without a guaranteed box); ``ModelError/wrongModel(_:)`` when the
    ///   context is not the model's; `CKKSError` cases of encoding and encryption (a public key for
    ///   other parameters).
    public func encrypt(
        _ rows: [[Double]], publicKey: PublicKey, outOfRange policy: OutOfRangePolicy = .refuse,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> ModelCiphertexts {
        try encrypt(try prepare(rows, outOfRange: policy), publicKey: publicKey, progress: progress)
    }

    /// Encrypts prepared rows under the public key: the query for ``EncryptedMLP``'s `evaluate`.
    /// - Parameters:
    ///   - prepared: Rows from ``prepare(_:outOfRange:)``.
    ///   - publicKey: The data owner's public key.
    ///   - progress: Called after each batch with (batches done, batches).
    /// - Throws: ``ModelError/wrongModel(_:)`` when the context is not the model's; `CKKSError` cases
    ///   of encoding and encryption (a public key for other parameters).
    public func encrypt(_ prepared: PreparedRows, publicKey: PublicKey, progress: ((Int, Int) -> Void)? = nil) throws
        -> ModelCiphertexts
    {
        let encryptor = Encryptor(context: context)
        let encoded = try encode(prepared)
        var batches: [ModelCiphertexts.Batch] = []
        for (i, batch) in encoded.enumerated() {
            batches.append(
                .init(
                    samples: batch.samples,
                    ciphertexts: try batch.plaintexts.map { try encryptor.encrypt($0, publicKey: publicKey) },
                    outOfRange: batch.outOfRange))
            progress?(i + 1, encoded.count)
        }
        return ModelCiphertexts(modelID: model.id, stage: .inputs, batches: batches)
    }

    /// Decrypts results and checks each row: rows isolated as out of range, and rows whose
    /// scores leave the interval the plan guarantees, are marked invalid; rows whose label an
    /// error within the plan's combined bound could change are marked undecided.
    /// With `flooding`, the flooding noise (8σ per value) widens every bound.
    /// - Parameters:
    ///   - results: The server's response.
    ///   - secretKey: The secret key the inputs were encrypted for.
    ///   - roundingBits: Round each value to this many bits after the binary point.
    ///   - flooding: Noise-flood each decryption.
    /// - Throws: As ``decryptScores(_:secretKey:roundingBits:flooding:)``.
    public func decrypt(
        _ results: ModelCiphertexts, secretKey: SecretKey, roundingBits: Int? = nil, flooding: FloodingPolicy? = nil
    ) throws -> InferenceResults {
        let scores = try decryptScores(results, secretKey: secretKey, roundingBits: roundingBits, flooding: flooding)
        var flags: [Bool] = []
        for batch in results.batches { flags += Array(repeating: batch.outOfRange, count: batch.samples) }
        var g = model.rangeGuarantees
        if let flooding, let scale = results.batches.first?.ciphertexts.first?.scale {
            let extra = 8 * flooding.slotDeviation(n: context.parameters.n, scale: scale)
            g.noiseBound = g.noiseBound.map { $0 + extra }
        }
        let bounds = (0..<model.outputSize).map(g.combinedBound)
        var rows: [InferenceResults.Row] = []
        for (i, s) in scores.enumerated() {
            var status = InferenceResults.Status.valid
            if flags[i] {
                status = .invalid("the row was outside the model's range and encrypted alone (--out-of-range isolate)")
            } else if let why = model.outputViolation(s, guarantees: g) {
                status = .invalid(why)
            } else if !model.labelIsDecided(s, bounds: bounds) {
                status = .undecided
            }
            rows.append(.init(scores: s, status: status))
        }
        return InferenceResults(rows: rows)
    }

    /// Decrypts results and applies the model's own output tail: one label per sample, in
    /// input order, nil for a row reported invalid (see ``decrypt(_:secretKey:roundingBits:flooding:)``).
    /// - Parameters:
    ///   - results: The server's response.
    ///   - secretKey: The secret key the inputs were encrypted for.
    ///   - roundingBits: Round each value to this many bits after the binary point.
    ///   - flooding: Noise-flood each decryption (its noise widens every bound).
    /// - Throws: As ``decryptScores(_:secretKey:roundingBits:flooding:)``.
    public func decryptLabels(
        _ results: ModelCiphertexts, secretKey: SecretKey, roundingBits: Int? = nil, flooding: FloodingPolicy? = nil
    ) throws -> [String?] {
        labels(of: try decrypt(results, secretKey: secretKey, roundingBits: roundingBits, flooding: flooding))
    }

    /// Decrypts results and applies the model's own output tail: probabilities per sample (the
    /// scores for a regression), nil for a row reported invalid.
    /// - Parameters:
    ///   - results: The server's response.
    ///   - secretKey: The secret key the inputs were encrypted for.
    ///   - roundingBits: Round each value to this many bits after the binary point.
    ///   - flooding: Noise-flood each decryption (its noise widens every bound).
    /// - Throws: As ``decryptScores(_:secretKey:roundingBits:flooding:)``.
    public func decryptProbabilities(
        _ results: ModelCiphertexts, secretKey: SecretKey, roundingBits: Int? = nil, flooding: FloodingPolicy? = nil
    ) throws -> [[Double]?] {
        probabilities(of: try decrypt(results, secretKey: secretKey, roundingBits: roundingBits, flooding: flooding))
    }

    /// The model's labels for decrypted results, nil for rows reported invalid.
    public func labels(of results: InferenceResults) -> [String?] {
        results.rows.map { row in
            if case .invalid = row.status { return nil }
            return model.source.output.label(row.scores)
        }
    }

    /// The model's probabilities (scores for a regression) for decrypted results, nil for rows
    /// reported invalid.
    public func probabilities(of results: InferenceResults) -> [[Double]?] {
        results.rows.map { row in
            if case .invalid = row.status { return nil }
            return model.source.output.probabilities(row.scores)
        }
    }

    /// Decrypts results into one score vector per sample, in input order.
    /// - Parameters:
    ///   - results: The server's response.
    ///   - secretKey: The secret key the inputs were encrypted for.
    ///   - roundingBits: Round each value to this many bits after the binary point.
    ///   - flooding: When set, each decryption is noise-flooded (`Decryptor/decrypt(_:flooding:)`).
    /// - Throws: ``ModelError/wrongModel(_:)`` when the results were made for another model, hold
    ///   inputs, have batches of the wrong shape, or the context is not the model's;
    ///   `CKKSError` cases of decryption (a key for other parameters, an invalid flooding policy).
    public func decryptScores(
        _ results: ModelCiphertexts, secretKey: SecretKey, roundingBits: Int? = nil, flooding: FloodingPolicy? = nil
    ) throws -> [[Double]] {
        try results.check(model: model, stage: .outputs)
        let decryptor = try Decryptor(context: context, secretKey: secretKey)
        func values(_ ct: Ciphertext) throws -> [Double] {
            if let flooding { return try decryptor.decryptValues(ct, flooding: flooding, roundingBits: roundingBits) }
            return try decryptor.decryptValues(ct, roundingBits: roundingBits)
        }
        let layout = try checkedLayout()
        var scores: [[Double]] = []
        for batch in results.batches {
            let decrypted = try batch.ciphertexts.map { try values($0) }
            scores += layout.scores(fromDecrypted: decrypted, samples: batch.samples, outputSize: model.outputSize)
        }
        return scores
    }
}
