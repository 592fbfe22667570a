public import Crypto
import Foundation

/// The provider's public signing key as `GET /v1/signing-key` answers it.
public struct SigningKeyDocument: Codable, Sendable, Equatable {
    /// The only algorithm the service signs with.
    public static let algorithm = "ML-DSA-65"
    /// `ML-DSA-65`.
    public var algorithm: String
    /// The raw ML-DSA-65 public key (1952 bytes), base64.
    public var publicKey: String
    /// SHA-256 of the raw public key, hex.
    public var serverID: String

    /// A document for a public key (its server id computed from it).
    /// - Parameter publicKey: The provider's ML-DSA-65 public key.
    public init(publicKey: MLDSA65.PublicKey) {
        algorithm = Self.algorithm
        self.publicKey = publicKey.rawRepresentation.base64EncodedString()
        serverID = SHA256.hash(data: publicKey.rawRepresentation).hexString
    }

    /// The key the document holds, checked: the algorithm, the encoding, and that the server id
    /// is the key's hash.
    /// - Throws: `WireError.badSigningKey` when any of these fails.
    public func key() throws -> MLDSA65.PublicKey {
        guard algorithm == Self.algorithm, let raw = Data(base64Encoded: publicKey) else {
            throw WireError.badSigningKey("not an ML-DSA-65 public key")
        }
        let key: MLDSA65.PublicKey
        do { key = try MLDSA65.PublicKey(rawRepresentation: raw) } catch {
            throw WireError.badSigningKey("not an ML-DSA-65 public key")
        }
        guard SHA256.hash(data: key.rawRepresentation).hexString == serverID else {
            throw WireError.badSigningKey("the server id is not the public key's hash")
        }
        return key
    }
}

/// A model manifest: what the provider vouches a model is. Signed over `signedBytes` with the
/// ML-DSA context string `hef/manifest/v1`.
public struct Manifest: Codable, Sendable, Equatable {
    /// The ML-DSA context string of manifest signatures.
    public static let signatureContext = "hef/manifest/v1"
    /// The format version (1).
    public var version: Int = 1
    /// The model's id (16 hex digits).
    public var modelID: String
    /// The compiled model file's stem on the server.
    public var name: String
    /// The CKKS parameters' id (16 hex digits).
    public var parametersID: String
    /// SHA-256 of the compiled model file (`GET /v1/models/{id}/compiled`).
    public var contentSHA256: String
    /// SHA-256 of the provider's public key, hex.
    public var serverID: String
    /// ML-DSA-65 signature of `signedBytes`, base64.
    public var signature: String = ""

    /// An unsigned manifest (`signature` empty) with these fields.
    /// - Parameters:
    ///   - modelID: The model's id.
    ///   - name: The compiled model file's stem.
    ///   - parametersID: The CKKS parameters' id.
    ///   - contentSHA256: SHA-256 of the compiled model file, hex.
    ///   - serverID: SHA-256 of the provider's public key, hex.
    public init(modelID: String, name: String, parametersID: String, contentSHA256: String, serverID: String) {
        self.modelID = modelID
        self.name = name
        self.parametersID = parametersID
        self.contentSHA256 = contentSHA256
        self.serverID = serverID
    }

    /// The canonical bytes signed: one `key=value` line per field, in this order.
    public var signedBytes: [UInt8] {
        Array(
            """
            hef-manifest v\(version)
            model=\(modelID)
            name=\(name)
            parameters=\(parametersID)
            content-sha256=\(contentSHA256)
            server=\(serverID)

            """.utf8)
    }

    /// True when the signature is the provider's over these fields (and, when given, the
    /// compiled model bytes hash to `contentSHA256`).
    /// - Parameters:
    ///   - publicKey: The provider's key (pinned by the client).
    ///   - compiledModel: The compiled model file's bytes, to check against `contentSHA256`.
    public func verify(publicKey: MLDSA65.PublicKey, compiledModel: [UInt8]? = nil) -> Bool {
        guard let signature = Data(base64Encoded: signature),
            publicKey.isValidSignature(signature, for: signedBytes, context: Array(Self.signatureContext.utf8)),
            SHA256.hash(data: publicKey.rawRepresentation).hexString == serverID
        else { return false }
        if let compiledModel, SHA256.hash(data: compiledModel).hexString != contentSHA256 { return false }
        return true
    }
}

