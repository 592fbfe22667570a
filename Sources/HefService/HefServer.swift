import Crypto
import Foundation
import HefWire
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// How `hefctl serve` (or a test) runs the service.
public struct ServiceConfiguration: Sendable {
    /// Folder of compiled models (`*.hef`).
    public var modelsDirectory: URL
    /// Serve each whole compiled model, weights included, instead of its client part (which
    /// needs a guaranteed input box: models compiled with calibration rows have one).
    public var publishWeights = false
    /// Folder of the registry (SQLite, key blobs) and of the generated signing key.
    public var dataDirectory: URL
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: Int = 8080
    /// The signing key seed file; nil: `DATA/signing-key.mldsa65`, generated on first start.
    public var signingKeyPath: String?
    /// Clients and their tokens; nil: no authentication, every request acts as client `anonymous`.
    public var tokens: [TokenEntry]?
    /// Body limits per route, in bytes.
    public var maxKeysBytes = 512 << 20
    /// The keys limit for a model that bootstraps (its Galois and encapsulation keys take
    /// about 1 GB at N = 2^16): the larger of this and `maxKeysBytes`.
    public var maxBootstrapKeysBytes = 3 << 30
    public var maxInferBytes = 256 << 20
    /// Concurrent heavy jobs (evaluations, key validations) and jobs allowed to wait.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var queueCapacity = 16
    /// Seconds a client-aided refresh round trip stays open (its refreshed answer is refused after).
    public var refreshStateSeconds: Int64 = 3600
    /// How long a ciphertext upload (`POST /v1/models/{id}/uploads`) waits for the MCP `infer`
    /// call that names it.
    public var uploadSeconds: Int64 = 600
    /// Ciphertext uploads one client may have waiting at once (429 `upload_quota_exceeded` past it).
    public var maxUploadsPerClient = 8
    /// Prepared evaluators (model × key set) kept in memory.
    public var evaluatorCacheSize = 4
    /// A connection that sends nothing for this long (a slow or stalled upload, an idle
    /// keep-alive) is closed.
    public var idleTimeoutSeconds: Int64 = 30
    /// TLS: PEM certificate chain and private key files; nil: plain HTTP (keep it on loopback or
    /// behind a TLS proxy).
    public var tls: TLSFiles?
    /// The PostgreSQL registry shared by replicas; nil: SQLite under `dataDirectory`.
    public var database: PostgresLocation?
    /// Quotas and expiry of key registrations, per client.
    public var keyPolicy = KeyPolicy()
    /// Seconds between two sweeps of expired registrations and refresh round trips.
    public var sweepIntervalSeconds: Int64 = 600

    public init(modelsDirectory: URL, dataDirectory: URL) {
        self.modelsDirectory = modelsDirectory
        self.dataDirectory = dataDirectory
    }

    /// The body limit of a keys upload for `model`.
    func maxKeysBytes(for model: ServedModel) -> Int {
        model.description.refresh == "bootstrap" ? max(maxKeysBytes, maxBootstrapKeysBytes) : maxKeysBytes
    }
}

/// The service: its models, signing key, registry and work queue, and the routes on them.
/// (Not named like the module, so that `HefService.Receipt` stays a valid qualified name.)
public final class HefServer: Sendable {
    public static let anonymousClient = "anonymous"
    public let configuration: ServiceConfiguration
    public let models: [ServedModel]
    public let manifests: [String: Manifest]
    public let signer: ProviderSigner
    public let registry: any KeyRegistry
    public let queue: WorkQueue
    /// The Prometheus metrics `GET /metrics` exposes.
    public let metrics = ServiceMetrics()
    let evaluators: EvaluatorCache
    /// Token hashes seen recently: a request skips the registry lookup (tokens change only when
    /// a server starts with a new tokens file).
    let knownTokens = TokenCache(lifetime: 60)
    let authenticates: Bool
    let logger: Logger

