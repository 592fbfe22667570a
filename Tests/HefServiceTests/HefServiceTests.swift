import Crypto
import Foundation
import HefML
import HefService
import HefTestSupport
import HefWire
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("HefService over HTTP", .serialized)
struct HefServiceTests {
    struct ModelEntry: Decodable {
        var model: ModelDescription
        var manifest: Manifest
    }

    struct ModelList: Decodable { var models: [ModelEntry] }

    struct KeyAnswer: Decodable {
        var keyID: String
        var modelID: String
        var created: Bool
    }

    /// The whole flow on one data folder: models and manifests, keys, inference with a receipt,
    /// another client refused, bad bodies refused, then a restart with the key still working.
    @Test func encryptedInferenceOverHTTPSurvivesARestart() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("data")
        defer { try? FileManager.default.removeItem(at: data) }
        let alice = bearer(ServiceFixture.alice.token)
        let bob = bearer(ServiceFixture.bob.token)
        let expectedKeyID = SHA256.hash(data: f.evaluationKeyBytes).map { String(format: "%02x", $0) }.joined()

        let firstServerID: String = try await f.withServer(data: data) { client, service in
            // Health and the signing key.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let keyDocument = try await client.execute(uri: "/v1/signing-key", method: .get) { response in
                try JSONDecoder().decode(SigningKeyDocument.self, from: Data(bytes(response.body)))
            }
            let publicKey = try keyDocument.key()
            #expect(keyDocument.algorithm == "ML-DSA-65")
            let mode =
                try FileManager.default.attributesOfItem(
                    atPath: data.appendingPathComponent("signing-key.mldsa65").path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)

            // Models, by list, by stem and by id; the manifest verifies against the compiled bytes.
            let list = try await client.execute(uri: "/v1/models", method: .get) { response in
                #expect(response.status == .ok)
                return try JSONDecoder().decode(ModelList.self, from: Data(bytes(response.body)))
            }
            #expect(list.models.map(\.model.name) == ["digits-square-latency", "digits-square"])
            let entry = try #require(list.models.first { $0.model.name == "digits-square" })
            let modelID = String(f.compiled.id, radix: 16).leftPadded(16)
            #expect(entry.model.id == modelID && entry.model.name == "digits-square")
            #expect(entry.model.inputWidth == f.compiled.inputSize && entry.model.outputWidth == 10)
            #expect(entry.model.packing == "throughput")
            #expect(entry.model.parameters == f.compiled.plan.parameters)
            #expect(entry.model.rotationSteps == f.compiled.plan.rotationSteps)
            let compiledBytes = try await client.execute(uri: "/v1/models/digits-square/compiled", method: .get) {
                bytes($0.body)
            }
            #expect(entry.manifest.verify(publicKey: publicKey, compiledModel: compiledBytes))
            // What a data owner fetches is the client part: the model's id, no weights.
            let clientPart = try JSONDecoder().decode(CompiledModel.self, from: Data(compiledBytes))
            #expect(clientPart.weightsWithheld && clientPart.id == f.compiled.id && entry.model.weights == "withheld")
            #expect(clientPart.layers.allSatisfy { $0.weights.allSatisfy { $0.allSatisfy { $0 == 0 } } })
            try clientPart.validate()
            var forged = entry.manifest
            forged.contentSHA256 = String(repeating: "0", count: 64)
            #expect(!forged.verify(publicKey: publicKey))
            try await client.execute(uri: "/v1/models/\(modelID)", method: .get) { response in
                #expect(response.status == .ok)
                let byID = try JSONDecoder().decode(ModelEntry.self, from: Data(bytes(response.body)))
                #expect(byID.model == entry.model)
            }
            try await client.execute(uri: "/v1/models/no-such-model", method: .get) {
                expectJSONError($0, status: .notFound, code: "unknown_model")
            }
            try await client.execute(uri: "/v1/nothing-here", method: .get) { expectJSONError($0, status: .notFound) }

