import Crypto
import Foundation
import HefService
import HefTestSupport
import HefWire
import Hummingbird
import MCP
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The provider's `/mcp` endpoint driven by the MCP SDK's own client over HTTP, and `/metrics`
/// read after it.
@Suite("HefService MCP endpoint and metrics", .serialized)
struct ProviderMCPTests {
    /// An MCP client (the SDK's HTTP transport, no SSE) acting for the client whose token it sends.
    func connect(port: Int, token: String?) async throws -> MCP.Client {
        let transport = HTTPClientTransport(
            endpoint: URL(string: "http://127.0.0.1:\(port)/mcp")!, streaming: false,
            requestModifier: { request in
                var request = request
                request.timeoutInterval = 600
                if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
                return request
            })
        let client = MCP.Client(name: "hef-tests", version: "1.0")
        _ = try await client.connect(transport: transport)
        return client
    }

    /// Calls a tool and decodes its text content (the same JSON as its structured content).
    func call<T: Decodable>(
        _ client: MCP.Client, _ name: String, _ arguments: [String: Value], as type: T.Type
    ) async throws -> T {
        let (content, isError) = try await client.callTool(name: name, arguments: arguments)
        let text = try #require(Self.text(content))
        #expect(isError != true, "\(name): \(text)")
        return try JSONDecoder().decode(T.self, from: Data(text.utf8))
    }

    static func text(_ content: [Tool.Content]) -> String? {
        for item in content { if case .text(let text, _, _) = item { return text } }
        return nil
    }

    struct Models: Decodable {
        struct Entry: Decodable {
            var model: ModelDescription
            var manifest: Manifest
        }
        var models: [Entry]
    }

    struct Description: Decodable {
        var model: ModelDescription
        var manifest: Manifest
        var compiled: String
    }

    struct Keys: Decodable {
        var keyID: String
        var created: Bool
    }

    struct Inference: Decodable {
        var model: String
        var key: String
        var outputs: String
        var receipt: Receipt
        var receiptHeader: String
    }

