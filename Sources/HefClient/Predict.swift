import Foundation
public import HefCKKS
public import HefML
import HefRing
public import HefWire

/// What ``HefClient/predict(model:rows:output:outOfRange:flooding:)`` answers per row, as
/// `hefctl decrypt --output` does.
public enum PredictionOutput: String, Sendable, CaseIterable {
    /// The decrypted scores of the encrypted part.
    case scores
    /// The model's probabilities (its own output tail, applied locally).
    case probabilities
    /// The model's labels.
    case labels

    /// One CSV line of values, as `hefctl` writes them (`-0.0` written as `0.0`).
    /// - Parameter values: The values.
    public static func csvLine(_ values: some Sequence<Double>) -> String {
        values.map { v in "\(v == 0 ? 0 : v)" }.joined(separator: ",")
    }
}

/// The answer of a remote prediction: one output line per input row, in order, and what was
/// checked on the way.
public struct Prediction: Sendable {
    /// The model's id.
    public let modelID: String
    /// The evaluation keys' id on the server.
    public let keyID: String
    /// What `outputs` hold.
    public let output: PredictionOutput
    /// One line per input row, in order: the row's scores or probabilities as CSV, or its label;
    /// `invalid` for a row the model's guarantees do not cover (see `results`).
    public let outputs: [String]
    /// The decrypted scores with a verdict per row.
    public let results: InferenceResults
    /// The model's labels (nil for invalid rows).
    public let labels: [String?]
    /// The model's probabilities (nil for invalid rows).
    public let probabilities: [[Double]?]
    /// What the out-of-range policy did to rows (clamped, isolated), one sentence each.
    public let reports: [String]
    /// The verified receipt of the inference.
    public let receipt: Receipt
    /// True: a prediction is only answered when its receipt verified against the pinned key.
    public let receiptVerified: Bool
    /// True when this call generated the key set (the first prediction for this server and model).
    public let keysGenerated: Bool
    /// True when this call uploaded the evaluation keys.
    public let keysUploaded: Bool

    /// `outputs` as a CSV text, one line each: what `hefctl decrypt --output` writes.
    public var csv: String { outputs.map { $0 + "\n" }.joined() }
    /// 0-based indices of the invalid rows.
    public var invalidRows: [Int] { results.invalidRows }
    /// 0-based indices of the rows whose label the error bound could change.
    public var undecidedRows: [Int] { results.undecidedRows }
}

