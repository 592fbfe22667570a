import Crypto
import Foundation
import HefCKKS
import HefClient
import HefML
import HefTestSupport
import HefWire
import Testing

@Suite("HefClient against an in-process service", .serialized)
struct HefClientTests {
    /// The whole remote flow: the labels equal the local flow's; keys are made and uploaded
    /// once; the secret key stays in the keys folder with mode 0600; a server that forgot the
    /// keys gets them again.
    @Test func remoteFlowGivesTheLocalLabelsAndUploadsKeysOnce() async throws {
        let f = try ClientFixture.get()
        let data = try temporaryDirectory("data")
        let keys = try temporaryDirectory("keys")
        defer {
            try? FileManager.default.removeItem(at: data)
            try? FileManager.default.removeItem(at: keys)
        }
        try await f.withServer(data: data) { url, _ in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            let models = try await client.models()
            #expect(models.map(\.model.name) == ["digits-square"])

            let first = try await client.predict(model: "digits-square", rows: f.rows, output: .labels)
            #expect(first.receiptVerified && first.keysGenerated && first.keysUploaded)
            #expect(first.outputs == f.localLabels.map { $0 ?? "invalid" })
            #expect(f.localLabels.allSatisfy { $0 != nil })
            #expect(first.receipt.modelID == first.modelID && first.receipt.keyID == first.keyID)

            // The second prediction reuses the keys: nothing generated, nothing uploaded.
            let second = try await client.predict(model: "digits-square", rows: f.rows, output: .scores)
            #expect(!second.keysGenerated && !second.keysUploaded && second.keyID == first.keyID)
            #expect(second.outputs.count == f.rows.count)
            #expect(second.labels == first.labels)
            #expect(second.receipt.receiptID != first.receipt.receiptID)

            // A new client on the same folder (a new process) reuses them too.
            let again = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            let third = try await again.predict(model: first.modelID, rows: Array(f.rows.prefix(1)))
            #expect(!third.keysGenerated && !third.keysUploaded && third.outputs == [first.outputs[0]])

            // The secret key is the owner's only (mode 0600) and a plain Hef file.
            let secret = try #require(
                FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
                    .first { $0.lastPathComponent == "secret.key" })
            let mode = try FileManager.default.attributesOfItem(atPath: secret.path)[.posixPermissions] as? NSNumber
            #expect(mode?.intValue == 0o600)

            // The server forgets the keys: the next prediction uploads them again, once.
            try await again.deleteKeys(first.keyID)
            let fourth = try await again.predict(model: "digits-square", rows: Array(f.rows.prefix(1)))
            #expect(fourth.keysUploaded && !fourth.keysGenerated && fourth.outputs == [first.outputs[0]])
        }
    }

    /// A response or receipt altered on the way is refused; so is a receipt for other keys, for
    /// another model, or a missing one. Another client cannot use alice's key id.
    @Test func tamperedAnswersAndOtherClientsKeysAreRefused() async throws {
        let f = try ClientFixture.get()
        let data = try temporaryDirectory("data")
        let keys = try temporaryDirectory("keys")
        let bobKeys = try temporaryDirectory("keys-bob")
        defer {
            for url in [data, keys, bobKeys] { try? FileManager.default.removeItem(at: url) }
        }
        try await f.withServer(data: data) { url, _ in
            let alice = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            let prediction = try await alice.predict(model: "digits-square", rows: f.rows)
            // A request of alice's, under her cached public key.
            let remote = try await alice.model("digits-square")
            let publicKeyFile = try #require(
                FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
                    .first { $0.lastPathComponent == "public.key" })
            let publicKey = try PublicKey(
                deserializing: Array(try Data(contentsOf: publicKeyFile)), context: remote.context)
            let request = try InferenceClient(model: remote.compiled, context: remote.context)
                .encrypt(f.rows, publicKey: publicKey).serialized(context: remote.context)
            let answer = try await alice.infer(model: "digits-square", keyID: prediction.keyID, ciphertexts: request)
            let signingKey = try await alice.signingKey()
            let header = answer.receipt.headerValue
            func verify(
                header: String? = header, modelID: String = prediction.modelID, keyID: String = prediction.keyID,
                request: [UInt8] = request, response: [UInt8] = answer.response
            ) throws {
                _ = try HefClient.verifiedReceipt(
                    header: header, signingKey: signingKey, modelID: modelID, keyID: keyID, request: request,
                    response: response)
            }
            try verify()

            var flipped = answer.response
            flipped[flipped.count / 2] ^= 0x01
            #expect(throws: HefClientError.self) { try verify(response: flipped) }
            var otherRequest = request
            otherRequest[otherRequest.count - 1] ^= 0x80
            #expect(throws: HefClientError.self) { try verify(request: otherRequest) }
            #expect(throws: HefClientError.self) { try verify(header: nil) }
            #expect(throws: HefClientError.self) { try verify(keyID: String(repeating: "a", count: 64)) }
            #expect(throws: HefClientError.self) { try verify(modelID: "0123456789abcdef") }
            // A receipt whose fields were changed after signing.
            var forged = answer.receipt
            forged.responseSHA256 = SHA256.hash(data: flipped).map { String(format: "%02x", $0) }.joined()
            #expect(throws: HefClientError.self) { try verify(header: forged.headerValue, response: flipped) }
            // A byte of the header itself.
            var headerBytes = Array(header.utf8)
            headerBytes[headerBytes.count / 2] =
                headerBytes[headerBytes.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: HefClientError.self) { try verify(header: String(decoding: headerBytes, as: UTF8.self)) }
            // Signed by another key.
            let otherKey = SigningKeyDocument(publicKey: try MLDSA65.PrivateKey().publicKey)
            #expect(throws: HefClientError.self) {
                _ = try HefClient.verifiedReceipt(
                    header: header, signingKey: otherKey, modelID: prediction.modelID, keyID: prediction.keyID,
                    request: request, response: answer.response)
            }

            // Bob cannot run alice's keys: the server answers unknown_key, the client throws it typed.
            let bob = HefClient(server: url, token: ClientFixture.bob.token, keysDirectory: bobKeys)
            do {
                _ = try await bob.infer(model: "digits-square", keyID: prediction.keyID, ciphertexts: request)
                Issue.record("bob ran alice's keys")
            } catch let error as HefClientError {
                #expect(error == .server(status: 404, code: "unknown_key", message: error.serverMessage))
            }
            // Without a token: unauthorized, typed.
            let anonymous = HefClient(server: url, keysDirectory: bobKeys)
            await #expect(throws: HefClientError.self) {
                _ = try await anonymous.predict(model: "digits-square", rows: f.rows)
            }
        }
    }

    /// The signing key is pinned on first use: the same address later serving another key is
    /// refused before any key or ciphertext goes to it; an explicit server id is enforced too.
    @Test func aChangedSigningKeyIsRefusedByThePin() async throws {
        let f = try ClientFixture.get()
        let first = try temporaryDirectory("data-1")
        let second = try temporaryDirectory("data-2")
        let keys = try temporaryDirectory("keys")
        defer {
            for url in [first, second, keys] { try? FileManager.default.removeItem(at: url) }
        }
        let (port, serverID) = try await f.withServer(data: first) { url, port in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            _ = try await client.models()
            return (port, try await client.signingKey().serverID)
        }
        #expect(FileManager.default.fileExists(atPath: keys.appendingPathComponent("pins.json").path))
        // Another data folder: another generated signing key, on the same address.
        try await f.withServer(data: second, port: port) { url, _ in
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            do {
                _ = try await client.predict(model: "digits-square", rows: f.rows)
                Issue.record("a changed signing key was accepted")
            } catch let error as HefClientError {
                guard case .signingKeyChanged(_, let pinned, let presented) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(pinned == serverID && presented != serverID)
            }
            // Nothing was generated for a server that was refused.
            let made = FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?
                .compactMap { ($0 as? URL)?.lastPathComponent }.filter { $0.hasSuffix(".key") }
            #expect(made == [])

            // An explicit pin: the old id is refused, the new one accepted.
            var options = HefClient.Options()
            options.pin = .serverID(serverID)
            let pinned = HefClient(server: url, keysDirectory: keys, options: options)
            await #expect(throws: HefClientError.self) { _ = try await pinned.models() }
            let current = try await HefClient(server: url, keysDirectory: try temporaryDirectory("k")).signingKey()
            options.pin = .serverID(current.serverID)
            let repinned = HefClient(server: url, keysDirectory: keys, options: options)
            #expect(try await repinned.models().count == 1)
        }
    }

    /// A client that seals its new secret key predicts as before; with a wrong passphrase it
    /// fails with `wrongPassphrase` before sending anything, and without one it asks for one.
    @Test func sealedKeysInTheClient() async throws {
        let f = try ClientFixture.get()
        let data = try temporaryDirectory("data")
        let keys = try temporaryDirectory("keys")
        defer {
            for url in [data, keys] { try? FileManager.default.removeItem(at: url) }
        }
        try await f.withServer(data: data) { url, _ in
            var options = HefClient.Options()
            options.sealNewSecretKeys = true
            options.passphrase = { "the right one" }
            let client = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys, options: options)
            let first = try await client.predict(model: "digits-square", rows: f.rows)
            #expect(first.outputs == f.localLabels.map { $0 ?? "invalid" })
            let secret = try #require(
                FileManager.default.enumerator(at: keys, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL }
                    .first { $0.lastPathComponent == "secret.key" })
            #expect(SealedSecretKey.isSealed(Array(try Data(contentsOf: secret))))

            options.passphrase = { "a wrong one" }
            let wrong = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys, options: options)
            await #expect(throws: SealedKeyError.wrongPassphrase) {
                _ = try await wrong.predict(model: "digits-square", rows: f.rows)
            }
            let none = HefClient(server: url, token: ClientFixture.alice.token, keysDirectory: keys)
            await #expect(throws: SealedKeyError.self) {
                _ = try await none.predict(model: "digits-square", rows: f.rows)
            }
        }
    }

    /// A sealed secret key opens with its passphrase only; the header is authenticated.
    @Test func sealedSecretKeyRoundTrip() throws {
        let plain = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let sealed = try SealedSecretKey.seal(plain, passphrase: "correct horse", logN: 10)
        #expect(SealedSecretKey.isSealed(sealed) && !SealedSecretKey.isSealed(plain))
        #expect(sealed.count == SealedSecretKey.headerSize + plain.count + 16)
        #expect(try SealedSecretKey.open(sealed, passphrase: "correct horse") == plain)
        #expect(throws: SealedKeyError.wrongPassphrase) { try SealedSecretKey.open(sealed, passphrase: "wrong horse") }
        var altered = sealed
        altered[12] ^= 1 // the salt
        #expect(throws: SealedKeyError.wrongPassphrase) {
            try SealedSecretKey.open(altered, passphrase: "correct horse")
        }
        #expect(throws: SealedKeyError.emptyPassphrase) { try SealedSecretKey.seal(plain, passphrase: "") }
        #expect(throws: SealedKeyError.self) { try SealedSecretKey.open(Array(sealed.prefix(30)), passphrase: "x") }
    }
}

extension HefClientError {
    /// The message of a server refusal (to compare whole errors).
    var serverMessage: String {
        if case .server(_, _, let message) = self { return message }
        return ""
    }
}