    public init(
        configuration: ServiceConfiguration, registry: (any KeyRegistry)? = nil,
        logger: Logger = Logger(label: "hef.service")
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        let models = try ModelRuntime.loadModels(
            directory: configuration.modelsDirectory, publishWeights: configuration.publishWeights)
        guard !models.isEmpty else {
            throw ServiceError.configuration("no compiled models (*.hef) in \(configuration.modelsDirectory.path)")
        }
        self.models = models
        do {
            // Owner only: the registry holds token hashes and who registered which keys.
            try FileManager.default.createDirectory(
                at: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServiceError.configuration("cannot create the data folder \(configuration.dataDirectory.path)")
        }
        // Staged uploads a crash left behind (a live one is younger than an hour).
        StagedKeys.sweep(folder: StagedKeys.folder(in: configuration.dataDirectory))
        let signingPath =
            configuration.signingKeyPath
            ?? configuration.dataDirectory.appendingPathComponent("signing-key.mldsa65").path
        signer = try ProviderSigner.load(path: signingPath, create: configuration.signingKeyPath == nil)
        var manifests: [String: Manifest] = [:]
        for model in models { manifests[model.id] = try Manifest.signed(model, signer: signer) }
        self.manifests = manifests
        if let registry {
            self.registry = registry
        } else {
            self.registry = try await Self.openRegistry(configuration, logger: logger)
        }
        if let tokens = configuration.tokens {
            try await self.registry.replaceTokens(tokens)
            authenticates = true
        } else {
            authenticates = false
        }
        queue = WorkQueue(workers: configuration.workers, waiting: configuration.queueCapacity)
        evaluators = EvaluatorCache(capacity: configuration.evaluatorCacheSize)
        logger.info(
            "serving \(models.count) model(s): \(models.map { "\($0.name) (\($0.id), \(ModelRuntime.rowCheck($0)))" }.joined(separator: ", ")); server id \(signer.serverID)"
        )
        for model in models {
            if let warning = ModelRuntime.narrowBoxWarning(model) { logger.warning("\(warning)") }
        }
    }

    /// A served model with its signed manifest (`GET /v1/models/{id}`, MCP `describe_model`).
    func entry(_ model: ServedModel) -> ModelEntry {
        ModelEntry(model: model.description, manifest: manifests[model.id]!)
    }

    /// Every served model with its manifest (`GET /v1/models`, MCP `list_models`).
    var modelList: ModelList { ModelList(models: models.map(entry)) }

    /// A model by id or by file stem.
    func model(_ name: String) throws -> ServedModel {
        if let m = models.first(where: { $0.id == name.lowercased() }) ?? models.first(where: { $0.name == name }) {
            return m
        }
        throw ServiceError.notFound("unknown_model", "no model named \(name)")
    }

    /// The client a request acts for: from `Authorization: Bearer TOKEN` (tokens stored hashed).
    func client(_ request: Request) async throws -> String {
        try await client(authorization: request.headers[.authorization])
    }

    /// The client an `Authorization` header value names (the HTTP routes and the MCP endpoint).
    func client(authorization header: String?) async throws -> String {
        guard authenticates else { return Self.anonymousClient }
        guard let header, header.hasPrefix("Bearer ") else {
            throw ServiceError.unauthorized("this route needs Authorization: Bearer TOKEN")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        let hash = TokenEntry.hash(token)
        if let client = knownTokens.client(hash) { return client }
        guard let client = try await registry.client(tokenHash: hash) else {
            throw ServiceError.unauthorized("unknown token")
        }
        knownTokens.remember(hash, client: client)
        return client
    }

    /// The request body as one array, appended chunk by chunk as it arrives (no collected
    /// buffer beside it: a body is held once), refused past `limit`.
    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        let length = request.headers[.contentLength].flatMap(Int.init)
        if let length, length > limit { throw ServiceError.tooLarge(limit) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(max(0, length ?? 0), 64 << 20))
        do {
            for try await chunk in request.body {
                guard bytes.count + chunk.readableBytes <= limit else { throw ServiceError.tooLarge(limit) }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let error as ServiceError {
            throw error
        } catch {
            throw ServiceError.badRequest("body_unreadable", "the request body did not arrive whole")
        }
        return bytes
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func validKeyID(_ s: String) -> Bool { s.count == 64 && s.allSatisfy { $0.isHexDigit && !$0.isUppercase } }

    // MARK: Routes

    /// The router with every route, behind the JSON error middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // One log line per request (method, path, status, no headers: tokens stay out of the logs).
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: ErrorMiddleware())
        let service = self
        router.get("/metrics") { _, _ in
            service.metrics.queueDepth.set(Int64(service.queue.depth))
            service.metrics.keysStored.set(Int64(try await service.registry.keyCount()))
            service.metrics.modelsServed.set(Int64(service.models.count))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: service.metrics.render())))
        }
        router.get("/healthz") { _, _ in
            try HefServer.json(
                Health(
                    status: "ok", models: service.models.count, keys: try await service.registry.keyCount(),
                    queueDepth: service.queue.depth, serverID: service.signer.serverID))
        }
        router.get("/v1/signing-key") { _, _ in try HefServer.json(service.signer.publicKeyDocument) }
        router.get("/v1/models") { _, _ in try HefServer.json(service.modelList) }
        router.get("/v1/models/:id") { _, context in
            try HefServer.json(service.entry(try service.model(try context.parameters.require("id"))))
        }
        router.get("/v1/models/:id/compiled") { _, context in
            let model = try service.model(try context.parameters.require("id"))
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", HefServer.contentHashHeader: model.contentSHA256],
                body: .init(byteBuffer: ByteBuffer(bytes: model.compiledBytes)))
        }
        router.post("/v1/models/:id/keys") { request, context in
            let model = try service.model(try context.parameters.require("id"))
            let client = try await service.client(request)
            // Streamed to a staged file as it arrives (bootstrapping keys are a gigabyte).
            let limit = service.configuration.maxKeysBytes(for: model)
            if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
                throw ServiceError.tooLarge(limit)
            }
            let staged = try await StagedKeys.stage(request.body, limit: limit, folder: service.uploadFolder)
            defer { staged.remove() }
            let answer = try await service.registerKeys(staged, client: client, model: model)
            return try HefServer.json(answer, status: answer.created ? .created : .ok)
        }
        router.delete("/v1/keys/:keyID") { request, context in
            let keyID = try context.parameters.require("keyID")
            let client = try await service.client(request)
            guard HefServer.validKeyID(keyID), try await service.registry.deleteKey(keyID: keyID, client: client) else {
                throw ServiceError.notFound("unknown_key", "no evaluation keys \(keyID) registered by this client")
            }
            service.evaluators.remove(keyID: keyID)
            return Response(status: .noContent)
        }
        // MCP (streamable HTTP, stateless): the same operations as tools, for agents.
        let mcp = ProviderMCP(service: service)
        // Base64 inside JSON: 4/3 of the bytes, and JSON encoders may escape every "/" as "\/".
        let mcpLimit = (max(configuration.maxKeysBytes, configuration.maxInferBytes) / 3 + 1) * 8 + (1 << 16)
        router.post("/mcp") { request, _ in try await mcp.respond(to: request, limit: mcpLimit) }
        router.post("/v1/models/:id/uploads") { request, context in
            let (model, client, keyID) = try await service.keyedRequest(request, context)
            try await service.checkKey(keyID, client: client, model: model)
            let bytes = try await HefServer.body(request, limit: service.configuration.maxInferBytes)
            return try HefServer.json(
                try await service.saveUpload(bytes, client: client, model: model, keyID: keyID), status: .created)
        }
        router.post("/v1/models/:id/infer") { request, context in
            let (model, client, keyID) = try await service.keyedRequest(request, context)
            // The registry lookup runs beside the body upload and the evaluation when the key
            // set's evaluator is cached; `infer` awaits it before anything leaves or changes.
            let keyCheck = Task { try await service.checkKey(keyID, client: client, model: model) }
            let bytes: [UInt8]
            do { bytes = try await HefServer.body(request, limit: service.configuration.maxInferBytes) } catch {
                try await keyCheck.value // an unknown key is the first thing to say
                throw error
            }
            let (output, receipt) = try await service.infer(
                bytes, client: client, model: model, keyID: keyID, keyCheck: keyCheck)
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", Receipt.header: receipt.headerValue],
                body: .init(byteBuffer: ByteBuffer(bytes: output)))
        }
        return router
    }

    /// The model, the authenticated client and the `?key=` of a route that uses a key set.
    func keyedRequest(_ request: Request, _ context: BasicRequestContext) async throws -> (
        model: ServedModel, client: String, keyID: String
    ) {
        let model = try model(try context.parameters.require("id"))
        let client = try await client(request)
        guard let keyID = request.uri.queryParameters.get("key"), !keyID.isEmpty else {
            throw ServiceError.badRequest(
                "missing_key", "name the evaluation keys: ?key=KEYID (from POST /v1/models/{id}/keys)")
        }
        return (model, client, keyID)
    }

    /// Where key uploads are staged while they stream in.
    var uploadFolder: URL { StagedKeys.folder(in: configuration.dataDirectory) }

    /// Validates and registers an evaluation keys file held in memory (the MCP tool).
    func registerKeys(_ bytes: [UInt8], client: String, model: ServedModel) async throws -> KeyRegistration {
        let staged = try StagedKeys.stage(bytes, limit: configuration.maxKeysBytes(for: model), folder: uploadFolder)
        defer { staged.remove() }
        return try await registerKeys(staged, client: client, model: model)
    }

    /// Validates and registers a staged upload of evaluation keys for `client` and `model`. A
    /// repeat upload is answered from the registry, without validating again. The upload is
    /// read back into one array per part (the upload's size once, no body buffer and no copy of
    /// the whole) on a worker, and moved (SQLite) or copied in chunks (PostgreSQL) into the
    /// registry.
    func registerKeys(_ staged: StagedKeys, client: String, model: ServedModel) async throws -> KeyRegistration {
        let keyID = staged.sha256
        let known: KeyRecord?
        do {
            known = try await registry.registeredKey(keyID: keyID, client: client, modelID: model.id)
        } catch let error as ServiceError where error.code == "key_expired" {
            known = nil // the expired registration was purged by that lookup: register the keys again
        }
        if let known {
            return KeyRegistration(
                keyID: keyID, modelID: model.id, parametersID: known.parametersID, size: known.size, created: false)
        }
        let validated = try await queue.submit {
            try ModelRuntime.validateEvaluationKeys(parts: try staged.readParts(), for: model)
        }
        let record = KeyRecord(
            keyID: keyID, parametersID: validated.parametersID, size: staged.size,
            createdAt: Int64(Date().timeIntervalSince1970))
        let created = try await registry.register(record, blob: staged.blob, client: client, modelID: model.id)
        logger.info("keys \(keyID.prefix(16))… registered by \(client) for \(model.name)")
        return KeyRegistration(
            keyID: keyID, modelID: model.id, parametersID: validated.parametersID, size: staged.size, created: created)
    }

    /// Refuses a key id that `client` has not registered for `model` (another client's key and an
    /// unknown one get the same answer).
    func checkKey(_ keyID: String, client: String, model: ServedModel) async throws {
        guard HefServer.validKeyID(keyID),
            try await registry.registeredKey(keyID: keyID, client: client, modelID: model.id) != nil
        else {
            throw ServiceError.notFound(
                "unknown_key", "no evaluation keys \(keyID) registered by this client for model \(model.name)")
        }
    }

    /// Evaluates a model ciphertext file with a registered key set and signs the receipt (the
    /// HTTP route and the MCP tool). `keyCheck` is the caller's ``checkKey(_:client:model:)``,
    /// maybe still running: it is awaited before a refresh round trip's state is taken, before
    /// an evaluator is prepared from stored keys, and before the answer is signed, so that only
    /// the evaluation of a cached evaluator runs beside it (its result is dropped if the check
    /// fails). For a model with client-aided refreshes the answer may be a refresh request: its state is kept
    /// in the registry (any replica takes the refreshed file back, once), and the refreshed
    /// file sent to this same call runs the next segment.
    func infer(
        _ bytes: [UInt8], client: String, model: ServedModel, keyID: String, keyCheck: Task<Void, any Error>
    ) async throws -> ([UInt8], Receipt) {
        // The container's header first: another model's file or a stale round trip gets a clear
        // answer before the keys are loaded or a worker is taken.
        var taken: RefreshStateRecord?
        let refreshName: String?
        do { refreshName = try ModelRuntime.refreshRequestName(of: bytes, model: model) } catch {
            try await keyCheck.value
            throw error
        }
        if let name = refreshName {
            try await keyCheck.value
            taken = try await registry.takeRefreshState(
                requestName: name, client: client, modelID: model.id, keyID: keyID)
            guard taken != nil else {
                throw ServiceError.notFound(
                    "unknown_refresh",
                    "no open refresh round trip \(name) of this client and key set (each is answered once, within \(configuration.refreshStateSeconds) s)"
                )
            }
        }
        let state = taken?.state
        let evaluator: PreparedEvaluator
        if let cached = evaluators.get(modelID: model.id, keyID: keyID) {
            evaluator = cached
        } else {
            try await keyCheck.value
            evaluator = try await self.evaluator(model: model, keyID: keyID)
        }
        let metrics = metrics
        // The request's hash for the receipt, on another thread while the worker evaluates.
        let requestHash = Task { SHA256.hash(data: bytes).hexString }
        let answer: ModelRuntime.Answer
        do {
            answer = try await queue.submit {
                let start = ContinuousClock.now
                let answer = try ModelRuntime.infer(bytes, evaluator: evaluator, state: state)
                metrics.evaluation(model: model.name, duration: ContinuousClock.now - start)
                return answer
            }
        } catch let error as ServiceError where error.code == "busy" {
            // Nothing ran: the round trip stays open for the client's retry.
            if let taken { try await registry.saveRefreshState(taken) }
            try await keyCheck.value
            throw error
        } catch {
            try await keyCheck.value
            throw error
        }
        try await keyCheck.value
        let output: [UInt8]
        switch answer {
        case .outputs(let bytes): output = bytes
        case .refresh(let request, let name, let next):
            try await registry.saveRefreshState(
                RefreshStateRecord(
                    requestName: name, client: client, modelID: model.id, keyID: keyID, state: next,
                    expiresAt: Int64(Date().timeIntervalSince1970) + configuration.refreshStateSeconds))
            output = request
        }
        let receipt = try Receipt(
            receiptID: UUID().uuidString.lowercased(), modelID: model.id, keyID: keyID,
            requestSHA256: await requestHash.value, response: output, time: Int64(Date().timeIntervalSince1970),
            signer: signer)
        try await registry.record(ReceiptRecord(receipt: receipt, client: client))
        return (output, receipt)
    }

    /// Keeps a model ciphertext file for one MCP `infer` call of `client` with `model` and key
    /// set `keyID` (the container is checked first: another model's file is refused here). It
    /// lives in the registry's one-time records beside the refresh round trips, under the name
    /// `upload-UUID`, so any replica can take it, once.
    func saveUpload(_ bytes: [UInt8], client: String, model: ServedModel, keyID: String) async throws
        -> CiphertextUpload
    {
        _ = try ModelRuntime.refreshRequestName(of: bytes, model: model)
        // A soft cap (two replicas may both pass the count at once): parked uploads cost storage.
        guard
            try await registry.refreshStateCount(client: client, namePrefix: Self.uploadName(""))
                < configuration.maxUploadsPerClient
        else {
            throw ServiceError(
                status: .tooManyRequests, code: "upload_quota_exceeded",
                message:
                    "\(configuration.maxUploadsPerClient) uploads of this client are waiting already; use them with infer or wait \(configuration.uploadSeconds) s"
            )
        }
        let upload = CiphertextUpload(
            upload: UUID().uuidString.lowercased(), size: bytes.count,
            expiresAt: Int64(Date().timeIntervalSince1970) + configuration.uploadSeconds)
        try await registry.saveRefreshState(
            RefreshStateRecord(
                requestName: Self.uploadName(upload.upload), client: client, modelID: model.id, keyID: keyID,
                state: bytes, expiresAt: upload.expiresAt))
        return upload
    }

    /// Takes the upload `id` that `client` made for `model` and `keyID` (404 `unknown_upload`
    /// when it is unknown, used, expired, or another client's, model's or key set's).
    func takeUpload(_ id: String, client: String, model: ServedModel, keyID: String) async throws -> [UInt8] {
        guard UUID(uuidString: id) != nil,
            let record = try await registry.takeRefreshState(
                requestName: Self.uploadName(id.lowercased()), client: client, modelID: model.id, keyID: keyID)
        else {
            throw ServiceError.notFound(
                "unknown_upload",
                "no upload \(id) of this client for this model and key set (each is used once, within \(configuration.uploadSeconds) s)"
            )
        }
        return record.state
    }

    /// An upload's name among the one-time records (refresh round trips are named in hex).
    static func uploadName(_ id: String) -> String { "upload-\(id)" }

    func evaluator(model: ServedModel, keyID: String) async throws -> PreparedEvaluator {
        if let cached = evaluators.get(modelID: model.id, keyID: keyID) { return cached }
        let blob = try await registry.keyBlob(keyID: keyID)
        let prepared = try await queue.submit { try ModelRuntime.prepare(model: model, keyBlob: blob) }
        evaluators.put(prepared, modelID: model.id, keyID: keyID)
        return prepared
    }

    /// The Hummingbird application on the configured address; `onBound` gets the port it bound
    /// (useful with port 0).
    ///
    /// - Parameter onBound: Called with the bound port once the server listens.
    /// - Throws: ``ServiceError`` when the TLS certificate or key cannot be read.
    public func application(onBound: @escaping @Sendable (Int) -> Void = { _ in }) throws -> some ApplicationProtocol {
        let http1 = HTTPServerBuilder.http1(
            configuration: .init(idleTimeout: .seconds(max(1, configuration.idleTimeoutSeconds))))
        let server = try configuration.tls.map {
            try HTTPServerBuilder.tls(http1, tlsConfiguration: $0.configuration())
        }
        return Application(
            router: router(),
            server: server ?? http1,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hef"),
            services: [
                ExpirySweeper(
                    registry: registry, interval: .seconds(max(1, configuration.sweepIntervalSeconds)), logger: logger)
            ],
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { onBound(port) }
            },
            logger: logger)
    }
}

