public import HefCKKS
public import HefML

// The JSON bodies of the service's routes (keys sorted on the wire). The server encodes them,
// the client decodes them: one definition for both sides.

/// What a data owner needs to encode, encrypt and decode for a model (JSON in `GET /v1/models/{id}`).
public struct ModelDescription: Codable, Sendable, Equatable {
    /// `CompiledModel.id` as 16 lowercase hex digits.
    public var id: String
    /// The compiled model file's stem (`digits-square`), the other accepted name.
    public var name: String
    /// The source model's own name (from the model JSON).
    public var modelName: String
    /// `classification` or `regression`, as in the model JSON.
    public var task: String
    /// The CKKS parameters literal the keys must be generated for.
    public var parameters: ParametersLiteral
    /// `CKKSParameters.id` of `parameters`, 16 hex digits (evaluation key files carry it).
    public var parametersID: String
    /// `latency` or `throughput`.
    public var packing: String
    /// Features per sample.
    public var inputWidth: Int
    /// Scores per sample.
    public var outputWidth: Int
    /// How scores become probabilities and labels on the client.
    public var outputTail: OutputTail
    /// Rotation steps the evaluation keys must cover (plus a relinearization key).
    public var rotationSteps: [Int]
    /// Samples one ciphertext batch holds.
    public var samplesPerCiphertext: Int
    /// SHA-256 of the compiled model file as served (`GET /v1/models/{id}/compiled`), hex.
    public var contentSHA256: String
    /// `withheld` when the served file is the model's client part (zeros for weights: rows
    /// are checked against the guaranteed input box only), `published` when it is the whole
    /// compiled model (`hefctl serve --publish-weights`). Absent from older servers, which
    /// published them.
    public var weights: String?
    /// How the model goes deeper than one modulus chain: `client` (it stops for client-aided
    /// refreshes: the client refreshes each request it gets back and sends it again) or
    /// `bootstrap` (the server bootstraps; the keys upload holds encapsulation keys); absent
    /// for a model that runs in one pass.
    public var refresh: String?

    /// A description with every field given.
    /// - Parameters:
    ///   - id: The model id (16 hex digits).
    ///   - name: The file stem.
    ///   - modelName: The source model's name.
    ///   - task: The source model's task.
    ///   - parameters: The CKKS parameters literal.
    ///   - parametersID: The parameters' id (16 hex digits).
    ///   - packing: `latency` or `throughput`.
    ///   - inputWidth: Features per sample.
    ///   - outputWidth: Scores per sample.
    ///   - outputTail: The model's output tail.
    ///   - rotationSteps: The plan's rotation steps.
    ///   - samplesPerCiphertext: Samples per ciphertext batch.
    ///   - contentSHA256: SHA-256 of the compiled model file.
    ///   - refresh: `client`, `bootstrap`, or nil for a model that runs in one pass.
    ///   - weights: `withheld`, `published`, or nil.
    public init(
        id: String, name: String, modelName: String, task: String, parameters: ParametersLiteral,
        parametersID: String, packing: String, inputWidth: Int, outputWidth: Int, outputTail: OutputTail,
        rotationSteps: [Int], samplesPerCiphertext: Int, contentSHA256: String, refresh: String? = nil,
        weights: String? = nil
    ) {
        self.id = id
        self.name = name
        self.modelName = modelName
        self.task = task
        self.parameters = parameters
        self.parametersID = parametersID
        self.packing = packing
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.outputTail = outputTail
        self.rotationSteps = rotationSteps
        self.samplesPerCiphertext = samplesPerCiphertext
        self.contentSHA256 = contentSHA256
        self.refresh = refresh
        self.weights = weights
    }
}

/// One served model: `GET /v1/models/{id}`, and each entry of `GET /v1/models`.
public struct ModelEntry: Codable, Sendable, Equatable {
    /// What the client needs to know of the model.
    public var model: ModelDescription
    /// The provider's signed statement of the model's identity and content hash.
    public var manifest: Manifest

