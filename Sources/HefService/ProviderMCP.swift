import Foundation
import HefWire
import Hummingbird
import MCP

/// The provider's MCP endpoint: `POST /mcp`, MCP's streamable HTTP transport in its stateless
/// form (each POST carries one JSON-RPC message and gets its JSON answer; no SSE stream, no
/// session). Tools: `list_models`, `describe_model`, `signing_key`, `register_evaluation_keys`,
/// `infer`. Binary payloads (evaluation keys, model ciphertext files) travel as base64 strings,
/// since MCP messages are JSON; the HTTP routes stay the efficient path for large keys.
///
/// Every POST gets its own MCP server and transport: JSON-RPC ids are chosen by clients, so two
/// clients may both send id 1 at once, and a shared stateless transport would mix their answers.
/// Authentication is the HTTP request's `Authorization: Bearer` header, as on the REST routes.
struct ProviderMCP: Sendable {
    let service: HefServer

    static let tools: [Tool] = [
        Tool(
            name: "list_models",
            description: "The compiled models this provider serves: id, name, CKKS parameters, packing, "
                + "input width, output tail, and the signed manifest of each.",
            inputSchema: schema([:], required: []),
            annotations: .init(readOnlyHint: true)),
        Tool(
            name: "describe_model",
            description: "One model's description and signed manifest, and its compiled model file (base64), "
                + "which is what a data owner needs to generate keys, encrypt and decode.",
            inputSchema: schema(["model": .object(["type": "string", "description": "model id or name"])]),
            annotations: .init(readOnlyHint: true)),
        Tool(
            name: "signing_key",
            description: "The provider's ML-DSA-65 public key, which signs manifests and receipts.",
            inputSchema: schema([:], required: []),
            annotations: .init(readOnlyHint: true)),
        Tool(
            name: "register_evaluation_keys",
            description: "Registers a data owner's evaluation keys (a Hef eval.key file, or a key bundle with "
                + "the public key or encapsulation keys the model needs, base64) for a model. "
                + "Answers the key id (SHA-256 of the bytes). Idempotent. Never send a secret key.",
            inputSchema: schema(
                [
                    "model": .object(["type": "string", "description": "model id or name"]),
                    "keys": .object(["type": "string", "description": "evaluation keys file or key bundle, base64"]),
                ], required: ["model", "keys"]),
            annotations: .init(idempotentHint: true)),
        Tool(
            name: "infer",
            description: "Evaluates the model on a model ciphertext file (from hefctl encrypt, or a "
                + "refreshed file) with registered evaluation keys. The file comes in base64 (ciphertexts) or "
                + "as the id of an upload to POST /v1/models/{id}/uploads?key=KEYID (upload; used once, "
                + "no base64). Answers the output ciphertexts (base64) "
                + "and a signed receipt; for a model with client-aided refreshes, a refresh request instead, "
                + "which the key holder refreshes and sends back here.",
            inputSchema: schema(
                [
                    "model": .object(["type": "string", "description": "model id or name"]),
                    "key": .object(["type": "string", "description": "key id from register_evaluation_keys"]),
                    "ciphertexts": .object(["type": "string", "description": "model ciphertext file, base64"]),
                    "upload": .object([
                        "type": "string",
                        "description": "instead of ciphertexts: an upload id from POST /v1/models/{id}/uploads",
                    ]),
                ], required: ["model", "key"]),
            annotations: .init(readOnlyHint: false)),
    ]

    static func schema(_ properties: [String: Value], required: [String] = ["model"]) -> Value {
        .object([
            "type": "object", "properties": .object(properties), "required": .array(required.map { .string($0) }),
        ])
    }

