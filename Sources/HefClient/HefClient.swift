import AsyncHTTPClient
import Crypto
public import Foundation
public import HefCKKS
public import HefML
import HefRing
public import HefWire
import NIOCore
import NIOHTTP1
import NIOSSL

/// The process's HTTP client for ``HefClient``: `HTTPClient.shared`'s setup with a 10 s connect
/// limit, so that an unreachable server is reported in seconds (the shared client keeps retrying
/// the connection for 90 s). Never shut down, like the shared one.
let hefHTTPClient: HTTPClient = {
    var configuration = HTTPClient.Configuration()
    configuration.timeout.connect = .seconds(10)
    return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
}()

/// The data owner's side of a Hef service (`hefctl serve`): lists and checks models, pins the
/// provider's signing key, keeps one key set per (server, model) in a keys folder, uploads the
/// evaluation keys once, and runs encrypted inference with every receipt verified.
///
/// ```swift
/// let client = HefClient(server: URL(string: "http://127.0.0.1:8080")!, token: "…")
/// let prediction = try await client.predict(model: "digits-square", rows: rows, output: .labels)
/// print(prediction.csv)
/// ```
///
/// What the client checks: the signing key against its pin (trust on first use, or a server id
/// given explicitly), every manifest's signature, the compiled model's SHA-256 against its
/// manifest, and on every inference answer the receipt's signature, model, key set and the
/// SHA-256 of the request sent and the response received. Secret keys never leave the keys
/// folder (mode 0600, or sealed under a passphrase).
public actor HefClient {
    /// How the provider's signing key is trusted.
    public enum Pin: Sendable, Equatable {
        /// The key seen first is recorded in the keys folder's `pins.json`; a different key later is refused.
        case trustOnFirstUse
        /// Only a key whose server id (SHA-256 of the public key, hex) is this one is accepted.
        case serverID(String)
    }

    /// Settings beyond the server, token and keys folder.
    public struct Options: Sendable {
        /// How the signing key is trusted.
        public var pin: Pin = .trustOnFirstUse
        /// Answers the passphrase of a sealed secret key (asked only when one is read or written).
        public var passphrase: (@Sendable () throws -> String)?
        /// Seal new secret keys under `passphrase` (see ``SealedSecretKey``).
        public var sealNewSecretKeys = false
        /// Told what the client is doing (`generating keys`, `uploading evaluation keys`, …).
        public var progress: (@Sendable (String) -> Void)?
        /// Seconds one request may take (inference on a large batch is slow).
        public var timeoutSeconds: Int64 = 900
        /// The largest answer accepted, in bytes.
        public var maxResponseBytes = 512 << 20
        /// A PEM file of CA certificates to trust for `https` servers instead of the system's
        /// roots: a private CA, or a server's self-signed certificate.
        public var caFile: String?

        /// Default options: trust on first use, plain secret keys, no progress.
        public init() {}
    }

    /// The service's base URL.
    public nonisolated let server: URL
    /// Where keys, pins and fetched models are kept.
    public nonisolated let keysDirectory: URL
    let token: String?
    let options: Options
    let http: HTTPClient
    /// `scheme://host:port`: names the server in the pins file.
    nonisolated let origin: String
    var trusted: (document: SigningKeyDocument, key: MLDSA65.PublicKey)?
    var fetchedModels: [String: RemoteModel] = [:]

    /// A client for one server.
    /// - Parameters:
    ///   - server: The service's base URL, e.g. `http://127.0.0.1:8080`.
    ///   - token: The bearer token (`NAME TOKEN` line of the server's tokens file); nil for a
    ///     server without authentication.
    ///   - keysDirectory: The keys folder; nil: ``defaultKeysDirectory``.
    ///   - options: Pinning, passphrase, progress.
    public init(server: URL, token: String? = nil, keysDirectory: URL? = nil, options: Options = Options()) {
        self.server = server
        self.token = token
        self.keysDirectory = keysDirectory ?? Self.defaultKeysDirectory
        self.options = options
        self.http = hefHTTPClient
        let scheme = (server.scheme ?? "http").lowercased()
        let host = (server.host ?? "localhost").lowercased()
        let port = server.port ?? (scheme == "https" ? 443 : 80)
        origin = "\(scheme)://\(host):\(port)"
    }

    /// `$XDG_DATA_HOME/hef/keys`, or `~/.local/share/hef/keys`.
    public static var defaultKeysDirectory: URL {
        let environment = ProcessInfo.processInfo.environment
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data).appendingPathComponent("hef/keys")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/hef/keys")
    }

    // MARK: Signing key and pins

    /// The provider's signing key, checked against the pin (recorded on first use).
    /// - Throws: ``HefClientError/signingKeyChanged(server:pinned:presented:)`` when the key is
    ///   not the pinned one; ``HefClientError/badSigningKey(_:)`` for a malformed document;
    ///   transport and server errors.
    public func signingKey() async throws -> SigningKeyDocument {
        try await trustedKey().document
    }

    func trustedKey() async throws -> (document: SigningKeyDocument, key: MLDSA65.PublicKey) {
        if let trusted { return trusted }
        let answer = try await send(.GET, "/v1/signing-key")
        let document: SigningKeyDocument = try decode(answer)
        let key: MLDSA65.PublicKey
        do { key = try document.key() } catch { throw HefClientError.badSigningKey("\(error)") }
        switch options.pin {
        case .serverID(let id):
            guard document.serverID == id.lowercased() else {
                throw HefClientError.signingKeyChanged(server: origin, pinned: id, presented: document.serverID)
            }
        case .trustOnFirstUse:
            var pins = try PinStore.load(keysDirectory)
            if let pinned = pins.servers[origin] {
                guard pinned.serverID == document.serverID, pinned.publicKey == document.publicKey else {
                    throw HefClientError.signingKeyChanged(
                        server: origin, pinned: pinned.serverID, presented: document.serverID)
                }
            } else {
                pins.servers[origin] = document
                try pins.save(keysDirectory)
            }
        }
        trusted = (document, key)
        return (document, key)
    }

    // MARK: Models

    /// Every served model, each manifest verified against the pinned signing key.
    /// - Throws: ``HefClientError/manifestRefused(model:_:)`` for a manifest that does not verify;
    ///   pinning, transport and server errors.
    public func models() async throws -> [ModelEntry] {
        let key = try await trustedKey()
        let list: ModelList = try decode(try await send(.GET, "/v1/models"))
        for entry in list.models { try Self.check(entry, key: key.key) }
        return list.models
    }

    /// A model by id or name: its description and manifest (verified), and the compiled model's
    /// client part fetched from `GET /v1/models/{id}/compiled`, checked against the manifest's
    /// SHA-256 and kept in the keys folder.
    /// - Parameter name: The model's id (16 hex digits) or its name on the server.
    /// - Throws: ``HefClientError/manifestRefused(model:_:)`` when the manifest or the compiled
    ///   model does not verify; pinning, transport and server errors (`unknown_model`).
    public func model(_ name: String) async throws -> RemoteModel {
        if let known = fetchedModels[name] { return known }
        let key = try await trustedKey()
        let entry: ModelEntry = try decode(try await send(.GET, "/v1/models/\(Self.escape(name))"))
        try Self.check(entry, key: key.key)
        let compiledAnswer = try await send(.GET, "/v1/models/\(entry.model.id)/compiled")
        guard entry.manifest.verify(publicKey: key.key, compiledModel: compiledAnswer.body) else {
            throw HefClientError.manifestRefused(
                model: name, "the compiled model's SHA-256 is not the one the signed manifest names")
        }
        let directory = try modelDirectory(entry.model.id)
        let file = directory.appendingPathComponent("model.hef")
        try SecureFile.write(compiledAnswer.body, to: file.path)
        let loaded: (model: CompiledModel, context: CKKSContext)
        do { loaded = try CompiledModel.load(contentsOf: file, backend: NativeBackend()) } catch {
            throw HefClientError.manifestRefused(model: name, "the compiled model does not load: \(error)")
        }
        guard hex16(loaded.model.id) == entry.manifest.modelID, loaded.model.plan.parameters == entry.model.parameters
        else {
            throw HefClientError.manifestRefused(model: name, "the compiled model is not the one its manifest names")
        }
        let model = RemoteModel(entry: entry, compiled: loaded.model, context: loaded.context)
        fetchedModels[name] = model
        fetchedModels[entry.model.id] = model
        return model
    }

    static func check(_ entry: ModelEntry, key: MLDSA65.PublicKey) throws {
        let m = entry.manifest
        guard m.verify(publicKey: key) else {
            throw HefClientError.manifestRefused(model: entry.model.name, "the signature does not verify")
        }
        guard m.modelID == entry.model.id, m.name == entry.model.name, m.parametersID == entry.model.parametersID,
            m.contentSHA256 == entry.model.contentSHA256
        else {
            throw HefClientError.manifestRefused(
                model: entry.model.name, "the description does not match the signed manifest")
        }
    }

    // MARK: Keys and inference

    /// Registers evaluation keys for a model (`POST /v1/models/{id}/keys`).
    /// - Parameters:
    ///   - evaluationKeys: An evaluation keys file (`eval.key`), or a `KeyBundle` (HefWire) of it with the
    ///     public key (a model with refreshes) or the encapsulation keys (a model that bootstraps).
    ///   - model: The model's id.
    /// - Returns: The server's answer; its key id is checked to be the SHA-256 of the bytes.
    /// - Throws: ``HefClientError/server(status:code:message:)`` (`wrong_parameters`,
    ///   `missing_rotation_key`, `unauthorized`, …); transport errors.
    public func registerKeys(_ evaluationKeys: [UInt8], model: String) async throws -> KeyRegistration {
        let answer = try await send(.POST, "/v1/models/\(Self.escape(model))/keys", body: evaluationKeys, auth: true)
        let registration: KeyRegistration = try decode(answer)
        guard registration.keyID == sha256Hex(evaluationKeys) else {
            throw HefClientError.unexpectedResponse(
                status: answer.status, "the key id is not the SHA-256 of the uploaded keys")
        }
        return registration
    }

    /// Removes this client's registrations of an evaluation key set (`DELETE /v1/keys/{keyID}`).
    /// The keys folder keeps the keys: the next prediction uploads them again.
    /// - Parameter keyID: The key set's id.
    /// - Throws: ``HefClientError/server(status:code:message:)`` (`unknown_key`); transport errors.
    public func deleteKeys(_ keyID: String) async throws {
        _ = try await send(.DELETE, "/v1/keys/\(Self.escape(keyID))", auth: true)
    }

    /// Runs the model on a model ciphertext file (`POST /v1/models/{id}/infer?key=…`) and
    /// verifies the receipt before answering.
    /// - Parameters:
    ///   - model: The model's id or name.
    ///   - keyID: The registered evaluation keys' id.
    ///   - ciphertexts: The model ciphertext file's bytes (`hefctl encrypt --model`).
    /// - Returns: The output ciphertext file's bytes and the verified receipt.
    /// - Throws: ``HefClientError/receiptRefused(_:)`` when the receipt is missing or does not
    ///   verify; ``HefClientError/server(status:code:message:)`` (`unknown_key` for keys this
    ///   client did not register, …); pinning and transport errors.
    public func infer(model: String, keyID: String, ciphertexts: [UInt8]) async throws -> VerifiedInference {
        let key = try await trustedKey()
        let modelID = try await self.model(model).entry.model.id
        let answer = try await send(
            .POST, "/v1/models/\(modelID)/infer?key=\(Self.escape(keyID))", body: ciphertexts, auth: true)
        let receipt = try Self.verifiedReceipt(
            header: answer.receipt, signingKey: key.document, modelID: modelID, keyID: keyID, request: ciphertexts,
            response: answer.body)
        return VerifiedInference(response: answer.body, receipt: receipt)
    }

    /// Checks an inference answer's receipt: the `Hef-Receipt` header decodes, its signature is
    /// the signing key's, it names this model, this key set and this server, and the request
    /// and response bytes hash to what it names.
    /// - Parameters:
    ///   - header: The `Hef-Receipt` header's value (nil when absent).
    ///   - signingKey: The pinned signing key.
    ///   - modelID: The model the request was for (16 hex digits).
    ///   - keyID: The evaluation keys the request named.
    ///   - request: The request body sent.
    ///   - response: The response body received.
    /// - Returns: The receipt.
    /// - Throws: ``HefClientError/receiptRefused(_:)`` naming the first check that failed.
    public static func verifiedReceipt(
        header: String?, signingKey: SigningKeyDocument, modelID: String, keyID: String, request: [UInt8],
        response: [UInt8]
    ) throws -> Receipt {
        guard let header else { throw HefClientError.receiptRefused("the answer has no \(Receipt.headerName) header") }
        let receipt: Receipt
        do { receipt = try Receipt(headerValue: header) } catch {
            throw HefClientError.receiptRefused("\(error)")
        }
        let key: MLDSA65.PublicKey
        do { key = try signingKey.key() } catch { throw HefClientError.badSigningKey("\(error)") }
        guard receipt.serverID == signingKey.serverID else {
            throw HefClientError.receiptRefused("the receipt names another server")
        }
        guard receipt.verify(publicKey: key) else {
            throw HefClientError.receiptRefused("the receipt's signature is not the pinned key's")
        }
        guard receipt.modelID == modelID else { throw HefClientError.receiptRefused("the receipt names another model") }
        guard receipt.keyID == keyID else { throw HefClientError.receiptRefused("the receipt names other keys") }
        guard receipt.requestSHA256 == sha256Hex(request) else {
            throw HefClientError.receiptRefused("the receipt names another request")
        }
        guard receipt.responseSHA256 == sha256Hex(response) else {
            throw HefClientError.receiptRefused("the response is not the one the receipt names (altered on the way?)")
        }
        return receipt
    }

    // MARK: HTTP

    struct Answer {
        var status: Int
        var body: [UInt8]
        var receipt: String?
    }

    func send(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil, auth: Bool = false) async throws -> Answer {
        var base = server.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let body {
            request.body = .bytes(body)
            request.headers.add(name: "Content-Type", value: "application/octet-stream")
        }
        if auth, let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let caFile = options.caFile {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            request.tlsConfiguration = tls
        }
        let status: Int
        let bytes: [UInt8]
        let receipt: String?
        do {
            let response = try await http.execute(request, timeout: .seconds(options.timeoutSeconds))
            status = Int(response.status.code)
            receipt = response.headers.first(name: Receipt.headerName)
            let buffer = try await response.body.collect(upTo: options.maxResponseBytes)
            bytes = Array(buffer.readableBytesView)
        } catch let error as HefClientError {
            throw error
        } catch {
            throw HefClientError.transport("\(method.rawValue) \(base + path): \(error)")
        }
        guard (200..<300).contains(status) else {
            if let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(bytes)) {
                throw HefClientError.server(status: status, code: decoded.error.code, message: decoded.error.message)
            }
            throw HefClientError.unexpectedResponse(
                status: status, String(decoding: bytes.prefix(200), as: UTF8.self))
        }
        return Answer(status: status, body: bytes, receipt: receipt)
    }

    func decode<T: Decodable>(_ answer: Answer) throws -> T {
        do { return try JSONDecoder().decode(T.self, from: Data(answer.body)) } catch {
            throw HefClientError.unexpectedResponse(status: answer.status, "not the expected JSON: \(error)")
        }
    }

    static func escape(_ component: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
    }

    // MARK: Folders

    /// `KEYS/<server>/<model id>/`, created with mode 0700.
    func modelDirectory(_ modelID: String) throws -> URL {
        let slug = origin.replacingOccurrences(of: "://", with: "_").map {
            $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_"
        }
        let directory = keysDirectory.appendingPathComponent(String(slug)).appendingPathComponent(modelID)
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw HefClientError.keys("cannot create \(directory.path)")
        }
        return directory
    }
}

