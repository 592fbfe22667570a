import Crypto
import Foundation
import HefCKKS
import HefML
import HefWire

// The one file of HefService that calls HefML and HefCKKS. The library's API is being
// reworked in another branch; when it is merged, only this file should need to follow.
// Everything else in the service sees `ServedModel`, `ModelDescription` and byte arrays.

/// A compiled model the service serves, loaded from a `*.hef` file.
public struct ServedModel: Sendable {
    /// `CompiledModel.id` as 16 lowercase hex digits: the name ciphertext files carry.
    public let id: String
    /// The file's stem (`digits-square` for `digits-square.hef`), the other accepted name.
    public let name: String
    /// The compiled model file as served (`GET /v1/models/{id}/compiled`): its client part, or
    /// the whole file when the server publishes weights.
    public let compiledBytes: [UInt8]
    /// SHA-256 of `compiledBytes`, hex.
    public let contentSHA256: String
    public let description: ModelDescription
    let compiled: CompiledModel
}

/// The checks run on uploaded evaluation keys, and what they found.
public struct ValidatedKeys: Sendable {
    public var parametersID: String
    public var galoisKeys: Int
}

/// An evaluator for one model and one key set, built once and reused (it pre-encodes the
/// model's transforms).
public struct PreparedEvaluator: Sendable {
    let mlp: EncryptedMLP
    /// The secret key's id the evaluation keys were made under (ciphertexts carry it too).
    let keyID: UInt64
    /// The key holder's public key, for a model with client-aided refreshes.
    let publicKey: PublicKey?
}

