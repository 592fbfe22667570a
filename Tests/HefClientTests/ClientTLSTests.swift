import Foundation
import HefClient
import HefService
import HefTestSupport
import Testing

/// `HefClient.Options.caFile` (`hefctl remote --ca-file`): a server with a certificate no system
/// root signed is reached when the client trusts that certificate, and refused otherwise.
@Suite("HefClient over HTTPS with a private CA", .serialized)
struct ClientTLSTests {
    @Test func aPrivateCAIsTrustedOnlyWhenGiven() async throws {
        let f = try ClientFixture.get()
        let data = try temporaryDirectory("tls-data")
        let keys = try temporaryDirectory("tls-keys")
        defer {
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: keys)
        }
        let (certificate, privateKey) = try makeSelfSignedCertificate(in: data)
        let tls = TLSFiles(certificateChainPath: certificate, privateKeyPath: privateKey)
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
