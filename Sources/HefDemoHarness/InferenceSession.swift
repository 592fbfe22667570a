import Foundation
public import HefCKKS
public import HefML
public import HefRing

/// The whole encrypted-inference flow in one process, with what each side does timed and what
/// crosses the wire measured: key generation (client), encryption (client), evaluation
/// (server, evaluation keys only), decryption (client). A demo and test harness, not part of
/// Hef's library products: used by `hefctl demo` and the end-to-end tests. It goes through the
/// same query → response API a deployment uses (``InferenceClient``, ``EncryptedMLP``,
/// ``ModelCiphertexts``), serialized in between.
public struct InferenceSession: Sendable {
    /// What one ``run(_:progress:)`` measured.
    public struct Report: Sendable {
        /// Rows run.
        public var samples: Int
        /// The decrypted scores, one vector per row.
        public var scores: [[Double]]
        /// Key generation (secret, public, evaluation keys).
        public var keygenSeconds: Double
        /// Encryption and serialization of the request.
        public var encryptSeconds: Double
        /// The server: deserialization, evaluation, serialization of the response.
        public var inferSeconds: Double
        /// Deserialization and decryption of the response.
        public var decryptSeconds: Double
        /// Client → server: encrypted inputs (evaluation keys counted separately).
        public var bytesUp: Int
        /// Server → client: encrypted results.
        public var bytesDown: Int
        /// One-time upload of the evaluation keys.
        public var evaluationKeyBytes: Int
        /// Client-aided refreshes per request (0 for a model without refresh points).
        public var roundTrips: Int = 0
        /// The key holder's time in refreshes (not in `inferSeconds`, which is the server's).
        public var refreshSeconds: Double = 0
        /// Bytes of the refresh requests (server to key holder), over every round trip.
        public var refreshBytesDown: Int = 0
        /// Bytes of the refreshed answers (key holder to server).
        public var refreshBytesUp: Int = 0
    }

    /// The compiled model.
    public let model: CompiledModel
    /// The context of its plan.
    public let context: CKKSContext

    /// A session for `model`.
    /// - Parameters:
    ///   - model: A compiled model.
    ///   - backend: The ring backend.
    /// - Throws: ``CKKSError`` when the plan's parameters are refused.
    public init(model: CompiledModel, backend: any RingBackend = NativeBackend()) throws {
        self.model = model
        self.context = try model.makeContext(backend: backend)
    }

    /// Runs `rows` through key generation, encryption, evaluation and decryption.
    /// - Parameters:
    ///   - rows: Raw input rows.
    ///   - threads: Threads the server uses (batches at once; in throughput packing, a single
    ///     batch's neurons).
    ///   - progress: Called with a short description of each stage.
    /// - Throws: The ``ModelError`` and ``CKKSError`` cases of ``InferenceClient`` and ``EncryptedMLP``
    ///   (rows outside the model's guarantees: ``ModelError/outOfRange(_:)``).
    public func run(_ rows: [[Double]], threads: Int = 1, progress: ((String) -> Void)? = nil) throws -> Report {
        let clock = ContinuousClock()
        func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        }
        // Client: keys.
        progress?("generating keys")
        var secretKey: SecretKey?
        var publicKey: PublicKey?
        var evalKeys: EvaluationKeys?
        var encapsulation: EncapsulationKeys?
        let keygenTime = try clock.measure {
            let generator = KeyGenerator(context: context)
            let sk = generator.secretKey()
            publicKey = try generator.publicKey(for: sk)
            // A model that bootstraps also needs the bootstrapper's keys.
            let keys = try generator.modelKeys(for: sk, model: model)
            evalKeys = keys.evaluation
            encapsulation = keys.encapsulation
            secretKey = sk
        }
        let evalKeyBytes =
            try evalKeys!.serialized(context: context).count
            + (encapsulation.map { try $0.serialized(context: context).count } ?? 0)

        // Client: encrypt and serialize.
        progress?("encrypting \(rows.count) samples")
        let client = InferenceClient(model: model, context: context)
        var upload: [UInt8] = []
        let encryptTime = try clock.measure {
            upload = try client.encrypt(rows, publicKey: publicKey!).serialized(context: context)
        }

        // Server: deserialize, evaluate, serialize; it holds evaluation keys only.
        progress?("evaluating")
        let server = try EncryptedMLP(
            model: model, context: context, evaluationKeys: evalKeys!, encapsulationKeys: encapsulation)
        var download: [UInt8] = []
        // A model with refreshes goes back and forth: the server stops at each refresh point,
        // the key holder refreshes (timed apart, with its bytes), the server goes on.
        var inferTime = Duration.zero
        var refreshTime = Duration.zero
        var roundTrips = 0
        var refreshBytesDown = 0
        var refreshBytesUp = 0
        var message = upload
        var state: RefreshState?
        while true {
            var step: EncryptedMLP.Step?
            inferTime += try clock.measure {
                let request = try ModelCiphertexts(deserializing: message, context: context)
                step = try server.run(request, publicKey: publicKey, state: state, threads: threads) { done, total in
                    if total > 1 { progress?("evaluating batch \(done)/\(total)") }
                }
                if case .outputs(let outputs) = step! { download = try outputs.serialized(context: context) }
                if case .refresh(let request, _) = step! { message = try request.serialized(context: context) }
            }
            guard case .refresh(_, let next) = step! else { break }
            state = next
            roundTrips += 1
            refreshBytesDown += message.count
            progress?("refresh \(roundTrips) (the key holder's step)")
            refreshTime += try clock.measure {
                let masked = try ModelCiphertexts(deserializing: message, context: context)
                message = try client.refresh(masked, secretKey: secretKey!).serialized(context: context)
            }
            refreshBytesUp += message.count
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
            encryptSeconds: seconds(encryptTime), inferSeconds: seconds(inferTime),
            decryptSeconds: seconds(decryptTime),
            bytesUp: upload.count, bytesDown: download.count, evaluationKeyBytes: evalKeyBytes,
            roundTrips: roundTrips, refreshSeconds: seconds(refreshTime), refreshBytesDown: refreshBytesDown,
            refreshBytesUp: refreshBytesUp)
    }
}