/// A model as the client fetched and checked it.
public struct RemoteModel: Sendable {
    /// The description and the verified manifest.
    public let entry: ModelEntry
    /// The compiled model (its hash checked against the manifest).
    public let compiled: CompiledModel
    /// The CKKS context of its plan.
    public let context: CKKSContext
}

/// An inference answer whose receipt verified.
public struct VerifiedInference: Sendable {
    /// The output model ciphertext file's bytes.
    public let response: [UInt8]
    /// The verified receipt.
    public let receipt: Receipt
}

/// The pins file, `KEYS/pins.json`: the signing key first seen per server.
struct PinStore: Codable {
    var servers: [String: SigningKeyDocument] = [:]

    static func url(_ directory: URL) -> URL { directory.appendingPathComponent("pins.json") }

    static func load(_ directory: URL) throws -> PinStore {
        let url = url(directory)
        guard FileManager.default.fileExists(atPath: url.path) else { return PinStore() }
        do { return try JSONDecoder().decode(PinStore.self, from: Data(contentsOf: url)) } catch {
            throw HefClientError.keys("\(url.path) is not a pins file: \(error)")
        }
    }

    func save(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(
                at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(self).write(to: Self.url(directory), options: .atomic)
        } catch {
            throw HefClientError.keys("cannot write \(Self.url(directory).path): \(error)")
        }
    }
}
