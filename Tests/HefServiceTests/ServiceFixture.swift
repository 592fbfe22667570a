import Crypto
import Foundation
import HefCKKS
import HefML
import HefRing
import HefService
import HefTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOSSL
import ServiceLifecycle
import Testing

/// One data owner's material for one compiled model: keys, a few encrypted rows, and the
/// local flow's labels for them (the same ciphertexts evaluated by the library and decrypted).
struct OwnerMaterial: @unchecked Sendable {
    let compiled: CompiledModel
    let context: CKKSContext
    let secretKey: SecretKey
    let evaluationKeys: EvaluationKeys
    let evaluationKeyBytes: [UInt8]
    let secretKeyBytes: [UInt8]
    let requestBytes: [UInt8]
    let localLabels: [String?]

    init(compiled: CompiledModel, rows: [[Double]]) throws {
        self.compiled = compiled
        context = try compiled.makeContext()
        let parameters = context.parameters
        let generator = KeyGenerator(context: context)
        var stream = RandomStream.secure()
        secretKey = generator.secretKey(stream: &stream)
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        let relin = try generator.relinearizationKey(for: secretKey, stream: &stream)
        var galois: [Int: KeySwitchingKey] = [:]
        for step in compiled.plan.rotationSteps {
            let g = context.encoder.galoisElement(forStep: step, slots: parameters.maxSlots)
            if g != 1 && galois[g] == nil {
                galois[g] = try generator.galoisKey(for: secretKey, galoisElement: g, stream: &stream)
            }
        }
        evaluationKeys = EvaluationKeys(
            relinearization: relin, galois: galois, parametersID: parameters.id, keyID: secretKey.keyID)
        evaluationKeyBytes = try evaluationKeys.serialized(context: context)
        secretKeyBytes = try secretKey.serialized(context: context)
        let client = InferenceClient(model: compiled, context: context)
        let request = try client.encrypt(rows, publicKey: publicKey)
        requestBytes = try request.serialized(context: context)
        let local = try EncryptedMLP(model: compiled, context: context, evaluationKeys: evaluationKeys).evaluate(
            request)
        localLabels = try client.decryptLabels(local, secretKey: secretKey)
    }

    /// The same keys without one Galois key (nil when the model needs no rotation).
    func keysMissingOneRotation() throws -> [UInt8]? {
        guard let dropped = evaluationKeys.galois.keys.sorted().first else { return nil }
        var galois = evaluationKeys.galois
        galois[dropped] = nil
        return try EvaluationKeys(
            relinearization: evaluationKeys.relinearization, galois: galois, parametersID: evaluationKeys.parametersID,
            keyID: evaluationKeys.keyID
        ).serialized(context: context)
    }

    func labels(ofResponse bytes: [UInt8]) throws -> [String?] {
        let results = try ModelCiphertexts(deserializing: bytes, context: context)
        return try InferenceClient(model: compiled, context: context).decryptLabels(results, secretKey: secretKey)
    }
}

/// Made once for the suite: digits-square compiled in both packings into a models folder
/// (`digits-square.hef` throughput, `digits-square-latency.hef` latency), alice's material for
/// both, bob's for the throughput model.
struct ServiceFixture: @unchecked Sendable {
    static let alice = (client: "alice", token: "alice-token-0123456789")
    static let bob = (client: "bob", token: "bob-token-9876543210ab")

    let modelsDirectory: URL
    let throughput: OwnerMaterial
    let latency: OwnerMaterial
    let bobThroughput: OwnerMaterial

    static let shared: Result<ServiceFixture, any Error> = Result { try ServiceFixture() }

    static func get() throws -> ServiceFixture { try shared.get() }

    // The throughput model's material under the names the first tests use.
    var compiled: CompiledModel { throughput.compiled }
    var evaluationKeyBytes: [UInt8] { throughput.evaluationKeyBytes }
    var secretKeyBytes: [UInt8] { throughput.secretKeyBytes }
    var requestBytes: [UInt8] { throughput.requestBytes }
    var localLabels: [String?] { throughput.localLabels }
    func labels(ofResponse bytes: [UInt8]) throws -> [String?] { try throughput.labels(ofResponse: bytes) }

