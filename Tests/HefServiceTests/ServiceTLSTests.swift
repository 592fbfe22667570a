import Foundation
import HefService
import HefTestSupport
import HefWire
import Hummingbird
import HummingbirdTesting
import NIOSSL
import Testing

/// `hefctl serve --tls-cert --tls-key`: the service answers over TLS with the given certificate.
@Suite("HefService over TLS", .serialized)
struct ServiceTLSTests {
    /// A self-signed certificate for 127.0.0.1, made by openssl (installed with Debian).
    static func selfSigned(in folder: URL) throws -> (TLSFiles, NIOSSLCertificate) {
        let (cert, key) = try makeSelfSignedCertificate(in: folder)
        let certificate = try #require(try NIOSSLCertificate.fromPEMFile(cert).first)
        return (TLSFiles(certificateChainPath: cert, privateKeyPath: key), certificate)
    }

    @Test func servesOverTLSWithTheGivenCertificate() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("tls")
        defer { try? FileManager.default.removeItem(at: data) }
        let (files, certificate) = try Self.selfSigned(in: data)
        var trust = TLSConfiguration.makeClientConfiguration()
        trust.trustRoots = .certificates([certificate])
        try await f.withServer(data: data, tls: (files, trust)) { live, service in
            try await live.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await live.execute(uri: "/v1/signing-key", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(service.signer.serverID))
            }
            // A client that does not trust the certificate gets no answer.
            var strict = TLSConfiguration.makeClientConfiguration()
            strict.trustRoots = .certificates([])
            let untrusting = TestClient(
                host: "127.0.0.1", port: live.port,
                configuration: .init(tlsConfiguration: strict, timeout: .seconds(30), serverName: "localhost"))
            untrusting.connect()
            await #expect(throws: (any Error).self) {
                _ = try await untrusting.execute(.init("/healthz", method: .get, authority: "127.0.0.1"))
            }
            try? await untrusting.shutdown()
        }
    }

    @Test func unreadableCertificateIsAConfigurationError() async throws {
        let f = try ServiceFixture.get()
        let data = try temporaryDirectory("tls-bad")
        defer { try? FileManager.default.removeItem(at: data) }
        var settings = f.configuration(data: data)
        settings.tls = TLSFiles(
            certificateChainPath: data.appendingPathComponent("missing.pem").path,
            privateKeyPath: data.appendingPathComponent("missing-key.pem").path)
        let service = try await HefServer(configuration: settings)
        #expect {
            _ = try service.application()
        } throws: { error in
            (error as? ServiceError)?.code == "configuration"
                && "\(error)".contains("cannot read the TLS certificate chain")
        }
    }
}
