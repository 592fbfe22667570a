import Foundation
import NIOSSL

/// A TLS certificate chain and private key, as PEM files (`hefctl serve --tls-cert F --tls-key F`).
public struct TLSFiles: Sendable {
    /// PEM file with the server certificate, then any intermediates.
    public var certificateChainPath: String
    /// PEM file with the certificate's private key.
    public var privateKeyPath: String

    /// Names the two PEM files.
    ///
    /// - Parameters:
    ///   - certificateChainPath: The certificate chain file.
    ///   - privateKeyPath: The private key file.
    public init(certificateChainPath: String, privateKeyPath: String) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
    }

    /// A server configuration with TLS 1.2 at least (swift-nio-ssl's defaults: modern ciphers only).
    func configuration() throws -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath) } catch {
            throw ServiceError.configuration("cannot read the TLS certificate chain \(certificateChainPath): \(error)")
        }
        guard !chain.isEmpty else {
            throw ServiceError.configuration("no certificate in \(certificateChainPath)")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem) } catch {
            throw ServiceError.configuration("cannot read the TLS private key \(privateKeyPath): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }
}