public enum ModelRuntime {
    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }

    /// Loads every `*.hef` file of a folder (sorted by name).
    /// - Parameters:
    ///   - directory: The models folder.
    ///   - publishWeights: Serve each whole compiled file instead of its client part (see
    ///     ``loadModel(url:publishWeights:)``).
    public static func loadModels(directory: URL, publishWeights: Bool = false) throws -> [ServedModel] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ServiceError.configuration("cannot read the models folder \(directory.path)")
        }
        return try names.filter { $0.hasSuffix(".hef") }.sorted().map { file in
            try loadModel(url: directory.appendingPathComponent(file), publishWeights: publishWeights)
        }
    }

    /// Loads one compiled model. What data owners fetch (`compiledBytes`) is its client part
    /// (`CompiledModel.clientPart()`: no weights, biases or scaler; rows are checked against
    /// the guaranteed input box), or with `publishWeights` the file as it is.
    /// - Throws: ``ServiceError/configuration(_:)`` for a file that cannot be read or is not a
    ///   valid compiled model, and, without `publishWeights`, for a model without a guaranteed
    ///   input box.
    public static func loadModel(url: URL, publishWeights: Bool = false) throws -> ServedModel {
        let compiled: CompiledModel
        do { compiled = try CompiledModel.load(contentsOf: url) } catch {
            throw ServiceError.configuration("\(url.lastPathComponent): \(error)")
        }
        guard !compiled.weightsWithheld else {
            throw ServiceError.configuration(
                "\(url.lastPathComponent) is a model's client part (its weights are withheld): serve the full compiled model"
            )
        }
        let bytes: [UInt8]
        if publishWeights {
            do { bytes = Array(try Data(contentsOf: url)) } catch {
                throw ServiceError.configuration("cannot read \(url.path)")
            }
        } else {
            do { bytes = Array(try compiled.clientPart().jsonData()) } catch {
                throw ServiceError.configuration(
                    "\(url.lastPathComponent): \(error) — compile it with --calibrate, or serve with --publish-weights to give data owners the whole model"
                )
            }
        }
        let parameters: CKKSParameters
        do { parameters = try CKKSParameters(compiled.plan.parameters) } catch {
            throw ServiceError.configuration("\(url.lastPathComponent): \(error)")
        }
        let hash = SHA256.hash(data: bytes).hexString
        let name = url.deletingPathExtension().lastPathComponent
        let id = hex16(compiled.id)
        let description = ModelDescription(
            id: id, name: name, modelName: compiled.source.name, task: compiled.source.task.rawValue,
            parameters: compiled.plan.parameters, parametersID: hex16(parameters.id),
            packing: compiled.packing.rawValue, inputWidth: compiled.inputSize, outputWidth: compiled.outputSize,
            outputTail: compiled.source.output, rotationSteps: compiled.plan.rotationSteps,
            samplesPerCiphertext: compiled.plan.samplesPerCiphertext, contentSHA256: hash,
            refresh: compiled.plan.refresh.map { $0.bootstrap == nil ? "client" : "bootstrap" },
            weights: publishWeights ? "published" : "withheld")
        return ServedModel(
            id: id, name: name, compiledBytes: bytes, contentSHA256: hash, description: description, compiled: compiled)
    }

    /// How data owners check rows for `model`, for the start-up log: the whole plan (weights
    /// published), or the guaranteed box and how much of the calibration box it covers.
    static func rowCheck(_ model: ServedModel) -> String {
        guard model.description.weights == "withheld" else { return "weights published" }
        let fraction = model.compiled.rangeGuarantees.boxFraction.map { String(format: "%.0f %%", 100 * $0) } ?? "?"
        return "weights withheld, rows checked against a box of \(fraction) of the calibration box"
    }

    /// A warning for a model served without its weights whose guaranteed box covers less than
    /// half of its calibration box: data owners' rows outside it are refused by default.
    static func narrowBoxWarning(_ model: ServedModel) -> String? {
        guard model.description.weights == "withheld", let t = model.compiled.rangeGuarantees.boxFraction, t < 0.5
        else { return nil }
        return String(
            format:
                "%@: its guaranteed input box is %.0f %% of its calibration box; without the weights data owners can check only rows inside it, and rows outside are refused unless they clamp or isolate them (compile it with --fit-box to guarantee its whole calibration box, or serve with --publish-weights to let them check every row)",
            model.name, 100 * t)
    }

    /// The key material of an upload, read under the model's context.
    struct UploadedKeys {
        var evaluation: EvaluationKeys
        var publicKey: PublicKey?
        var encapsulation: EncapsulationKeys?
    }

    /// Reads an upload: an evaluation keys file, or a `KeyBundle` (HefWire) of one with the public key
    /// and the encapsulation keys. Any other kind of file (a secret key above all) is refused
    /// from its header, before its payload is read.
    static func readKeys(_ bytes: [UInt8], model: ServedModel, context: CKKSContext) throws -> UploadedKeys {
        let parts: [(kind: HefFileKind, bytes: [UInt8])]
        do { parts = try KeyBundle.parts(of: bytes) } catch {
            throw ServiceError.badRequest("malformed_keys", "not a Hef evaluation keys file or key bundle: \(error)")
        }
        return try readKeys(parts: parts, model: model, context: context)
    }

    /// Refuses an uploaded file that is not public key material (a secret key above all).
    static func checkUploadKind(_ kind: HefFileKind) throws {
        guard [.evaluationKeys, .publicKey, .encapsulationKeys].contains(kind) else {
            throw ServiceError.badRequest(
                "wrong_kind", "this is a Hef \(kind) file; upload the evaluation keys (eval.key)")
        }
    }

    /// Reads the parts of an upload (see ``readKeys(_:model:context:)``).
    static func readKeys(parts: [(kind: HefFileKind, bytes: [UInt8])], model: ServedModel, context: CKKSContext)
        throws -> UploadedKeys
    {
        for part in parts { try checkUploadKind(part.kind) }
        var files: [HefFileKind: [UInt8]] = [:]
        for part in parts {
            guard files[part.kind] == nil else {
                throw ServiceError.badRequest("malformed_keys", "the key bundle holds two \(part.kind) files")
            }
            guard (try? HefFile.parametersLiteral(of: part.bytes).literal) == model.compiled.plan.parameters else {
                throw ServiceError.unprocessable(
                    "wrong_parameters",
                    "these keys were made for other parameters than the model's (generate them with hefctl keygen --model)"
                )
            }
            files[part.kind] = part.bytes
        }
        guard let evaluationBytes = files[.evaluationKeys] else {
            throw ServiceError.badRequest("wrong_kind", "the key bundle holds no evaluation keys (eval.key)")
        }
        do {
            let keys = UploadedKeys(
                evaluation: try EvaluationKeys(deserializing: evaluationBytes, context: context),
                publicKey: try files[.publicKey].map { try PublicKey(deserializing: $0, context: context) },
                encapsulation: try files[.encapsulationKeys].map {
                    try EncapsulationKeys(deserializing: $0, context: context)
                })
            let ids = [keys.publicKey?.keyID, keys.encapsulation?.keyID].compactMap { $0 }
            guard ids.allSatisfy({ $0 == keys.evaluation.keyID }) else {
                throw ServiceError.unprocessable(
                    "mixed_keys", "the key bundle's files belong to different secret keys")
            }
            return keys
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.badRequest("malformed_keys", "the evaluation keys do not read: \(error)")
        }
    }

    /// Checks uploaded keys for a model: a Hef evaluation keys file or `KeyBundle` (HefWire) (any other
    /// kind refused before its payload is read), the model's parameters, a relinearization key
    /// and a Galois key reaching every level the model rotates at, for every rotation step it
    /// uses; for a model with client-aided refreshes the public key, for a model that
    /// bootstraps the encapsulation keys and the bootstrapper's Galois keys; every file read
    /// completely (seeded or expanded form).
    public static func validateEvaluationKeys(_ bytes: [UInt8], for model: ServedModel) throws -> ValidatedKeys {
        let parts: [(kind: HefFileKind, bytes: [UInt8])]
        do { parts = try KeyBundle.parts(of: bytes) } catch {
            throw ServiceError.badRequest("malformed_keys", "not a Hef evaluation keys file or key bundle: \(error)")
        }
        return try validateEvaluationKeys(parts: parts, for: model)
    }

    /// Checks an upload's parts (see ``validateEvaluationKeys(_:for:)``; a staged upload is
    /// read into one array per part, not as a whole first).
    static func validateEvaluationKeys(parts: [(kind: HefFileKind, bytes: [UInt8])], for model: ServedModel) throws
        -> ValidatedKeys
    {
        let compiled = model.compiled
        let context: CKKSContext
        do { context = try compiled.makeContext() } catch {
            throw ServiceError.internalError("the model's parameters do not build: \(error)")
        }
        let keys = try readKeys(parts: parts, model: model, context: context)
        let galois = keys.evaluation.galois
        let slots = context.parameters.maxSlots
        let bootstrap = compiled.plan.refresh?.bootstrap
        if compiled.layers.contains(where: { $0.activation.depth > 0 }) || bootstrap != nil {
            guard keys.evaluation.relinearization != nil else {
                throw ServiceError.unprocessable(
                    "missing_relinearization_key",
                    "the model multiplies ciphertexts: the keys need a relinearization key")
            }
        }
        let level = compiled.maxOperationLevel
        for step in compiled.plan.rotationSteps {
            let g = context.encoder.galoisElement(forStep: step, slots: slots)
            guard g != 1 else { continue }
            guard let key = galois[g], key.maxLevel >= level else {
                throw ServiceError.unprocessable(
                    "missing_rotation_key",
                    "no Galois key for rotation step \(step) reaching level \(level), which the model uses (hefctl keygen --model makes them all)"
                )
            }
        }
        if compiled.plan.refresh != nil && bootstrap == nil && keys.publicKey == nil {
            throw ServiceError.unprocessable(
                "missing_public_key",
                "the model stops for client-aided refreshes: upload a key bundle with the public key (HefClient and hefctl remote do)"
            )
        }
        if bootstrap != nil {
            guard keys.encapsulation != nil else {
                throw ServiceError.unprocessable(
                    "missing_encapsulation_keys",
                    "the model bootstraps: upload a key bundle with the encapsulation keys (HefClient and hefctl remote do)"
                )
            }
            let levels: [Int: Int]
            do {
                levels = try ModelKeys.bootstrapGaloisLevels(model: compiled, context: context)
            } catch {
                throw ServiceError.internalError("the model's bootstrap does not plan: \(error)")
            }
            for (g, needed) in levels.sorted(by: { $0.key < $1.key }) where (galois[g]?.maxLevel ?? -1) < needed {
                throw ServiceError.unprocessable(
                    "missing_bootstrapping_key",
                    "no Galois key for element \(g) reaching level \(needed), which the model's bootstraps use (hefctl keygen --model makes them all)"
                )
            }
        }
        return ValidatedKeys(parametersID: hex16(context.parameters.id), galoisKeys: galois.count)
    }

    /// Builds the evaluator for stored, already validated key bytes.
    public static func prepare(model: ServedModel, keyBytes: [UInt8]) throws -> PreparedEvaluator {
        try prepare(model: model, keyBlob: .bytes(keyBytes))
    }

    /// Builds the evaluator for a stored, already validated key set, reading its files one at a
    /// time (a blob file is never read into memory whole).
    public static func prepare(model: ServedModel, keyBlob: KeyBlob) throws -> PreparedEvaluator {
        do {
            let context = try model.compiled.makeContext()
            let parts = try keyBlob.parts().map { (kind: $0.kind, bytes: try keyBlob.read($0.range)) }
            let keys = try readKeys(parts: parts, model: model, context: context)
            return PreparedEvaluator(
                mlp: try EncryptedMLP(
                    model: model.compiled, context: context, evaluationKeys: keys.evaluation,
                    encapsulationKeys: keys.encapsulation),
                keyID: keys.evaluation.keyID, publicKey: keys.publicKey)
        } catch {
            throw ServiceError.internalError("cannot prepare the model with the stored keys: \(error)")
        }
    }

    /// What the server must look up before evaluating a request: the round trip a refreshed
    /// file answers (its id in hex), read from the container without decoding ciphertexts.
    /// Another model's file, or bytes that are no model ciphertext file, are refused here.
    public static func refreshRequestName(of request: [UInt8], model: ServedModel) throws -> String? {
        let summary: ModelCiphertexts.Summary
        do { summary = try ModelCiphertexts.summary(request) } catch {
            throw ServiceError.badRequest("malformed_ciphertexts", "the body is not a model ciphertext file: \(error)")
        }
        guard summary.modelID == model.compiled.id else {
            throw ServiceError.unprocessable(
                "wrong_model",
                "these ciphertexts were made for model \(hex16(summary.modelID)), not \(hex16(model.compiled.id))")
        }
        switch summary.stage {
        case .inputs: return nil
        case .refreshed: return RefreshState.name(of: summary.requestID)
        default:
            throw ServiceError.unprocessable(
                "wrong_ciphertexts",
                "this is a file of stage \(summary.stage); the server takes encrypted inputs or refreshed ciphertexts")
        }
    }

    /// What an evaluation answers: the output file, or a refresh request for the key holder
    /// with its round trip's id (hex) and the state the server keeps (secret: `RefreshState`
    /// as JSON) until the refreshed ciphertexts come back.
    public enum Answer: Sendable {
        case outputs([UInt8])
        case refresh(request: [UInt8], name: String, state: [UInt8])
    }

    /// Runs the model's next segment on a model ciphertext file's bytes: encrypted inputs, or
    /// refreshed ciphertexts with the stored `state` of their round trip.
    public static func infer(_ request: [UInt8], evaluator: PreparedEvaluator, state stateBytes: [UInt8]? = nil)
        throws -> Answer
    {
        let mlp = evaluator.mlp
        let state: RefreshState?
        do { state = try stateBytes.map { try RefreshState(deserializing: Data($0)) } } catch {
            throw ServiceError.internalError("the stored refresh state does not read: \(error)")
        }
        let inputs: ModelCiphertexts
        do { inputs = try ModelCiphertexts(deserializing: request, context: mlp.context) } catch {
            throw ServiceError.badRequest(
                "malformed_ciphertexts", "the body is not a model ciphertext file for this model: \(error)")
        }
        do { try inputs.check(model: mlp.model, stage: inputs.stage == .refreshed ? .refreshed : .inputs) } catch {
            throw ServiceError.unprocessable("wrong_ciphertexts", "\(error)")
        }
        for batch in inputs.batches {
            for ct in batch.ciphertexts where ct.keyID != evaluator.keyID {
                throw ServiceError.unprocessable(
                    "wrong_key",
                    "the ciphertexts were encrypted under another key than these evaluation keys were made with")
            }
        }
        let step: EncryptedMLP.Step
        do { step = try mlp.run(inputs, publicKey: evaluator.publicKey, state: state) } catch {
            // Ciphertexts under another key set, at a wrong level or scale, …: the client's input.
            throw ServiceError.unprocessable("evaluation_refused", "\(error)")
        }
        do {
            switch step {
            case .outputs(let results): return .outputs(try results.serialized(context: mlp.context))
            case .refresh(let request, let next):
                return .refresh(
                    request: try request.serialized(context: mlp.context), name: next.requestName,
                    state: Array(try next.serialized()))
            }
        } catch {
            throw ServiceError.internalError("cannot serialize the results: \(error)")
        }
    }
}

extension Sequence where Element == UInt8 {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

extension Digest {
    var hexString: String { Array(self).hexString }
}
