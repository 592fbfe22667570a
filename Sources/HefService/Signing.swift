import Crypto
import Foundation
import HefWire

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
    public var publicKeyDocument: SigningKeyDocument { SigningKeyDocument(publicKey: publicKey) }
}

extension Manifest {
    static func signed(_ model: ServedModel, signer: ProviderSigner) throws -> Manifest {
        var m = Manifest(
            modelID: model.id, name: model.name, parametersID: model.description.parametersID,
            contentSHA256: model.contentSHA256, serverID: signer.serverID)
        m.signature = Data(try signer.sign(m.signedBytes, context: signatureContext)).base64EncodedString()
        return m
    }
}

extension Receipt {
    /// A signed receipt for a request whose SHA-256 (hex) is known and a response.
    init(
        receiptID: String, modelID: String, keyID: String, requestSHA256: String, response: [UInt8], time: Int64,
        signer: ProviderSigner
    ) throws {
        self.init(
            receiptID: receiptID, modelID: modelID, keyID: keyID, requestSHA256: requestSHA256,
            responseSHA256: SHA256.hash(data: response).hexString, time: time, serverID: signer.serverID)
        self.signature = Data(try signer.sign(signedBytes, context: Self.signatureContext)).base64EncodedString()
    }
}