            // Keys: a token is needed; the key id is the content hash; a repeat is idempotent.
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) {
                expectJSONError($0, status: .unauthorized)
            }
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post,
                headers: [.authorization: "Bearer wrong-token-xxxxxxxx"],
                body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { expectJSONError($0, status: .unauthorized) }
            let first = try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { response in
                #expect(response.status == .created)
                return try JSONDecoder().decode(KeyAnswer.self, from: Data(bytes(response.body)))
            }
            #expect(first.keyID == expectedKeyID && first.created && first.modelID == modelID)
            try await client.execute(
                uri: "/v1/models/\(modelID)/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.evaluationKeyBytes)
            ) { response in
                #expect(response.status == .ok)
                let again = try JSONDecoder().decode(KeyAnswer.self, from: Data(bytes(response.body)))
                #expect(again.keyID == expectedKeyID && !again.created)
            }

            // Inference: labels equal the local flow's; the receipt verifies; a tampered response does not.
            let (output, receipt) = try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.requestBytes)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType] == "application/octet-stream")
                let header = try #require(response.headers[Receipt.header])
                return (bytes(response.body), try Receipt(headerValue: header))
            }
            #expect(try f.labels(ofResponse: output) == f.localLabels)
            #expect(f.localLabels.allSatisfy { $0 != nil })
            #expect(
                receipt.modelID == modelID && receipt.keyID == expectedKeyID && receipt.serverID == keyDocument.serverID
            )
            #expect(receipt.verify(publicKey: publicKey, request: f.requestBytes, response: output))
            var tampered = output
            tampered[tampered.count / 2] ^= 1
            #expect(!receipt.verify(publicKey: publicKey, request: f.requestBytes, response: tampered))
            var moved = receipt
            moved.keyID = String(repeating: "a", count: 64)
            #expect(!moved.verify(publicKey: publicKey))
            let otherKey = try MLDSA65.PrivateKey().publicKey
            #expect(!receipt.verify(publicKey: otherKey))

            // Another client can neither use nor delete alice's keys.
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: bob,
                body: ByteBuffer(bytes: f.requestBytes)
            ) { expectJSONError($0, status: .notFound, code: "unknown_key") }
            try await client.execute(uri: "/v1/keys/\(expectedKeyID)", method: .delete, headers: bob) {
                expectJSONError($0, status: .notFound, code: "unknown_key")
            }

            // Malformed, truncated, wrong-kind and oversize bodies: 4xx with a JSON error.
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: Array("not keys".utf8))
            ) { expectJSONError($0, status: .badRequest, code: "malformed_keys") }
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: Array(f.evaluationKeyBytes.prefix(f.evaluationKeyBytes.count / 2)))
            ) { expectJSONError($0, status: .badRequest, code: "malformed_keys") }
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.secretKeyBytes)
            ) { expectJSONError($0, status: .badRequest, code: "wrong_kind") }
            try await client.execute(
                uri: "/v1/models/digits-square/keys", method: .post, headers: alice,
                body: ByteBuffer(bytes: [UInt8](repeating: 7, count: service.configuration.maxKeysBytes + 1))
            ) { expectJSONError($0, status: .contentTooLarge, code: "body_too_large") }
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: Array(f.requestBytes.prefix(f.requestBytes.count - 100)))
            ) { expectJSONError($0, status: .badRequest, code: "malformed_ciphertexts") }
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: output)
            ) { expectJSONError($0, status: .unprocessableContent, code: "wrong_ciphertexts") }
            try await client.execute(
                uri: "/v1/models/digits-square/infer", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.requestBytes)
            ) { expectJSONError($0, status: .badRequest, code: "missing_key") }
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: [UInt8](repeating: 0, count: service.configuration.maxInferBytes + 1))
            ) { expectJSONError($0, status: .contentTooLarge) }
            #expect(try await service.registry.receiptCount() == 1)
            return keyDocument.serverID
        }

        // A restart on the same data folder: same signing key, alice's key still works.
        try await f.withServer(data: data) { client, service in
            #expect(service.signer.serverID == firstServerID)
            #expect(try await service.registry.keyCount() == 1)
            let output = try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.requestBytes)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let receipt = try Receipt(headerValue: try #require(response.headers[Receipt.header]))
                #expect(
                    receipt.verify(
                        publicKey: service.signer.publicKey, request: f.requestBytes, response: bytes(response.body)))
                return bytes(response.body)
            }
            #expect(try f.labels(ofResponse: output) == f.localLabels)
            // Deleting: 204, then the key is gone for inference, and its blob with it.
            try await client.execute(uri: "/v1/keys/\(expectedKeyID)", method: .delete, headers: alice) {
                #expect($0.status == .noContent)
            }
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(expectedKeyID)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.requestBytes)
            ) { expectJSONError($0, status: .notFound, code: "unknown_key") }
            try await client.execute(uri: "/v1/keys/\(expectedKeyID)", method: .delete, headers: alice) {
                expectJSONError($0, status: .notFound)
            }
            #expect(try await service.registry.keyCount() == 0)
            let blob = data.appendingPathComponent("blobs/sha256/\(expectedKeyID.prefix(2))/\(expectedKeyID)")
            #expect(!FileManager.default.fileExists(atPath: blob.path))
        }
    }
}

