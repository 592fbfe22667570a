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
    /// The compiled model file as served (`GET /v1/models/{id}/compiled`).
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
}

public enum ModelRuntime {
    static func hex16(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 16 - s.count)) + s
    }

    /// Loads every `*.hef` file of a folder (sorted by name).
    public static func loadModels(directory: URL) throws -> [ServedModel] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ServiceError.configuration("cannot read the models folder \(directory.path)")
        }
        return try names.filter { $0.hasSuffix(".hef") }.sorted().map { file in
            try loadModel(url: directory.appendingPathComponent(file))
        }
    }

    public static func loadModel(url: URL) throws -> ServedModel {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            throw ServiceError.configuration("cannot read \(url.path)")
        }
        let compiled: CompiledModel
        do { compiled = try CompiledModel.load(contentsOf: url) } catch {
            throw ServiceError.configuration("\(url.lastPathComponent): \(error)")
        }
        if let refresh = compiled.plan.refresh {
            throw ServiceError.configuration(
                refresh.bootstrap != nil
                    ? "\(url.lastPathComponent): the model bootstraps between segments, and the service does not take encapsulation keys yet (use the hefctl keygen/infer file flow; docs/bootstrapping.md)"
                    : "\(url.lastPathComponent): the model stops for client-aided refreshes, which the service does not run yet (compile it with --refresh none, or use the hefctl infer/refresh file flow; docs/refresh.md)"
            )
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
            samplesPerCiphertext: compiled.plan.samplesPerCiphertext, contentSHA256: hash)
        return ServedModel(
            id: id, name: name, compiledBytes: bytes, contentSHA256: hash, description: description, compiled: compiled)
    }

    /// Checks uploaded evaluation keys for a model: a Hef evaluation keys file (any other kind,
    /// a secret key above all, is refused before its payload is read), the model's parameters,
    /// a relinearization key and a Galois key for every rotation step the model uses, and a
    /// payload that deserializes completely (seeded or expanded form).
    public static func validateEvaluationKeys(_ bytes: [UInt8], for model: ServedModel) throws -> ValidatedKeys {
        let literal: ParametersLiteral
        let parametersID: UInt64
        let kind: HefFileKind
        do { (literal, parametersID, kind) = try HefFile.parametersLiteral(of: bytes) } catch {
            throw ServiceError.badRequest("malformed_keys", "not a Hef evaluation keys file: \(error)")
        }
        guard kind == .evaluationKeys else {
            throw ServiceError.badRequest(
                "wrong_kind", "this is a Hef \(kind) file; upload the evaluation keys (eval.key)")
        }
        guard literal == model.compiled.plan.parameters else {
            throw ServiceError.unprocessable(
                "wrong_parameters",
                "these keys were made for other parameters than the model's (generate them with hefctl keygen --model)")
        }
        let keys: EvaluationKeys
        do {
            let context = try model.compiled.makeContext()
            keys = try EvaluationKeys(deserializing: bytes, context: context)
            let slots = context.parameters.maxSlots
            if model.compiled.layers.contains(where: { $0.activation.depth > 0 }) {
                guard keys.relinearization != nil else {
                    throw ServiceError.unprocessable(
                        "missing_relinearization_key",
                        "the model multiplies ciphertexts: the keys need a relinearization key")
                }
            }
            for step in model.compiled.plan.rotationSteps {
                let g = context.encoder.galoisElement(forStep: step, slots: slots)
                guard g == 1 || keys.galois[g] != nil else {
                    throw ServiceError.unprocessable(
                        "missing_rotation_key",
                        "no Galois key for rotation step \(step), which the model uses (hefctl keygen --model makes them all)"
                    )
                }
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.badRequest("malformed_keys", "the evaluation keys do not read: \(error)")
        }
        return ValidatedKeys(parametersID: hex16(parametersID), galoisKeys: keys.galois.count)
    }

    /// Builds the evaluator for stored, already validated key bytes.
    public static func prepare(model: ServedModel, keyBytes: [UInt8]) throws -> PreparedEvaluator {
        do {
            let context = try model.compiled.makeContext()
            let keys = try EvaluationKeys(deserializing: keyBytes, context: context)
            return PreparedEvaluator(
                mlp: try EncryptedMLP(model: model.compiled, context: context, evaluationKeys: keys), keyID: keys.keyID)
        } catch {
            throw ServiceError.internalError("cannot prepare the model with the stored keys: \(error)")
        }
    }

    /// Runs the model on a model ciphertext file's bytes and answers the result file's bytes.
    public static func infer(_ request: [UInt8], evaluator: PreparedEvaluator) throws -> [UInt8] {
        let mlp = evaluator.mlp
        // The header first, without a context: another model's ciphertexts get a clear answer
        // instead of a parse error under the wrong parameters.
        let summary: ModelCiphertexts.Summary
        do { summary = try ModelCiphertexts.summary(request) } catch {
            throw ServiceError.badRequest("malformed_ciphertexts", "the body is not a model ciphertext file: \(error)")
        }
        guard summary.modelID == mlp.model.id else {
            throw ServiceError.unprocessable(
                "wrong_model",
                "these ciphertexts were made for model \(hex16(summary.modelID)), not \(hex16(mlp.model.id))")
        }
        let inputs: ModelCiphertexts
        do { inputs = try ModelCiphertexts(deserializing: request, context: mlp.context) } catch {
            throw ServiceError.badRequest(
                "malformed_ciphertexts", "the body is not a model ciphertext file for this model: \(error)")
        }
        do { try inputs.check(model: mlp.model, stage: .inputs) } catch {
            throw ServiceError.unprocessable("wrong_ciphertexts", "\(error)")
        }
        for batch in inputs.batches {
            for ct in batch.ciphertexts where ct.keyID != evaluator.keyID {
                throw ServiceError.unprocessable(
                    "wrong_key",
                    "the ciphertexts were encrypted under another key than these evaluation keys were made with")
            }
        }
        let results: ModelCiphertexts
        do { results = try mlp.evaluate(inputs) } catch {
            // Ciphertexts under another key set, at a wrong level or scale, …: the client's input.
            throw ServiceError.unprocessable("evaluation_refused", "\(error)")
        }
        do { return try results.serialized(context: mlp.context) } catch {
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