extension HefClient {
    /// The whole flow for rows of raw features: the model fetched and checked, the key set made
    /// once per (server, model) and kept in the keys folder, the evaluation keys uploaded once
    /// (again if the server no longer knows them), the rows encrypted with the compiled model's
    /// encoder, the inference answer's receipt verified, the results decrypted locally.
    /// - Parameters:
    ///   - model: The model's id or name.
    ///   - rows: One array of features per sample (the model's input width).
    ///   - output: Scores, probabilities or labels.
    ///   - outOfRange: What to do with rows outside the model's guaranteed range.
    ///   - flooding: Noise-flood each decryption (as `hefctl decrypt --flood`).
    /// - Returns: One output per row, in order, with the receipt.
    /// - Throws: ``HefClientError`` (pinning, manifest, receipt, server refusals, transport,
    ///   keys); `SealedKeyError` for a sealed secret key without the right passphrase;
    ///   `ModelError` for rows the model refuses (width, out of range with `.refuse`).
    public func predict(
        model: String, rows: [[Double]], output: PredictionOutput = .labels, outOfRange: OutOfRangePolicy = .refuse,
        flooding: FloodingPolicy? = nil
    ) async throws -> Prediction {
        let remote = try await self.model(model)
        let modelID = remote.entry.model.id
        guard !rows.isEmpty else { throw HefClientError.invalidInput("no rows to predict") }
        for (i, row) in rows.enumerated() where row.count != remote.compiled.inputSize {
            throw HefClientError.invalidInput(
                "row \(i + 1): \(row.count) values, the model expects \(remote.compiled.inputSize) features")
        }
        let signing = try await trustedKey()
        let (keys, generated) = try ownerKeys(for: remote)
        // The secret key first: a sealed one with a wrong passphrase fails before anything is sent.
        let passphrase = options.passphrase
        var secretBytes = try SecureFile.readSecretKeyBytes(path: keys.secretKeyPath) { try passphrase?() }
        defer { secureZero(&secretBytes) }
        let secretKey: SecretKey
        do { secretKey = try SecretKey(deserializing: secretBytes, context: remote.context) } catch {
            throw HefClientError.keys("\(keys.secretKeyPath): \(error)")
        }
        secureZero(&secretBytes)
        var uploaded = false
        if keys.registeredKeyID != keys.keyID {
            try await upload(keys, model: remote, serverID: signing.document.serverID)
            uploaded = true
        }
        let client = InferenceClient(model: remote.compiled, context: remote.context)
        let prepared = try client.prepare(rows, outOfRange: outOfRange)
        options.progress?("encrypting \(rows.count) row\(rows.count == 1 ? "" : "s")")
        let publicKey = try PublicKey(deserializing: keys.publicKeyBytes, context: remote.context)
        let request = try client.encrypt(prepared, publicKey: publicKey).serialized(context: remote.context)
        options.progress?("waiting for the server")
        var answer: VerifiedInference
        do {
            answer = try await infer(model: modelID, keyID: keys.keyID, ciphertexts: request)
        } catch let error as HefClientError where error.serverCode == "unknown_key" && !uploaded {
            // The server lost or deleted the registration: upload again, once.
            try await upload(keys, model: remote, serverID: signing.document.serverID)
            uploaded = true
            answer = try await infer(model: modelID, keyID: keys.keyID, ciphertexts: request)
        }
        // A model with client-aided refreshes answers a refresh request at each cut: refresh it
        // with the secret key and send it back, until the outputs come (each answer's receipt
        // was verified by `infer`).
        let roundTrips = remote.compiled.plan.refresh.map { $0.bootstrap == nil ? $0.cuts.count : 0 } ?? 0
        var round = 0
        while true {
            let response = try ModelCiphertexts.summary(answer.response)
            guard response.stage == .refreshRequest else { break }
            round += 1
            guard round <= roundTrips else {
                throw HefClientError.receiptRefused(
                    "the server asked for refresh round trip \(round); the model has \(roundTrips)")
            }
            options.progress?("refreshing (round trip \(round) of \(roundTrips))")
            let refreshRequest = try ModelCiphertexts(deserializing: answer.response, context: remote.context)
            let refreshed = try client.refresh(refreshRequest, secretKey: secretKey).serialized(context: remote.context)
            options.progress?("waiting for the server")
            answer = try await infer(model: modelID, keyID: keys.keyID, ciphertexts: refreshed)
        }
        options.progress?("decrypting")
        let results = try ModelCiphertexts(deserializing: answer.response, context: remote.context)
        let decrypted = try client.decrypt(results, secretKey: secretKey, flooding: flooding)
        let labels = client.labels(of: decrypted)
        let probabilities = client.probabilities(of: decrypted)
        var lines: [String] = []
        for (i, row) in decrypted.rows.enumerated() {
            if case .invalid = row.status {
                lines.append("invalid")
                continue
            }
            switch output {
            case .scores: lines.append(PredictionOutput.csvLine(row.scores))
            case .probabilities: lines.append(PredictionOutput.csvLine(probabilities[i] ?? []))
            case .labels: lines.append(labels[i] ?? "invalid")
            }
        }
        return Prediction(
            modelID: modelID, keyID: keys.keyID, output: output, outputs: lines, results: decrypted, labels: labels,
            probabilities: probabilities, reports: prepared.reports.map { "\($0)" }, receipt: answer.receipt,
            receiptVerified: true, keysGenerated: generated, keysUploaded: uploaded)
    }

    /// The cached key set of a (server, model), made on first use.
    struct CachedKeys {
        var directory: URL
        var secretKeyPath: String
        var publicKeyBytes: [UInt8]
        /// What the server gets: the evaluation keys file, or a `KeyBundle` (HefWire) of it with the
        /// public key (refreshes) or the encapsulation keys (bootstraps).
        var uploadBytes: [UInt8]
        /// SHA-256 of `uploadBytes`: the id the server gives them.
        var keyID: String
        /// The id recorded after the last successful upload to this server.
        var registeredKeyID: String?
    }

    struct Registration: Codable {
        var keyID: String
        var serverID: String
    }