/// Token hash → client for `lifetime` seconds (positive answers only: an unknown token is always
/// looked up).
final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (client: String, until: ContinuousClock.Instant)] = [:]
    let lifetime: Duration

    init(lifetime seconds: Int) { lifetime = .seconds(seconds) }

    func client(_ hash: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[hash], entry.until > .now else { return nil }
        return entry.client
    }

    func remember(_ hash: String, client: String) {
        lock.lock()
        defer { lock.unlock() }
        if entries.count > 4096 { entries.removeAll() }
        entries[hash] = (client, .now + lifetime)
    }
}

/// Prepared evaluators, least recently used first out.
final class EvaluatorCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(key: String, value: PreparedEvaluator)] = []
    let capacity: Int

    init(capacity: Int) { self.capacity = max(0, capacity) }

    func get(modelID: String, keyID: String) -> PreparedEvaluator? {
        lock.lock()
        defer { lock.unlock() }
        guard let i = entries.firstIndex(where: { $0.key == modelID + "/" + keyID }) else { return nil }
        let entry = entries.remove(at: i)
        entries.append(entry)
        return entry.value
    }

    func put(_ value: PreparedEvaluator, modelID: String, keyID: String) {
        guard capacity > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.key == modelID + "/" + keyID }
        entries.append((modelID + "/" + keyID, value))
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
    }

    func remove(keyID: String) {
        lock.lock()
        defer { lock.unlock() }
        entries.removeAll { $0.key.hasSuffix("/" + keyID) }
    }
}

/// The name of a response header (HTTPTypes' `HTTPField.Name`, reached through `HTTPFields`).
public typealias HeaderName = HTTPFields.Element.Name

extension Receipt {
    /// `Hef-Receipt`, on `POST /v1/models/{id}/infer` answers.
    public static let header = HeaderName(WireHeader.receipt)!
}

extension HefServer {
    /// `Hef-Content-SHA256`, on `GET /v1/models/{id}/compiled` answers.
    public static let contentHashHeader = HeaderName(WireHeader.contentSHA256)!

    /// Runs the server until SIGINT or SIGTERM (graceful shutdown through swift-service-lifecycle).
    /// Closes the registry's connections afterwards.
    public func run() async throws {
        do {
            try await application().runService()
        } catch {
            await registry.shutdown()
            throw error
        }
        await registry.shutdown()
    }
}
