import Foundation
import HefCKKS
import HefML
import HefRing
import HefService
import HefTestSupport
import Logging
import ServiceLifecycle

/// Made once: digits-square compiled (throughput packing) into a models folder, a few test rows,
/// and the local flow's labels for them (the library's own keys, evaluation and decryption).
struct ClientFixture: @unchecked Sendable {
    static let alice = (client: "alice", token: "alice-token-0123456789")
    static let bob = (client: "bob", token: "bob-token-9876543210ab")

    let modelsDirectory: URL
    let compiled: CompiledModel
    let rows: [[Double]]
    let localLabels: [String?]

    static let shared: Result<ClientFixture, any Error> = Result { try ClientFixture() }
    static func get() throws -> ClientFixture { try shared.get() }

    init() throws {
        let source = repositoryModels().appendingPathComponent("digits-square")
        let model = try MLPModel.load(contentsOf: source.appendingPathComponent("model.json"))
        let calibration = try readCSV(source.appendingPathComponent("calibration_X.csv"))
        rows = Array(try readCSV(source.appendingPathComponent("test_X.csv")).prefix(4))
        modelsDirectory = try temporaryDirectory("models")
        compiled = try ModelCompiler(options: .init(packing: .throughput)).compile(model, calibration: calibration)
        try compiled.jsonData().write(to: modelsDirectory.appendingPathComponent("digits-square.hef"))

        // The local flow, with keys of its own.
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        var stream = RandomStream.secure()
        let secretKey = generator.secretKey(stream: &stream)
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        var galois: [Int: KeySwitchingKey] = [:]
        for step in compiled.plan.rotationSteps {
            let g = context.encoder.galoisElement(forStep: step, slots: context.parameters.maxSlots)
            if g != 1 && galois[g] == nil {
                galois[g] = try generator.galoisKey(for: secretKey, galoisElement: g, stream: &stream)
            }
        }
        let keys = EvaluationKeys(
            relinearization: try generator.relinearizationKey(for: secretKey, stream: &stream), galois: galois,
            parametersID: context.parameters.id, keyID: secretKey.keyID)
        let client = InferenceClient(model: compiled, context: context)
        let request = try client.encrypt(rows, publicKey: publicKey)
        let results = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys).evaluate(request)
        localLabels = try client.decryptLabels(results, secretKey: secretKey)
    }

    func configuration(
        data: URL, port: Int, models: URL? = nil, tls: TLSFiles? = nil, publishWeights: Bool = false
    ) -> ServiceConfiguration {
        var configuration = ServiceConfiguration(modelsDirectory: models ?? modelsDirectory, dataDirectory: data)
        configuration.tls = tls
        configuration.publishWeights = publishWeights
        configuration.port = port
        // The whole suite shares two cores: a handler may not read a body for longer than the
        // production idle timeout, which would close the connection under the test.
        configuration.idleTimeoutSeconds = 3600
        configuration.tokens = [
            TokenEntry(client: Self.alice.client, token: Self.alice.token),
            TokenEntry(client: Self.bob.client, token: Self.bob.token),
        ]
        configuration.workers = 2
        return configuration
    }

    /// Runs the service on loopback (a free port unless `port` is given) for the duration of
    /// `body`, which gets its base URL and port; it serves `models` (default: the fixture's),
    /// over HTTPS with `tls`, their whole files with `publishWeights` (else their client parts).
    func withServer<T: Sendable>(
        data: URL, port: Int = 0, models: URL? = nil, tls: TLSFiles? = nil, publishWeights: Bool = false,
        _ body: @Sendable (URL, Int) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "hef.client.test")
        logger.logLevel = ProcessInfo.processInfo.environment["HEF_TEST_VERBOSE"] == nil ? .warning : .info
        let service = try await HefServer(
            configuration: configuration(
                data: data, port: port, models: models, tls: tls, publishWeights: publishWeights), logger: logger)
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
            do {
                let value = try await body(URL(string: "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)")!, port)
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return value
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// Runs `hefctl` to the end: exit status, standard output, standard error.
@discardableResult
func runHefctl(_ arguments: [String], environment: [String: String] = [:]) throws -> (
    status: Int32, out: String, err: String
) {
    let process = Process()
    process.executableURL = try hefctlURL()
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["HEF_PASSPHRASE"] = nil
    env["HEF_TOKEN"] = nil
    for (k, v) in environment { env[k] = v }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let capturedOut = Captured()
    let capturedErr = Captured()
    out.fileHandleForReading.readabilityHandler = { capturedOut.append($0.availableData) }
    err.fileHandleForReading.readabilityHandler = { capturedErr.append($0.availableData) }
    try process.run()
    process.waitUntilExit()
    out.fileHandleForReading.readabilityHandler = nil
    err.fileHandleForReading.readabilityHandler = nil
    capturedOut.append(out.fileHandleForReading.readDataToEndOfFile())
    capturedErr.append(err.fileHandleForReading.readDataToEndOfFile())
    return (process.terminationStatus, capturedOut.text, capturedErr.text)
}

func writeCSV(_ rows: [[Double]], to url: URL) throws {
    try rows.map { $0.map { "\($0)" }.joined(separator: ",") + "\n" }.joined().write(
        to: url, atomically: true, encoding: .utf8)
}