    func ownerKeys(for model: RemoteModel) throws -> (CachedKeys, generated: Bool) {
        let directory = try modelDirectory(model.entry.model.id)
        let secret = directory.appendingPathComponent("secret.key").path
        let publicPath = directory.appendingPathComponent("public.key").path
        let eval = directory.appendingPathComponent("eval.key").path
        let registration = directory.appendingPathComponent("registration.json")
        let fm = FileManager.default
        var generated = false
        let encaps = directory.appendingPathComponent("encaps.key").path
        let bootstraps = model.compiled.plan.refresh?.bootstrap != nil
        let refreshes = model.compiled.plan.refresh != nil && !bootstraps
        if !([secret, publicPath, eval] + (bootstraps ? [encaps] : [])).allSatisfy(fm.fileExists(atPath:)) {
            options.progress?("generating keys for \(model.entry.model.name)")
            let progress = options.progress
            // Keys that reach only the levels the model rotates at; a model that bootstraps
            // also gets the bootstrapper's keys and encapsulation keys (`hefctl keygen --model`).
            let made = try GeneratedKeys.generate(
                context: model.context, rotationSteps: model.compiled.plan.rotationSteps,
                galoisMaxLevel: model.compiled.maxOperationLevel, progress: { progress?("generating keys: \($0)") })
            var stream = RandomStream.secure()
            defer { stream.wipe() }
            let keys = try KeyGenerator(context: model.context).completing(
                made.evaluationKeys, for: made.secretKey, model: model.compiled,
                progress: { done, total in progress?("generating keys: bootstrapping key \(done)/\(total)") },
                stream: &stream)
            var passphrase: String?
            if options.sealNewSecretKeys {
                guard let ask = options.passphrase else {
                    throw HefClientError.keys("sealing new secret keys needs a passphrase")
                }
                passphrase = try ask()
            }
            try? fm.removeItem(at: registration)
            try SecureFile.write(try made.publicKey.serialized(context: model.context), to: publicPath)
            try SecureFile.write(try keys.evaluation.serialized(context: model.context), to: eval)
            if let encapsulation = keys.encapsulation {
                try SecureFile.write(try encapsulation.serialized(context: model.context), to: encaps)
            }
            // The secret key last: its presence marks a complete set.
            try SecureFile.writeSecretKey(
                made.secretKey, context: model.context, to: secret, passphrase: passphrase)
            generated = true
        }
        let publicBytes = try SecureFile.read(path: publicPath)
        let evalBytes = try SecureFile.read(path: eval)
        let encapsBytes = bootstraps ? try SecureFile.read(path: encaps) : nil
        var files = [(publicPath, publicBytes), (eval, evalBytes)]
        if let encapsBytes { files.append((encaps, encapsBytes)) }
        for (path, bytes) in files {
            guard let header = try? HefFile.parametersLiteral(of: bytes), header.0 == model.compiled.plan.parameters
            else {
                throw HefClientError.keys("\(path) is not a key file for the model's parameters")
            }
        }
        // What the server needs: the evaluation keys, with the public key for refreshes and the
        // encapsulation keys for bootstraps (a key bundle); its SHA-256 is the key id.
        let upload =
            refreshes
            ? KeyBundle.make([evalBytes, publicBytes])
            : encapsBytes.map { KeyBundle.make([evalBytes, $0]) } ?? evalBytes
        var registered: String?
        if let data = fm.contents(atPath: registration.path),
            let record = try? JSONDecoder().decode(Registration.self, from: data)
        {
            registered = record.keyID
        }
        return (
            CachedKeys(
                directory: directory, secretKeyPath: secret, publicKeyBytes: publicBytes, uploadBytes: upload,
                keyID: sha256Hex(upload), registeredKeyID: registered),
            generated
        )
    }

    func upload(_ keys: CachedKeys, model: RemoteModel, serverID: String) async throws {
        options.progress?("uploading evaluation keys (\(keys.uploadBytes.count / 1024) KiB)")
        let answer = try await registerKeys(keys.uploadBytes, model: model.entry.model.id)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(Registration(keyID: answer.keyID, serverID: serverID))
        try SecureFile.write(Array(data), to: keys.directory.appendingPathComponent("registration.json").path)
    }
}