extension HefServiceTests {
    /// Latency packing (Galois keys), the key validation's refusals, other models' and other
    /// keys' ciphertexts.
    @Test func latencyPackingAndKeyChecks() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("data")
        defer { try? FileManager.default.removeItem(at: data) }
        let alice = bearer(ServiceFixture.alice.token)
        let bob = bearer(ServiceFixture.bob.token)
        #expect(!f.latency.compiled.plan.rotationSteps.isEmpty)
        try await f.withServer(data: data) { client, _ in
            func upload(_ bytes: [UInt8], to model: String, headers: HTTPFields) async throws -> Answer {
                try await client.execute(
                    uri: "/v1/models/\(model)/keys", method: .post, headers: headers, body: ByteBuffer(bytes: bytes)
                ) { $0 }
            }
            func keyID(_ response: Answer) throws -> String {
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try JSONDecoder().decode(KeyAnswer.self, from: Data(bytes(response.body))).keyID
            }
            // Keys for the other packing's parameters, or short of one Galois key: refused.
            let refused = try await upload(f.throughput.evaluationKeyBytes, to: "digits-square-latency", headers: alice)
            if f.throughput.compiled.plan.parameters == f.latency.compiled.plan.parameters {
                expectJSONError(refused, status: .unprocessableContent, code: "missing_rotation_key")
            } else {
                expectJSONError(refused, status: .unprocessableContent, code: "wrong_parameters")
            }
            let short = try #require(try f.latency.keysMissingOneRotation())
            expectJSONError(
                try await upload(short, to: "digits-square-latency", headers: alice), status: .unprocessableContent,
                code: "missing_rotation_key")

            // Latency packing end to end.
            let latencyKey = try keyID(
                try await upload(f.latency.evaluationKeyBytes, to: "digits-square-latency", headers: alice))
            let output = try await client.execute(
                uri: "/v1/models/digits-square-latency/infer?key=\(latencyKey)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.latency.requestBytes)
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return bytes(response.body)
            }
            #expect(try f.latency.labels(ofResponse: output) == f.latency.localLabels)

            // A key registered for one model cannot be used with another.
            let throughputKey = try keyID(
                try await upload(f.throughput.evaluationKeyBytes, to: "digits-square", headers: alice))
            try await client.execute(
                uri: "/v1/models/digits-square-latency/infer?key=\(throughputKey)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.latency.requestBytes)
            ) { expectJSONError($0, status: .notFound, code: "unknown_key") }
            // Another model's ciphertexts.
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(throughputKey)", method: .post, headers: alice,
                body: ByteBuffer(bytes: f.latency.requestBytes)
            ) { expectJSONError($0, status: .unprocessableContent, code: "wrong_model") }
            // Bob's own keys with alice's ciphertexts: refused before any evaluation.
            let bobKey = try keyID(
                try await upload(f.bobThroughput.evaluationKeyBytes, to: "digits-square", headers: bob))
            try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(bobKey)", method: .post, headers: bob,
                body: ByteBuffer(bytes: f.throughput.requestBytes)
            ) { expectJSONError($0, status: .unprocessableContent, code: "wrong_key") }
            // Bob's own flow works.
            let bobOutput = try await client.execute(
                uri: "/v1/models/digits-square/infer?key=\(bobKey)", method: .post, headers: bob,
                body: ByteBuffer(bytes: f.bobThroughput.requestBytes)
            ) { response in
                #expect(response.status == .ok)
                return bytes(response.body)
            }
            #expect(try f.bobThroughput.labels(ofResponse: bobOutput) == f.bobThroughput.localLabels)
            // A method a route does not take (Hummingbird answers 404), a key id of the wrong shape.
            try await client.execute(uri: "/v1/models", method: .delete) { expectJSONError($0, status: .notFound) }
            try await client.execute(uri: "/v1/keys/not-a-key", method: .delete, headers: alice) {
                expectJSONError($0, status: .notFound, code: "unknown_key")
            }
        }
    }
}