    /// Answers one POST to `/mcp`.
    func respond(to request: Request, limit: Int) async throws -> Response {
        let body = try await HefServer.body(request, limit: limit)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let mcpRequest = MCP.HTTPRequest(
            method: request.method.rawValue, headers: headers, body: Data(body), path: request.uri.path)

        let server = Server(
            name: "hef-provider", version: "0.1.0", capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: ProviderMCP.tools) }
        let service = self.service
        await server.withMethodHandler(CallTool.self) { parameters in
            let authorization = Server.currentHandlerContext?.httpContext?.header("Authorization")
            return await ProviderMCP(service: service).call(parameters, authorization: authorization)
        }
        // Local MCP clients only send an Origin header from a browser: such a request must come
        // from localhost (DNS rebinding); requests without Origin (agents, SDK clients) pass.
        let transport = StatelessHTTPServerTransport()
        try await server.start(transport: transport)
        let answer = await transport.handleRequest(mcpRequest)
        await server.stop()

        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HeaderName(name) { fields[fieldName] = value }
        }
        let bytes = answer.bodyData.map { Array($0) } ?? []
        return Response(
            status: .init(code: answer.statusCode), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// One tool call. Refusals come back as tool errors (`isError`, the same JSON error body as
    /// the HTTP routes) so that an agent reads the reason.
    func call(_ parameters: CallTool.Parameters, authorization: String?) async -> CallTool.Result {
        do {
            let arguments = parameters.arguments ?? [:]
            switch parameters.name {
            case "list_models":
                return try Self.result(service.modelList)
            case "describe_model":
                let model = try service.model(try Self.string(arguments, "model"))
                return try Self.result(
                    Description(
                        model: model.description, manifest: service.manifests[model.id]!,
                        compiled: Data(model.compiledBytes).base64EncodedString()))
            case "signing_key":
                return try Self.result(service.signer.publicKeyDocument)
            case "register_evaluation_keys":
                let model = try service.model(try Self.string(arguments, "model"))
                let client = try await service.client(authorization: authorization)
                let keys = try Self.base64(arguments, "keys", limit: service.configuration.maxKeysBytes)
                return try Self.result(try await service.registerKeys(keys, client: client, model: model))
            case "infer":
                let model = try service.model(try Self.string(arguments, "model"))
                let client = try await service.client(authorization: authorization)
                let keyID = try Self.string(arguments, "key")
                try await service.checkKey(keyID, client: client, model: model)
                let input: [UInt8]
                switch (arguments["ciphertexts"], arguments["upload"]) {
                case (.some, nil):
                    input = try Self.base64(arguments, "ciphertexts", limit: service.configuration.maxInferBytes)
                case (nil, .some):
                    input = try await service.takeUpload(
                        try Self.string(arguments, "upload"), client: client, model: model, keyID: keyID)
                default:
                    throw ServiceError.badRequest(
                        "bad_arguments",
                        "give the model ciphertext file as \"ciphertexts\" (base64) or as \"upload\" (the id POST /v1/models/{id}/uploads answered), not both"
                    )
                }
                let (output, receipt) = try await service.infer(
                    input, client: client, model: model, keyID: keyID, keyCheck: Task {})
                return try Self.result(
                    Inference(
                        model: model.id, key: keyID, outputs: Data(output).base64EncodedString(), receipt: receipt,
                        receiptHeader: receipt.headerValue))
            default:
                throw ServiceError.notFound("unknown_tool", "no tool named \(parameters.name)")
            }
        } catch let error as ServiceError {
            return .init(
                content: [.text(text: String(decoding: error.body, as: UTF8.self), annotations: nil, _meta: nil)],
                isError: true)
        } catch {
            let refusal = ServiceError.internalError("the tool call failed")
            return .init(
                content: [.text(text: String(decoding: refusal.body, as: UTF8.self), annotations: nil, _meta: nil)],
                isError: true)
        }
    }

    /// `describe_model`'s answer.
    struct Description: Codable, Sendable {
        var model: ModelDescription
        var manifest: Manifest
        /// The compiled model file, base64; its SHA-256 is the manifest's content hash.
        var compiled: String
    }

    /// `infer`'s answer.
    struct Inference: Codable, Sendable {
        var model: String
        var key: String
        /// The output ciphertexts file, base64.
        var outputs: String
        var receipt: Receipt
        /// The receipt as the `Hef-Receipt` header carries it (what `Receipt(headerValue:)` reads).
        var receiptHeader: String
    }

    /// A structured result with the same JSON as text content, for clients that read only text.
    static func result<T: Codable>(_ value: T) throws -> CallTool.Result {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return try CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)], structuredContent: value)
    }

    static func string(_ arguments: [String: Value], _ name: String) throws -> String {
        guard let value = arguments[name]?.stringValue, !value.isEmpty else {
            throw ServiceError.badRequest("missing_argument", "the tool needs the string argument \"\(name)\"")
        }
        return value
    }

    static func base64(_ arguments: [String: Value], _ name: String, limit: Int) throws -> [UInt8] {
        let text = try string(arguments, name)
        guard text.utf8.count <= (limit / 3 + 1) * 4 else { throw ServiceError.tooLarge(limit) }
        guard let data = Data(base64Encoded: text) else {
            throw ServiceError.badRequest("bad_base64", "the argument \"\(name)\" is not base64")
        }
        return Array(data)
    }
}
