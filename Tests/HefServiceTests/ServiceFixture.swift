import Crypto
import Foundation
import HefCKKS
import HefML
import HefService
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The repository's `Models/` folder.
func repositoryModels() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

func readCSV(_ url: URL) throws -> [[Double]] {
    try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map { line in
        line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces))! }
    }
}

func temporaryDirectory(_ tag: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hef-service-\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The data owner's side, made once for the suite: digits-square compiled (throughput packing)
/// into a models folder, a key set, a few encrypted rows and the local flow's labels for them.
struct ServiceFixture: @unchecked Sendable {
    static let alice = (client: "alice", token: "alice-token-0123456789")
    static let bob = (client: "bob", token: "bob-token-9876543210ab")

    let modelsDirectory: URL
    let compiled: CompiledModel
    let context: CKKSContext
    let secretKey: SecretKey
    let evaluationKeyBytes: [UInt8]
    let secretKeyBytes: [UInt8]
    let requestBytes: [UInt8]
    let localLabels: [String?]

    static let shared: Result<ServiceFixture, any Error> = Result { try ServiceFixture() }

    static func get() throws -> ServiceFixture { try shared.get() }

    init() throws {
        let source = repositoryModels().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: source.appendingPathComponent("model.json"))
        let calibration = try readCSV(source.appendingPathComponent("calibration_X.csv"))
        compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(model, calibration: calibration)
        modelsDirectory = try temporaryDirectory("models")
        try compiled.jsonData().write(to: modelsDirectory.appendingPathComponent("digits-square.hef"))

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
            if g != 1 && galois[g] == nil { galois[g] = try generator.galoisKey(for: secretKey, galoisElement: g, stream: &stream) }
        }
        let keys = EvaluationKeys(relinearization: relin, galois: galois, parametersID: parameters.id, keyID: secretKey.keyID)
        evaluationKeyBytes = try keys.serialized(context: context)
        secretKeyBytes = try secretKey.serialized(context: context)

        let rows = Array(try readCSV(source.appendingPathComponent("test_X.csv")).prefix(5))
        let client = InferenceClient(model: compiled, context: context)
        let request = try client.encrypt(rows, publicKey: publicKey)
        requestBytes = try request.serialized(context: context)
        // The local flow: the same ciphertexts evaluated by the library, decrypted.
        let local = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys).evaluate(request)
        localLabels = try client.decryptLabels(local, secretKey: secretKey)
    }

    func labels(ofResponse bytes: [UInt8]) throws -> [String?] {
        let results = try ModelCiphertexts(deserializing: bytes, context: context)
        return try InferenceClient(model: compiled, context: context).decryptLabels(results, secretKey: secretKey)
    }

    func configuration(data: URL) -> ServiceConfiguration {
        var configuration = ServiceConfiguration(modelsDirectory: modelsDirectory, dataDirectory: data)
        configuration.port = 0
        configuration.tokens = [
            TokenEntry(client: Self.alice.client, token: Self.alice.token),
            TokenEntry(client: Self.bob.client, token: Self.bob.token),
        ]
        configuration.workers = 2
        configuration.maxKeysBytes = evaluationKeyBytes.count + 4096
        configuration.maxInferBytes = requestBytes.count + 4096
        return configuration
    }

    /// Starts the service on a loopback port for the duration of `body`.
    func withServer<T: Sendable>(
        data: URL, _ body: @Sendable (any TestClientProtocol, HefService) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "hef.service.test")
        logger.logLevel = ProcessInfo.processInfo.environment["HEF_TEST_VERBOSE"] == nil ? .warning : .info
        let service = try await HefService(configuration: configuration(data: data), logger: logger)
        return try await service.application().test(.live) { client in try await body(client, service) }
    }
}

func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

struct ErrorBody: Decodable {
    struct Inner: Decodable { var code: String; var message: String }
    var error: Inner
}

/// A 4xx answer with the JSON error body (never a stack trace).
func expectJSONError(
    _ response: TestResponse, status: HTTPResponse.Status, code: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "got \(response.status): \(String(buffer: response.body))", sourceLocation: sourceLocation)
    #expect(response.headers[.contentType]?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
    let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes(response.body)))
    #expect(decoded != nil, "not a JSON error body: \(String(buffer: response.body))", sourceLocation: sourceLocation)
    if let code { #expect(decoded?.error.code == code, "code \(decoded?.error.code ?? "none")", sourceLocation: sourceLocation) }
}
