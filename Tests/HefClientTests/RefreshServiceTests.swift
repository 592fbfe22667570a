import Foundation
import HefCKKS
import HefClient
import HefML
import HefRing
import HefService
import HefTestSupport
import HefWire
import Testing

/// A model with client-aided refreshes served over HTTP: the server stops at each cut with a
/// masked refresh request, keeps the round trip's state in its registry, and the client
/// refreshes and sends it back until the outputs come; every leg's receipt verifies.
@Suite("Refresh round trips through the service", .serialized)
struct RefreshServiceTests {
    static func digitsTanh() throws -> (compiled: CompiledModel, rows: [[Double]], models: URL) {
        let dir = repositoryModels().appendingPathComponent("digits-tanh")
        let model = try MLPModel.load(contentsOf: dir.appendingPathComponent("model.json"))
        let calibration = try readCSV(dir.appendingPathComponent("calibration_X.csv"))
        let compiled = try ModelCompiler(options: .init(packing: .latency, refresh: .client)).compile(
            model, calibration: calibration)
        let models = try temporaryDirectory("refresh-models")
        try compiled.jsonData().write(to: models.appendingPathComponent("digits-tanh-refresh.hef"))
        return (compiled, Array(try readCSV(dir.appendingPathComponent("test_X.csv")).prefix(2)), models)
    }

    @Test func refreshRoundTripsRunThroughTheService() async throws {
        let f = try ClientFixture.get()
        let (compiled, rows, models) = try Self.digitsTanh()
        let cuts = try #require(compiled.plan.refresh).cuts.count
        let data = try temporaryDirectory("data")
        let keys = try temporaryDirectory("keys")
        defer {
            for url in [data, keys, models] { try? FileManager.default.removeItem(at: url) }
        }
        // digits-tanh's guaranteed box covers 21 % of its calibration box and no test row: with
        // its client part (weights withheld) every row is refused before anything is sent.
        try await f.withServer(data: data, models: models) { url, _ in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            await #expect(throws: ModelError.self) {
                _ = try await client.predict(model: "digits-tanh-refresh", rows: rows, output: .scores)
            }
        }
        try? FileManager.default.removeItem(at: keys)
        // The provider publishes the weights: rows are checked through the plan.
        try await f.withServer(data: data, models: models, publishWeights: true) { url, _ in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            let entry = try #require(try await client.models().first)
            #expect(entry.model.refresh == "client" && entry.model.weights == "published")

            let prediction = try await client.predict(model: "digits-tanh-refresh", rows: rows, output: .scores)
            #expect(prediction.receiptVerified && prediction.keysUploaded)
            for (i, row) in rows.enumerated() {
                let want = compiled.plainScores(row)
                let got = prediction.results.rows[i].scores
                let error = zip(got, want).map { abs($0 - $1) }.max() ?? 1
                #expect(error < 0.1, "row \(i): encrypted − compiled model in Double = \(error)")
            }

            // The upload was a key bundle: evaluation keys and the public key, under one id.
            let registration = try String(
                contentsOf: try #require(
                    FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?
                        .compactMap { $0 as? URL }.first { $0.lastPathComponent == "registration.json" }),
                encoding: .utf8)
            #expect(registration.contains(prediction.keyID))

            // A refresh request answered twice, or by another client, is refused: the first
            // leg by hand, its refreshed answer sent by bob, then twice by alice.
            let bob = HefClient(server: url, token: ClientFixture.bob.token, keysDirectory: keys)
            let remote = try await client.model("digits-tanh-refresh")
            let context = remote.context
            let ownerDirectory = try #require(
                FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?
                    .compactMap { $0 as? URL }.first { $0.lastPathComponent == "secret.key" }
            ).deletingLastPathComponent()
            let secretKey = try SecretKey(
                deserializing: Array(try Data(contentsOf: ownerDirectory.appendingPathComponent("secret.key"))),
                context: context)
            let publicKey = try PublicKey(
                deserializing: Array(try Data(contentsOf: ownerDirectory.appendingPathComponent("public.key"))),
                context: context)
            let local = InferenceClient(model: remote.compiled, context: context)
            let inputs = try local.encrypt([rows[0]], publicKey: publicKey).serialized(context: context)
            let first = try await client.infer(
                model: prediction.modelID, keyID: prediction.keyID, ciphertexts: inputs)
            let request = try ModelCiphertexts(deserializing: first.response, context: context)
            #expect(request.stage == .refreshRequest && request.segment == 1 && cuts >= 1)
            let refreshed = try local.refresh(request, secretKey: secretKey).serialized(context: context)
            await #expect(throws: HefClientError.self) {
                _ = try await bob.infer(model: prediction.modelID, keyID: prediction.keyID, ciphertexts: refreshed)
            }
            let second = try await client.infer(
                model: prediction.modelID, keyID: prediction.keyID, ciphertexts: refreshed)
            #expect(try ModelCiphertexts.summary(second.response).stage != .inputs)
            do {
                _ = try await client.infer(model: prediction.modelID, keyID: prediction.keyID, ciphertexts: refreshed)
                Issue.record("a refresh round trip was answered twice")
            } catch let error as HefClientError {
                #expect(error.serverCode == "unknown_refresh")
            }
        }
    }

    /// Keys without the public key are refused for a model with refreshes, before any
    /// evaluation; a bundle holding a secret key is refused from its header.
    @Test func refreshModelKeysAreChecked() async throws {
        let (compiled, _, models) = try Self.digitsTanh()
        defer { try? FileManager.default.removeItem(at: models) }
        let served = try ModelRuntime.loadModel(
            url: models.appendingPathComponent("digits-tanh-refresh.hef"))
        let context = try compiled.makeContext()
        let generator = KeyGenerator(context: context)
        var stream = RandomStream.secure()
        let secretKey = generator.secretKey(stream: &stream)
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        let keys = try generator.modelKeys(for: secretKey, model: compiled, stream: &stream)
        let eval = try keys.evaluation.serialized(context: context)
        #expect(throws: ServiceError.self) { try ModelRuntime.validateEvaluationKeys(eval, for: served) }
        do {
            _ = try ModelRuntime.validateEvaluationKeys(eval, for: served)
        } catch let error as ServiceError {
            #expect(error.code == "missing_public_key")
        }
        let bundle = KeyBundle.make([eval, try publicKey.serialized(context: context)])
        #expect(try ModelRuntime.validateEvaluationKeys(bundle, for: served).galoisKeys == keys.evaluation.galois.count)
        let withSecret = KeyBundle.make([eval, try secretKey.serialized(context: context)])
        do {
            _ = try ModelRuntime.validateEvaluationKeys(withSecret, for: served)
            Issue.record("a bundle with a secret key was taken")
        } catch let error as ServiceError {
            #expect(error.code == "wrong_kind")
        }
        // Truncated and padded bundles are malformed, never read past their end.
        for bad in [Array(bundle.dropLast(1)), bundle + [0], Array(bundle.prefix(9))] {
            do {
                _ = try ModelRuntime.validateEvaluationKeys(bad, for: served)
                Issue.record("a damaged bundle was taken")
            } catch let error as ServiceError {
                #expect(error.code == "malformed_keys")
            }
        }
    }
}