/// What the provider signs for every inference: which model and key set ran on which request
/// and produced which response, when, on which server. Sent base64url-encoded (JSON) in the
/// `Hef-Receipt` response header of `POST /v1/models/{id}/infer`; signed over `signedBytes`
/// with the ML-DSA context string `hef/receipt/v1`.
public struct Receipt: Codable, Sendable, Equatable {
    /// The ML-DSA context string of receipt signatures.
    public static let signatureContext = "hef/receipt/v1"
    /// The response header that carries the receipt.
    public static let headerName = "Hef-Receipt"
    /// The format version (1).
    public var version: Int = 1
    /// A UUID, lowercase.
    public var receiptID: String
    /// The model's id (16 hex digits).
    public var modelID: String
    /// The evaluation keys' id (SHA-256 of the uploaded file, hex).
    public var keyID: String
    /// SHA-256 of the request body, hex.
    public var requestSHA256: String
    /// SHA-256 of the response body, hex.
    public var responseSHA256: String
    /// Seconds since 1970 (UTC), when the response was made.
    public var time: Int64
    /// SHA-256 of the provider's public key, hex.
    public var serverID: String
    /// ML-DSA-65 signature of `signedBytes`, base64.
    public var signature: String = ""

    /// An unsigned receipt (`signature` empty) with these fields.
    /// - Parameters:
    ///   - receiptID: A unique id.
    ///   - modelID: The model's id.
    ///   - keyID: The evaluation keys' id.
    ///   - requestSHA256: SHA-256 of the request body, hex.
    ///   - responseSHA256: SHA-256 of the response body, hex.
    ///   - time: Seconds since 1970.
    ///   - serverID: SHA-256 of the provider's public key, hex.
    public init(
        receiptID: String, modelID: String, keyID: String, requestSHA256: String, responseSHA256: String,
        time: Int64, serverID: String
    ) {
        self.receiptID = receiptID
        self.modelID = modelID
        self.keyID = keyID
        self.requestSHA256 = requestSHA256
        self.responseSHA256 = responseSHA256
        self.time = time
        self.serverID = serverID
    }

    /// The canonical bytes signed: one `key=value` line per field, in this order.
    public var signedBytes: [UInt8] {
        Array(
            """
            hef-receipt v\(version)
            receipt=\(receiptID)
            model=\(modelID)
            key=\(keyID)
            request-sha256=\(requestSHA256)
            response-sha256=\(responseSHA256)
            time=\(time)
            server=\(serverID)

            """.utf8)
    }

    /// True when the signature is the provider's over these fields. With `request` and/or
    /// `response`, also checks that those bytes are the ones the receipt names: a response
    /// altered on the way (or a receipt moved to another response) fails.
    /// - Parameters:
    ///   - publicKey: The provider's key (pinned by the client).
    ///   - request: The request body that was sent.
    ///   - response: The response body that came back.
    public func verify(publicKey: MLDSA65.PublicKey, request: [UInt8]? = nil, response: [UInt8]? = nil) -> Bool {
        guard let signature = Data(base64Encoded: signature),
            publicKey.isValidSignature(signature, for: signedBytes, context: Array(Self.signatureContext.utf8)),
            SHA256.hash(data: publicKey.rawRepresentation).hexString == serverID
        else { return false }
        if let request, SHA256.hash(data: request).hexString != requestSHA256 { return false }
        if let response, SHA256.hash(data: response).hexString != responseSHA256 { return false }
        return true
    }

    /// The header value: base64url (no padding) of the receipt's JSON (keys sorted).
    public var headerValue: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        // base64 → base64url without padding, byte by byte (String replacing was 0.5 ms a receipt).
        var url = [UInt8]()
        url.reserveCapacity(data.count * 4 / 3 + 4)
        for c in data.base64EncodedData() {
            switch c {
            case UInt8(ascii: "+"): url.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): url.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: url.append(c)
            }
        }
        return String(decoding: url, as: UTF8.self)
    }

    /// Reads a receipt from its header value.
    /// - Parameter headerValue: The `Hef-Receipt` header: base64url of the receipt's JSON.
    /// - Throws: `WireError.badReceipt` when the value is not base64url or not a receipt.
    public init(headerValue: String) throws {
        var text = headerValue.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else {
            throw WireError.badReceipt("the receipt header is not base64url")
        }
        do { self = try JSONDecoder().decode(Receipt.self, from: data) } catch {
            throw WireError.badReceipt("the receipt header does not hold a receipt")
        }
    }
}

/// A malformed document on the wire.
public enum WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A signing key document that does not hold an ML-DSA-65 key, or whose server id is not its hash.
    case badSigningKey(String)
    /// A `Hef-Receipt` header that does not hold a receipt.
    case badReceipt(String)

    /// The stable code of the error (`bad_signing_key`, `bad_receipt`).
    public var code: String {
        switch self {
        case .badSigningKey: "bad_signing_key"
        case .badReceipt: "bad_receipt"
        }
    }

    /// A sentence for people.
    public var message: String {
        switch self {
        case .badSigningKey(let m), .badReceipt(let m): m
        }
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}

extension Sequence where Element == UInt8 {
    /// Lowercase hex of the bytes.
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

extension Digest {
    /// Lowercase hex of the digest.
    var hexString: String { Array(self).hexString }
}

/// Lowercase hex of `bytes`' SHA-256.
package func sha256Hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).hexString }
