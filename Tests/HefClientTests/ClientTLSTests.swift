import Foundation
import HefClient
import HefService
import HefTestSupport
import Testing

/// `HefClient.Options.caFile` (`hefctl remote --ca-file`): a server with a certificate no system
/// root signed is reached when the client trusts that certificate, and refused otherwise.
@Suite("HefClient over HTTPS with a private CA", .serialized)
struct ClientTLSTests {
    /// A self-signed certificate for 127.0.0.1, made by openssl (installed with Debian).
    static func selfSigned(in folder: URL) throws -> TLSFiles {
        let cert = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl could not make a test certificate")
        return TLSFiles(certificateChainPath: cert, privateKeyPath: key)
    }

    @Test func aPrivateCAIsTrustedOnlyWhenGiven() async throws {
        let f = try ClientFixture.get()
        let data = try temporaryDirectory("tls-data")
        let keys = try temporaryDirectory("tls-keys")
        defer {
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: keys)
        }
        let tls = try Self.selfSigned(in: data)
        try await f.withServer(data: data, tls: tls) { url, _ in
            #expect(url.scheme == "https")
            // The system's roots do not know the certificate: refused before anything is sent.
            let strict = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            do {
                _ = try await strict.models()
                Issue.record("a self-signed server was trusted without --ca-file")
            } catch let error as HefClientError {
                guard case .transport = error else {
                    Issue.record("expected a transport error, got \(error)")
                    return
                }
            }
            var options = HefClient.Options()
            options.caFile = tls.certificateChainPath
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys, options: options)
            let prediction = try await client.predict(model: "digits-square", rows: f.rows, output: .labels)
            #expect(prediction.receiptVerified && prediction.outputs == f.localLabels.map { $0 ?? "invalid" })
        }
    }
}