    /// An entry.
    /// - Parameters:
    ///   - model: The description.
    ///   - manifest: The signed manifest.
    public init(model: ModelDescription, manifest: Manifest) {
        self.model = model
        self.manifest = manifest
    }
}

/// `GET /v1/models`.
public struct ModelList: Codable, Sendable, Equatable {
    /// Every served model, sorted by file name.
    public var models: [ModelEntry]

    /// A list.
    /// - Parameter models: The entries.
    public init(models: [ModelEntry]) { self.models = models }
}

/// The answer of `POST /v1/models/{id}/keys`.
public struct KeyRegistration: Codable, Sendable, Equatable {
    /// SHA-256 of the uploaded evaluation keys file, hex: the `?key=` of inference.
    public var keyID: String
    /// The model the keys are registered for.
    public var modelID: String
    /// The parameters the keys are for.
    public var parametersID: String
    /// Bytes uploaded.
    public var size: Int
    /// False when this client had already registered these bytes for this model.
    public var created: Bool

    /// An answer.
    /// - Parameters:
    ///   - keyID: The key id.
    ///   - modelID: The model id.
    ///   - parametersID: The parameters id.
    ///   - size: Bytes uploaded.
    ///   - created: Whether this registration is new.
    public init(keyID: String, modelID: String, parametersID: String, size: Int, created: Bool) {
        self.keyID = keyID
        self.modelID = modelID
        self.parametersID = parametersID
        self.size = size
        self.created = created
    }
}

/// The answer of `POST /v1/models/{id}/uploads?key=KEYID`: a model ciphertext file kept for
/// one `infer` call of the provider's MCP endpoint that names it (`"upload": ID`) instead of
/// carrying the file in base64.
public struct CiphertextUpload: Codable, Sendable, Equatable {
    /// The upload's id (a random UUID, lowercase): usable once, by the client that uploaded it,
    /// with the model and key set it was uploaded for.
    public var upload: String
    /// Bytes uploaded.
    public var size: Int
    /// Unix time after which the upload is gone.
    public var expiresAt: Int64

    /// An answer.
    /// - Parameters:
    ///   - upload: The upload id.
    ///   - size: Bytes uploaded.
    ///   - expiresAt: Unix time of expiry.
    public init(upload: String, size: Int, expiresAt: Int64) {
        self.upload = upload
        self.size = size
        self.expiresAt = expiresAt
    }
}

/// `GET /healthz`.
public struct Health: Codable, Sendable, Equatable {
    /// `ok`.
    public var status: String
    /// Models served.
    public var models: Int
    /// Evaluation key sets stored.
    public var keys: Int
    /// Jobs running or waiting.
    public var queueDepth: Int
    /// SHA-256 of the provider's public key, hex.
    public var serverID: String

    /// A health answer.
    /// - Parameters:
    ///   - status: `ok`.
    ///   - models: Models served.
    ///   - keys: Key sets stored.
    ///   - queueDepth: Jobs running or waiting.
    ///   - serverID: The server id.
    public init(status: String, models: Int, keys: Int, queueDepth: Int, serverID: String) {
        self.status = status
        self.models = models
        self.keys = keys
        self.queueDepth = queueDepth
        self.serverID = serverID
    }
}

/// Every refusal's body: `{"error": {"code": …, "message": …}}`.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// The code and the message.
    public struct Detail: Codable, Sendable, Equatable {
        /// A stable, machine-readable code (`unknown_key`, `wrong_parameters`, …).
        public var code: String
        /// A sentence for people.
        public var message: String
    }

    /// The error.
    public var error: Detail

    /// An error body.
    /// - Parameters:
    ///   - code: The stable code.
    ///   - message: The sentence.
    public init(code: String, message: String) { error = Detail(code: code, message: message) }
}

/// Names of the service's own headers.
public enum WireHeader {
    /// `Hef-Receipt`, on `POST /v1/models/{id}/infer` answers.
    public static let receipt = Receipt.headerName
    /// `Hef-Content-SHA256`, on `GET /v1/models/{id}/compiled` answers.
    public static let contentSHA256 = "Hef-Content-SHA256"
}
