import Crypto
import Foundation
import HefWire
import Hummingbird
import Logging

/// How `hefctl serve` (or a test) runs the service.
public struct ServiceConfiguration: Sendable {
    /// Folder of compiled models (`*.hef`).
    public var modelsDirectory: URL
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
    public var maxInferBytes = 256 << 20
    /// Concurrent heavy jobs (evaluations, key validations) and jobs allowed to wait.
    public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var queueCapacity = 16
    /// Prepared evaluators (model × key set) kept in memory.
    public var evaluatorCacheSize = 4

    public init(modelsDirectory: URL, dataDirectory: URL) {
        self.modelsDirectory = modelsDirectory
        self.dataDirectory = dataDirectory
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
    let evaluators: EvaluatorCache
    let authenticates: Bool
    let logger: Logger

    public init(
        configuration: ServiceConfiguration, registry: (any KeyRegistry)? = nil,
        logger: Logger = Logger(label: "hef.service")
    ) async throws {
        self.configuration = configuration
        self.logger = logger
        let models = try ModelRuntime.loadModels(directory: configuration.modelsDirectory)
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
        let signingPath =
            configuration.signingKeyPath
            ?? configuration.dataDirectory.appendingPathComponent("signing-key.mldsa65").path
        signer = try ProviderSigner.load(path: signingPath, create: configuration.signingKeyPath == nil)
        var manifests: [String: Manifest] = [:]
        for model in models { manifests[model.id] = try Manifest.signed(model, signer: signer) }
        self.manifests = manifests
        self.registry = try registry ?? SQLiteRegistry(dataDirectory: configuration.dataDirectory)
        if let tokens = configuration.tokens {
            try await self.registry.replaceTokens(tokens)
            authenticates = true
        } else {
            authenticates = false
        }
        queue = WorkQueue(workers: configuration.workers, waiting: configuration.queueCapacity)
        evaluators = EvaluatorCache(capacity: configuration.evaluatorCacheSize)
        logger.info(
            "serving \(models.count) model(s): \(models.map { "\($0.name) (\($0.id))" }.joined(separator: ", ")); server id \(signer.serverID)"
        )
    }

    /// A model by id or by file stem.
    func model(_ name: String) throws -> ServedModel {
        if let m = models.first(where: { $0.id == name.lowercased() }) ?? models.first(where: { $0.name == name }) {
            return m
        }
        throw ServiceError.notFound("unknown_model", "no model named \(name)")
    }

    /// The client a request acts for: from `Authorization: Bearer TOKEN` (tokens stored hashed).
    func client(_ request: Request) async throws -> String {
        guard authenticates else { return Self.anonymousClient }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw ServiceError.unauthorized("this route needs Authorization: Bearer TOKEN")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let client = try await registry.client(tokenHash: TokenEntry.hash(token)) else {
            throw ServiceError.unauthorized("unknown token")
        }
        return client
    }

    static func body(_ request: Request, limit: Int) async throws -> [UInt8] {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw ServiceError.tooLarge(limit)
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw ServiceError.tooLarge(limit)
        } catch {
            throw ServiceError.badRequest("body_unreadable", "the request body did not arrive whole")
        }
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
        router.add(middleware: ErrorMiddleware())
        let service = self
        router.get("/healthz") { _, _ in
            try HefServer.json(
                Health(
                    status: "ok", models: service.models.count, keys: try await service.registry.keyCount(),
                    queueDepth: service.queue.depth, serverID: service.signer.serverID))
        }
        router.get("/v1/signing-key") { _, _ in try HefServer.json(service.signer.publicKeyDocument) }
        router.get("/v1/models") { _, _ in
            try HefServer.json(
                ModelList(
                    models: service.models.map {
                        ModelEntry(model: $0.description, manifest: service.manifests[$0.id]!)
                    }))
        }
        router.get("/v1/models/:id") { _, context in
            let model = try service.model(try context.parameters.require("id"))
            return try HefServer.json(ModelEntry(model: model.description, manifest: service.manifests[model.id]!))
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
            let bytes = try await HefServer.body(request, limit: service.configuration.maxKeysBytes)
            let keyID = SHA256.hash(data: bytes).hexString
            // A repeat upload is answered from the registry, without validating again.
            if let known = try await service.registry.registeredKey(keyID: keyID, client: client, modelID: model.id) {
                return try HefServer.json(
                    KeyRegistration(
                        keyID: keyID, modelID: model.id, parametersID: known.parametersID, size: known.size,
                        created: false))
            }
            let validated = try await service.queue.submit {
                try ModelRuntime.validateEvaluationKeys(bytes, for: model)
            }
            let record = KeyRecord(
                keyID: keyID, parametersID: validated.parametersID, size: bytes.count,
                createdAt: Int64(Date().timeIntervalSince1970))
            let created = try await service.registry.register(record, bytes: bytes, client: client, modelID: model.id)
            service.logger.info("keys \(keyID.prefix(16))… registered by \(client) for \(model.name)")
            return try HefServer.json(
                KeyRegistration(
                    keyID: keyID, modelID: model.id, parametersID: validated.parametersID, size: bytes.count,
                    created: created),
                status: created ? .created : .ok)
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
        router.post("/v1/models/:id/infer") { request, context in
            let model = try service.model(try context.parameters.require("id"))
            let client = try await service.client(request)
            guard let keyID = request.uri.queryParameters.get("key"), !keyID.isEmpty else {
                throw ServiceError.badRequest(
                    "missing_key", "name the evaluation keys: ?key=KEYID (from POST /v1/models/{id}/keys)")
            }
            guard HefServer.validKeyID(keyID),
                try await service.registry.registeredKey(keyID: keyID, client: client, modelID: model.id) != nil
            else {
                // Another client's key and an unknown one get the same answer.
                throw ServiceError.notFound(
                    "unknown_key", "no evaluation keys \(keyID) registered by this client for model \(model.name)")
            }
            let bytes = try await HefServer.body(request, limit: service.configuration.maxInferBytes)
            let evaluator = try await service.evaluator(model: model, keyID: keyID)
            let output = try await service.queue.submit { try ModelRuntime.infer(bytes, evaluator: evaluator) }
            let receipt = try Receipt(
                receiptID: UUID().uuidString.lowercased(), modelID: model.id, keyID: keyID, request: bytes,
                response: output,
                time: Int64(Date().timeIntervalSince1970), signer: service.signer)
            try await service.registry.record(ReceiptRecord(receipt: receipt, client: client))
            return Response(
                status: .ok,
                headers: [.contentType: "application/octet-stream", Receipt.header: receipt.headerValue],
                body: .init(byteBuffer: ByteBuffer(bytes: output)))
        }
        return router
    }

    func evaluator(model: ServedModel, keyID: String) async throws -> PreparedEvaluator {
        if let cached = evaluators.get(modelID: model.id, keyID: keyID) { return cached }
        let bytes = try await registry.keyBytes(keyID: keyID)
        let prepared = try await queue.submit { try ModelRuntime.prepare(model: model, keyBytes: bytes) }
        evaluators.put(prepared, modelID: model.id, keyID: keyID)
        return prepared
    }

    /// The Hummingbird application on the configured address; `onBound` gets the port it bound
    /// (useful with port 0).
    public func application(onBound: @escaping @Sendable (Int) -> Void = { _ in }) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hef"),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { onBound(port) }
            },
            logger: logger)
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
    public func run() async throws {
        try await application().runService()
    }
}
