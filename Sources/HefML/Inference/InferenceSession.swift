import Foundation
import HefRing

/// The whole encrypted-inference flow in one process, with what each side does timed and what
/// crosses the wire measured: key generation (client), encryption (client), evaluation
/// (server, evaluation keys only), decryption (client). Used by `hefctl demo`, the benchmarks
/// and the end-to-end tests.
public struct InferenceSession: Sendable {
    public struct Report: Sendable {
        public var samples: Int
        public var scores: [[Double]]
        public var keygenSeconds: Double
        public var encryptSeconds: Double
        public var inferSeconds: Double
        public var decryptSeconds: Double
        /// Client → server: encrypted inputs (evaluation keys counted separately).
        public var bytesUp: Int
        /// Server → client: encrypted results.
        public var bytesDown: Int
        /// One-time upload of the evaluation keys.
        public var evaluationKeyBytes: Int
    }

    public let model: CompiledModel
    public let context: CKKSContext

    public init(model: CompiledModel, backend: any RingBackend = NativeBackend()) throws {
        self.model = model
        self.context = try model.makeContext(backend: backend)
    }

    public func run(_ rows: [[Double]], progress: ((String) -> Void)? = nil) throws -> Report {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        // Client: keys.
        progress?("generating keys")
        var secretKey: SecretKey?
        var publicKey: PublicKey?
        var evalKeys: EvaluationKeys?
        let keygenTime = try clock.measure {
            let generator = KeyGenerator(context: context)
            let sk = generator.secretKey()
            publicKey = try generator.publicKey(for: sk)
            evalKeys = try generator.evaluationKeys(for: sk, rotations: model.plan.rotationSteps)
            secretKey = sk
        }
        let evalKeyBytes = try evalKeys!.serialized(context: context).count

        // Client: encrypt and serialize.
        progress?("encrypting \(rows.count) samples")
        let client = InferenceClient(model: model, context: context)
        var upload: [UInt8] = []
        let encryptTime = try clock.measure {
            upload = try client.encrypt(rows, publicKey: publicKey!).serialized(context: context)
        }

        // Server: deserialize, evaluate, serialize; it holds evaluation keys only.
        progress?("evaluating")
        let server = try EncryptedMLP(model: model, context: context, evaluationKeys: evalKeys!)
        var download: [UInt8] = []
        let inferTime = try clock.measure {
            let inputs = try ModelCiphertexts(deserializing: upload, context: context)
            let outputs = try server.evaluate(inputs) { done, total in
                if total > 1 { progress?("evaluating batch \(done)/\(total)") }
            }
            download = try outputs.serialized(context: context)
        }

        // Client: decrypt.
        progress?("decrypting")
        var scores: [[Double]] = []
        let decryptTime = try clock.measure {
            let results = try ModelCiphertexts(deserializing: download, context: context)
            scores = try client.decryptScores(results, secretKey: secretKey!)
        }
        return Report(
            samples: rows.count, scores: scores, keygenSeconds: seconds(keygenTime),
            encryptSeconds: seconds(encryptTime), inferSeconds: seconds(inferTime), decryptSeconds: seconds(decryptTime),
            bytesUp: upload.count, bytesDown: download.count, evaluationKeyBytes: evalKeyBytes)
    }
}

/// Agreement statistics between encrypted and plaintext results.
public struct AgreementStats: Sendable {
    public var samples: Int
    public var labelAgreement: Double
    public var encryptedAccuracy: Double?
    public var plainAccuracy: Double?
    public var worstScoreError: Double

    public init(model: MLPModel, rows: [[Double]], encryptedScores: [[Double]], trueLabels: [String]? = nil) {
        samples = rows.count
        var agree = 0, encCorrect = 0, plainCorrect = 0
        var worst = 0.0
        for (i, row) in rows.enumerated() {
            let plain = model.scores(row)
            let enc = encryptedScores[i]
            for j in plain.indices { worst = max(worst, abs(plain[j] - enc[j])) }
            let plainLabel = model.output.label(plain), encLabel = model.output.label(enc)
            if plainLabel == encLabel { agree += 1 }
            if let trueLabels {
                if plainLabel == trueLabels[i] { plainCorrect += 1 }
                if encLabel == trueLabels[i] { encCorrect += 1 }
            }
        }
        labelAgreement = Double(agree) / Double(max(rows.count, 1))
        worstScoreError = worst
        if trueLabels != nil {
            encryptedAccuracy = Double(encCorrect) / Double(max(rows.count, 1))
            plainAccuracy = Double(plainCorrect) / Double(max(rows.count, 1))
        }
    }
}