    @Test func encryptedInferenceThroughMCPToolsWithMetrics() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("mcp")
        defer { try? FileManager.default.removeItem(at: data) }
        try await f.withServer(data: data) { live, service in
            let alice = try await connect(port: live.port, token: ServiceFixture.alice.token)
            defer { Task { await alice.disconnect() } }
            let tools = try await alice.listTools().tools.map(\.name).sorted()
            #expect(tools == ["describe_model", "infer", "list_models", "register_evaluation_keys", "signing_key"])

            // Models, the signing key, and a description whose compiled file matches its manifest.
            let models = try await call(alice, "list_models", [:], as: Models.self)
            #expect(models.models.map(\.model.name) == ["digits-square-latency", "digits-square"])
            let key = try await call(alice, "signing_key", [:], as: SigningKeyDocument.self)
            let publicKey = try key.key()
            #expect(key.serverID == service.signer.serverID)
            let description = try await call(
                alice, "describe_model", ["model": "digits-square"], as: Description.self)
            let compiled = try #require(Data(base64Encoded: description.compiled))
            #expect(description.manifest.verify(publicKey: publicKey, compiledModel: Array(compiled)))

            // Keys, then inference: the labels equal the local flow's and the receipt verifies.
            let keys = try await call(
                alice, "register_evaluation_keys",
                ["model": "digits-square", "keys": .string(Data(f.evaluationKeyBytes).base64EncodedString())],
                as: Keys.self)
            #expect(keys.keyID == SHA256.hash(data: f.evaluationKeyBytes).map { String(format: "%02x", $0) }.joined())
            #expect(keys.created)
            let answer = try await call(
                alice, "infer",
                [
                    "model": "digits-square", "key": .string(keys.keyID),
                    "ciphertexts": .string(Data(f.requestBytes).base64EncodedString()),
                ], as: Inference.self)
            let output = Array(try #require(Data(base64Encoded: answer.outputs)))
            #expect(try f.labels(ofResponse: output) == f.localLabels)
            #expect(answer.receipt.verify(publicKey: publicKey, request: f.requestBytes, response: output))
            #expect(try Receipt(headerValue: answer.receiptHeader) == answer.receipt)
            var tampered = output
            tampered[tampered.count / 3] ^= 0x10
            #expect(!answer.receipt.verify(publicKey: publicKey, request: f.requestBytes, response: tampered))

            // The same file as an upload (REST, no base64), named by the infer tool: used once.
            func upload(_ bytes: [UInt8], token: String, model: String = "digits-square") async throws -> (
                HTTPResponse.Status, String
            ) {
                try await live.execute(
                    uri: "/v1/models/\(model)/uploads?key=\(keys.keyID)", method: .post, headers: bearer(token),
                    body: ByteBuffer(bytes: bytes)
                ) { ($0.status, String(buffer: $0.body)) }
            }
            let (status, uploadJSON) = try await upload(f.requestBytes, token: ServiceFixture.alice.token)
            #expect(status == .created, "\(uploadJSON)")
            let uploaded = try JSONDecoder().decode(CiphertextUpload.self, from: Data(uploadJSON.utf8))
            #expect(uploaded.size == f.requestBytes.count)
            let viaUpload = try await call(
                alice, "infer",
                ["model": "digits-square", "key": .string(keys.keyID), "upload": .string(uploaded.upload)],
                as: Inference.self)
            let uploadOutput = Array(try #require(Data(base64Encoded: viaUpload.outputs)))
            #expect(try f.labels(ofResponse: uploadOutput) == f.localLabels)
            #expect(viaUpload.receipt.verify(publicKey: publicKey, request: f.requestBytes, response: uploadOutput))
            let again = try await alice.callTool(
                name: "infer",
                arguments: ["model": "digits-square", "key": .string(keys.keyID), "upload": .string(uploaded.upload)])
            #expect(again.isError == true && Self.text(again.content)?.contains("unknown_upload") == true)
            let both = try await alice.callTool(
                name: "infer",
                arguments: [
                    "model": "digits-square", "key": .string(keys.keyID), "upload": .string(uploaded.upload),
                    "ciphertexts": .string(Data(f.requestBytes).base64EncodedString()),
                ])
            #expect(both.isError == true && Self.text(both.content)?.contains("bad_arguments") == true)
            // Another model's file is refused at upload; another client cannot upload for alice's key.
            let (otherModel, otherJSON) = try await upload(f.latency.requestBytes, token: ServiceFixture.alice.token)
            #expect(otherModel == .unprocessableContent && otherJSON.contains("wrong_model"), "\(otherJSON)")
            let (bobs, bobJSON) = try await upload(f.requestBytes, token: ServiceFixture.bob.token)
            #expect(bobs == .notFound && bobJSON.contains("unknown_key"), "\(bobJSON)")
            // At most maxUploadsPerClient (8) wait at once.
            for _ in 0..<8 {
                #expect(try await upload(f.requestBytes, token: ServiceFixture.alice.token).0 == .created)
            }
            let (full, fullJSON) = try await upload(f.requestBytes, token: ServiceFixture.alice.token)
            #expect(full == .tooManyRequests && fullJSON.contains("upload_quota_exceeded"), "\(fullJSON)")

            // Refusals come back as tool errors with the service's JSON error.
            let bob = try await connect(port: live.port, token: ServiceFixture.bob.token)
            defer { Task { await bob.disconnect() } }
            let refused = try await bob.callTool(
                name: "infer",
                arguments: [
                    "model": "digits-square", "key": .string(keys.keyID),
                    "ciphertexts": .string(Data(f.requestBytes).base64EncodedString()),
                ])
            #expect(refused.isError == true)
            #expect(Self.text(refused.content)?.contains("unknown_key") == true)
            let anonymous = try await connect(port: live.port, token: nil)
            defer { Task { await anonymous.disconnect() } }
            let unauthorized = try await anonymous.callTool(
                name: "register_evaluation_keys",
                arguments: [
                    "model": "digits-square", "keys": .string(Data(f.evaluationKeyBytes).base64EncodedString()),
                ])
            #expect(unauthorized.isError == true)
            #expect(Self.text(unauthorized.content)?.contains("unauthorized") == true)
            let garbage = try await alice.callTool(
                name: "infer",
                arguments: ["model": "digits-square", "key": .string(keys.keyID), "ciphertexts": "%%% not base64"])
            #expect(garbage.isError == true && Self.text(garbage.content)?.contains("bad_base64") == true)
            let unknown = try await alice.callTool(name: "describe_model", arguments: ["model": "no-such-model"])
            #expect(unknown.isError == true && Self.text(unknown.content)?.contains("unknown_model") == true)

            // The metrics saw all of it.
            let metrics = try await live.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                return String(buffer: response.body)
            }
            #expect(metrics.contains(#"hef_evaluations_total{model="digits-square"} 2"#), "\(metrics)")
            #expect(metrics.contains("hef_keys_stored 1"))
            #expect(metrics.contains("hef_models_served 2"))
            #expect(metrics.contains(#"hef_http_requests_total{route="/mcp",method="POST",status="200"}"#))
            #expect(metrics.contains(#"hef_evaluation_duration_seconds_count{model="digits-square"} 2"#))
            #expect(
                metrics.contains(
                    #"hef_http_requests_total{route="/v1/models/{id}/uploads",method="POST",status="201"} 9"#))
        }
    }

    /// `/metrics` counts REST requests by route pattern (never by raw path) and status.
    @Test func metricsCountRoutesByPattern() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("metrics")
        defer { try? FileManager.default.removeItem(at: data) }
        try await f.withServer(data: data) { live, _ in
            try await live.execute(uri: "/v1/models/digits-square", method: .get) { #expect($0.status == .ok) }
            try await live.execute(uri: "/v1/models/no-such-model", method: .get) {
                #expect($0.status == .notFound)
            }
            try await live.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            let metrics = try await live.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"hef_http_requests_total{route="/v1/models/{id}",method="GET",status="200"} 1"#))
            #expect(metrics.contains(#"hef_http_requests_total{route="/v1/models/{id}",method="GET",status="404"} 1"#))
            #expect(!metrics.contains("no-such-model"))
            #expect(metrics.contains("hef_keys_stored 0"))
            #expect(metrics.contains("hef_queue_depth 0"))
        }
    }
}