    init() throws {
        let source = repositoryModels().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: source.appendingPathComponent("model.json"))
        let calibration = try readCSV(source.appendingPathComponent("calibration_X.csv"))
        let rows = try readCSV(source.appendingPathComponent("test_X.csv"))
        modelsDirectory = try temporaryDirectory("models")
        let t = try ModelCompiler(options: .init(packing: .throughput)).compile(model, calibration: calibration)
        let l = try ModelCompiler(options: .init(packing: .latency)).compile(model, calibration: calibration)
        try t.jsonData().write(to: modelsDirectory.appendingPathComponent("digits-square.hef"))
        try l.jsonData().write(to: modelsDirectory.appendingPathComponent("digits-square-latency.hef"))
        throughput = try OwnerMaterial(compiled: t, rows: Array(rows.prefix(5)))
        latency = try OwnerMaterial(compiled: l, rows: Array(rows[5..<7]))
        bobThroughput = try OwnerMaterial(compiled: t, rows: Array(rows[7..<8]))
    }

    func configuration(data: URL) -> ServiceConfiguration {
        var configuration = ServiceConfiguration(modelsDirectory: modelsDirectory, dataDirectory: data)
        configuration.port = 0
        // The whole suite shares two cores: a handler may not read a body for longer than the
        // production idle timeout, which would close the connection under the test.
        configuration.idleTimeoutSeconds = 3600
        configuration.tokens = [
            TokenEntry(client: Self.alice.client, token: Self.alice.token),
            TokenEntry(client: Self.bob.client, token: Self.bob.token),
        ]
        configuration.workers = 2
        configuration.maxKeysBytes = max(throughput.evaluationKeyBytes.count, latency.evaluationKeyBytes.count) + 4096
        configuration.maxInferBytes = max(throughput.requestBytes.count, latency.requestBytes.count) + 4096
        return configuration
    }

    /// Starts the service on a free loopback port for the duration of `body`. (Not Hummingbird's
    /// `.live` test framework: its 20 s read timeout is too short when the whole test suite
    /// shares two cores.)
    ///
    /// With `tls`, the server serves HTTPS with those files and the test client trusts `trust`.
    func withServer<T: Sendable>(
        data: URL, registry: (any KeyRegistry)? = nil, tls: (files: TLSFiles, trust: TLSConfiguration)? = nil,
        sweepSeconds: Int64? = nil, _ body: @Sendable (LiveClient, HefServer) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "hef.service.test")
        logger.logLevel = ProcessInfo.processInfo.environment["HEF_TEST_VERBOSE"] == nil ? .warning : .info
        var settings = configuration(data: data)
        settings.tls = tls?.files
        if let sweepSeconds { settings.sweepIntervalSeconds = sweepSeconds }
        let service = try await HefServer(configuration: settings, registry: registry, logger: logger)
        let (ports, bound) = AsyncStream<Int>.makeStream()
        let app = try service.application(onBound: { port in
            bound.yield(port)
            bound.finish()
        })
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ServiceError.configuration("the server did not start") }
            let client = TestClient(
                host: "127.0.0.1", port: port,
                configuration: .init(
                    tlsConfiguration: tls?.trust, timeout: .seconds(600), serverName: tls == nil ? nil : "localhost"))
            client.connect()
            do {
                let value = try await body(LiveClient(client: client, port: port), service)
                try await client.shutdown()
                await services.triggerGracefulShutdown()
                return value
            } catch {
                try? await client.shutdown()
                await services.triggerGracefulShutdown()
                throw error
            }
        }
    }
}

/// An HTTP response as the tests see it.
struct Answer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer
}

/// One keep-alive connection to a running server.
struct LiveClient: Sendable {
    let client: TestClient
    /// The server's loopback port (for clients other than this one, e.g. an MCP client).
    let port: Int

    @discardableResult
    func execute<R>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        _ check: (Answer) async throws -> R
    ) async throws -> R {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(
            .init(uri, method: method, authority: "localhost", headers: headers, body: body))
        return try await check(
            Answer(status: response.status, headers: response.headers, body: response.body ?? ByteBuffer()))
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

struct ErrorBody: Decodable {
    struct Inner: Decodable {
        var code: String
        var message: String
    }
    var error: Inner
}

/// A 4xx answer with the JSON error body (never a stack trace).
func expectJSONError(
    _ response: Answer, status: HTTPResponse.Status, code: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(
        response.status == status, "got \(response.status): \(String(buffer: response.body))",
        sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes(response.body)))
    #expect(decoded != nil, "not a JSON error body: \(String(buffer: response.body))", sourceLocation: sourceLocation)
    if let code {
        #expect(decoded?.error.code == code, "code \(decoded?.error.code ?? "none")", sourceLocation: sourceLocation)
    }
}
