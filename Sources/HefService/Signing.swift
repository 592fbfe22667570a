import Crypto
import Foundation

/// The provider's ML-DSA-65 signing key. Its 32-byte seed lives in a file of mode 0600:
/// `--signing-key FILE`, or `DATA/signing-key.mldsa65` generated on first start.
public struct ProviderSigner: Sendable {
    public static let algorithm = "ML-DSA-65"
    let privateKey: MLDSA65.PrivateKey
    public let publicKey: MLDSA65.PublicKey
    /// SHA-256 of the public key, hex: names the server in receipts and lets a client pin it.
    public let serverID: String

    public init(privateKey: MLDSA65.PrivateKey) {
        self.privateKey = privateKey
        self.publicKey = privateKey.publicKey
        self.serverID = SHA256.hash(data: privateKey.publicKey.rawRepresentation).hexString
    }

    /// Loads the seed from `path`, or generates a key there (mode 0600) when the file is absent
    /// and `create` is true.
    public static func load(path: String, create: Bool) throws -> ProviderSigner {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            guard let data = fm.contents(atPath: path) else {
                throw ServiceError.configuration("cannot read the signing key \(path)")
            }
            if let attributes = try? fm.attributesOfItem(atPath: path),
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0
            {
                throw ServiceError.configuration(
                    String(format: "the signing key %@ is readable by others (mode %o): chmod 600 it", path, mode))
            }
            do {
                return ProviderSigner(privateKey: try MLDSA65.PrivateKey(seedRepresentation: data, publicKey: nil))
            } catch {
                throw ServiceError.configuration("\(path) is not an ML-DSA-65 seed (32 bytes)")
            }
        }
        guard create else { throw ServiceError.configuration("no signing key at \(path)") }
        let key: MLDSA65.PrivateKey
        do { key = try MLDSA65.PrivateKey() } catch {
            throw ServiceError.configuration("cannot generate an ML-DSA-65 key: \(error)")
        }
        // Created with mode 0600 from the start (no window where the file is world-readable).
        guard fm.createFile(atPath: path, contents: key.seedRepresentation, attributes: [.posixPermissions: 0o600])
        else {
            throw ServiceError.configuration("cannot write the signing key \(path)")
        }
        return ProviderSigner(privateKey: key)
    }

    func sign(_ message: [UInt8], context: String) throws -> [UInt8] {
        do { return Array(try privateKey.signature(for: message, context: Array(context.utf8))) } catch {
            throw ServiceError.internalError("signing failed: \(error)")
        }
    }

    /// `GET /v1/signing-key`.
    public var publicKeyDocument: SigningKeyDocument {
        SigningKeyDocument(
            algorithm: Self.algorithm, publicKey: publicKey.rawRepresentation.base64EncodedString(), serverID: serverID)
    }
}

public struct SigningKeyDocument: Codable, Sendable, Equatable {
    public var algorithm: String
    /// The raw ML-DSA-65 public key (1952 bytes), base64.
    public var publicKey: String
    /// SHA-256 of the raw public key, hex.
    public var serverID: String

    public func key() throws -> MLDSA65.PublicKey {
        guard algorithm == ProviderSigner.algorithm, let raw = Data(base64Encoded: publicKey) else {
            throw ServiceError.badRequest("bad_signing_key", "not an ML-DSA-65 public key")
        }
        let key = try MLDSA65.PublicKey(rawRepresentation: raw)
        guard SHA256.hash(data: key.rawRepresentation).hexString == serverID else {
            throw ServiceError.badRequest("bad_signing_key", "the server id is not the public key's hash")
        }
        return key
    }
}

/// A model manifest: what the provider vouches a model is. Signed over `signedBytes` with the
/// ML-DSA context string `hef/manifest/v1`.
public struct Manifest: Codable, Sendable, Equatable {
    public static let signatureContext = "hef/manifest/v1"
    public var version: Int = 1
    public var modelID: String
    public var name: String
    public var parametersID: String
    /// SHA-256 of the compiled model file (`GET /v1/models/{id}/compiled`).
    public var contentSHA256: String
    public var serverID: String
    /// ML-DSA-65 signature of `signedBytes`, base64.
    public var signature: String = ""

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
    public func verify(publicKey: MLDSA65.PublicKey, compiledModel: [UInt8]? = nil) -> Bool {
        guard let signature = Data(base64Encoded: signature),
            publicKey.isValidSignature(signature, for: signedBytes, context: Array(Self.signatureContext.utf8)),
            SHA256.hash(data: publicKey.rawRepresentation).hexString == serverID
        else { return false }
        if let compiledModel, SHA256.hash(data: compiledModel).hexString != contentSHA256 { return false }
        return true
    }

    static func signed(_ model: ServedModel, signer: ProviderSigner) throws -> Manifest {
        var m = Manifest(
            modelID: model.id, name: model.name, parametersID: model.description.parametersID,
            contentSHA256: model.contentSHA256, serverID: signer.serverID)
        m.signature = Data(try signer.sign(m.signedBytes, context: signatureContext)).base64EncodedString()
        return m
    }
}

/// What the provider signs for every inference: which model and key set ran on which request
/// and produced which response, when, on which server. Sent base64url-encoded (JSON) in the
/// `Hef-Receipt` response header of `POST /v1/models/{id}/infer`; signed over `signedBytes`
/// with the ML-DSA context string `hef/receipt/v1`.
public struct Receipt: Codable, Sendable, Equatable {
    public static let signatureContext = "hef/receipt/v1"
    public static let headerName = "Hef-Receipt"
    public var version: Int = 1
    public var receiptID: String
    public var modelID: String
    public var keyID: String
    public var requestSHA256: String
    public var responseSHA256: String
    /// Seconds since 1970 (UTC), when the response was made.
    public var time: Int64
    public var serverID: String
    /// ML-DSA-65 signature of `signedBytes`, base64.
    public var signature: String = ""

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
    public func verify(publicKey: MLDSA65.PublicKey, request: [UInt8]? = nil, response: [UInt8]? = nil) -> Bool {
        guard let signature = Data(base64Encoded: signature),
            publicKey.isValidSignature(signature, for: signedBytes, context: Array(Self.signatureContext.utf8)),
            SHA256.hash(data: publicKey.rawRepresentation).hexString == serverID
        else { return false }
        if let request, SHA256.hash(data: request).hexString != requestSHA256 { return false }
        if let response, SHA256.hash(data: response).hexString != responseSHA256 { return false }
        return true
    }

    /// The header value: base64url (no padding) of the receipt's JSON.
    public var headerValue: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public init(headerValue: String) throws {
        var text = headerValue.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else {
            throw ServiceError.badRequest("bad_receipt", "the receipt header is not base64url")
        }
        do { self = try JSONDecoder().decode(Receipt.self, from: data) } catch {
            throw ServiceError.badRequest("bad_receipt", "the receipt header does not hold a receipt")
        }
    }

    init(
        receiptID: String, modelID: String, keyID: String, request: [UInt8], response: [UInt8], time: Int64,
        signer: ProviderSigner
    ) throws {
        self.receiptID = receiptID
        self.modelID = modelID
        self.keyID = keyID
        self.requestSHA256 = SHA256.hash(data: request).hexString
        self.responseSHA256 = SHA256.hash(data: response).hexString
        self.time = time
        self.serverID = signer.serverID
        self.signature = Data(try signer.sign(signedBytes, context: Self.signatureContext)).base64EncodedString()
    }
}