@Suite("HefService parts")
struct HefServicePartsTests {
    /// Data owners get the client part unless the provider publishes weights; a model without
    /// a guaranteed input box cannot be served without them, and a client part is no model to
    /// serve.
    @Test func servedModelsAreClientPartsUnlessWeightsArePublished() throws {
        let f = try ServiceFixture.get()
        let url = f.modelsDirectory.appendingPathComponent("digits-square.hef")
        let withheld = try ModelRuntime.loadModel(url: url)
        let part = try JSONDecoder().decode(CompiledModel.self, from: Data(withheld.compiledBytes))
        #expect(part.weightsWithheld && part.id == f.compiled.id && withheld.description.weights == "withheld")
        #expect(
            withheld.contentSHA256
                == SHA256.hash(data: withheld.compiledBytes).map { String(format: "%02x", $0) }.joined())
        let published = try ModelRuntime.loadModel(url: url, publishWeights: true)
        #expect(
            published.compiledBytes == Array(try Data(contentsOf: url)) && published.description.weights == "published")
        #expect(published.id == withheld.id)

        let folder = try temporaryDirectory("served-parts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try MLPModel.load(contentsOf: repositoryModels().appendingPathComponent("digits-square/model.json"))
        let uncalibrated = folder.appendingPathComponent("uncalibrated.hef")
        try ModelCompiler(options: .init(packing: .throughput)).compile(model, calibration: nil).jsonData()
            .write(to: uncalibrated)
        #expect(throws: ServiceError.self) { _ = try ModelRuntime.loadModel(url: uncalibrated) }
        _ = try ModelRuntime.loadModel(url: uncalibrated, publishWeights: true)
        let clientFile = folder.appendingPathComponent("client.hef")
        try part.jsonData().write(to: clientFile)
        #expect(throws: ServiceError.self) { _ = try ModelRuntime.loadModel(url: clientFile, publishWeights: true) }
    }

    @Test func tokensFileIsParsedAndHashed() throws {
        let text = """
            # clients
            alice alice-token-0123456789
            bob\tsha256:\(String(repeating: "ab", count: 32))

            """
        let entries = try TokenEntry.parse(text, name: "tokens")
        #expect(entries.count == 2)
        #expect(entries[0] == TokenEntry(client: "alice", token: "alice-token-0123456789"))
        #expect(entries[0].tokenHash != "alice-token-0123456789" && entries[0].tokenHash.count == 64)
        #expect(entries[1].tokenHash == String(repeating: "ab", count: 32))
        #expect(throws: ServiceError.self) { try TokenEntry.parse("alice short", name: "tokens") }
        #expect(throws: ServiceError.self) { try TokenEntry.parse("alice", name: "tokens") }
        #expect(throws: ServiceError.self) {
            try TokenEntry.parse("a x0123456789abcdefgh\nb x0123456789abcdefgh", name: "tokens")
        }
    }

    /// No server code can hold a secret key: no HefService source names the library's secret
    /// key type, its loaders, the decryptor or the key generator (uploads of a secret key file
    /// are refused on the file header, see `wrong_kind` in the HTTP tests).
    @Test func serviceSourcesNeverTouchASecretKey() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/HefService")
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.contains("ModelRuntime.swift"))
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for name in ["SecretKey", "secretKey", "Decryptor", "KeyGenerator", "readSecretKey", "writeSecretKey"] {
                #expect(!text.contains(name), "\(file) mentions \(name)")
            }
        }
    }

    @Test func fullWorkQueueAnswersBusy() async throws {
        let queue = WorkQueue(workers: 1, waiting: 1)
        let gate = DispatchSemaphore(value: 0)
        async let first: Int = queue.submit {
            gate.wait()
            return 1
        }
        // Wait until the first job holds the only worker.
        while queue.depth < 1 { try await Task.sleep(for: .milliseconds(5)) }
        async let second: Int = queue.submit { 2 }
        while queue.depth < 2 { try await Task.sleep(for: .milliseconds(5)) }
        do {
            _ = try await queue.submit { 3 }
            Issue.record("a third job was accepted by a full queue")
        } catch let error as ServiceError {
            #expect(error.status == .serviceUnavailable && error.retryAfter != nil)
        }
        gate.signal()
        #expect(try await first == 1)
        #expect(try await second == 2)
        #expect(queue.depth == 0)
    }

    @Test func receiptHeaderRoundTripsAndSigningKeyPersists() throws {
        let dir = try temporaryDirectory("signer")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("key").path
        let signer = try ProviderSigner.load(path: path, create: true)
        let again = try ProviderSigner.load(path: path, create: false)
        #expect(signer.serverID == again.serverID)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: ServiceError.self) { try ProviderSigner.load(path: path, create: false) }
        #expect(throws: WireError.self) { try Receipt(headerValue: "%%%") }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
