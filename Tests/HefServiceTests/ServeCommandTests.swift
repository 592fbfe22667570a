import Foundation
import HefService
import HefTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("hefctl serve", .serialized)
struct ServeCommandTests {
    /// The real command: starts on a free loopback port, answers, takes keys from a token
    /// holder, and stops cleanly on SIGINT.
    @Test func serveStartsAnswersAndStopsOnSIGINT() async throws {
        let f = try ServiceFixture.get()
        let dir = try temporaryDirectory("serve")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens = dir.appendingPathComponent("tokens.txt")
        try "# test clients\nalice \(ServiceFixture.alice.token)\n".write(to: tokens, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = try hefctlURL()
        process.arguments = [
            "serve", "--models", f.modelsDirectory.path, "--data", dir.appendingPathComponent("data").path,
            "--listen", "127.0.0.1:0", "--tokens", tokens.path, "--idle-timeout", "3600",
        ]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let captured = Captured()
        err.fileHandleForReading.readabilityHandler = { handle in captured.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Hummingbird logs the port it bound.
        let port = await listeningPort(in: captured, of: process)
        let bound = try #require(port, "no port in stderr: \(captured.text)")

        let client = TestClient(host: "127.0.0.1", port: bound, configuration: .init(timeout: .seconds(600)))
        client.connect()
        let health = try await client.get("/healthz")
        #expect(health.status == .ok)
        let models = try await client.get("/v1/models")
        #expect(models.status == .ok)
        #expect(String(buffer: models.body ?? ByteBuffer()).contains("digits-square-latency"))
        let upload = try await client.post(
            "/v1/models/digits-square/keys", headers: bearer(ServiceFixture.alice.token),
            body: ByteBuffer(bytes: f.evaluationKeyBytes))
        #expect(upload.status == .created)
        let refused = try await client.post(
            "/v1/models/digits-square/keys", body: ByteBuffer(bytes: f.evaluationKeyBytes))
        #expect(refused.status == .unauthorized)
        try await client.shutdown()

        process.interrupt()
        process.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationStatus == 0, "stderr: \(captured.text)")
        #expect(!captured.text.contains("Fatal error"))
        #expect(!captured.text.contains(ServiceFixture.alice.token), "a token reached the log")
    }

    @Test func serveRefusesBadSetupWithAMessage() throws {
        let dir = try temporaryDirectory("serve-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        for arguments in [
            ["serve", "--models", dir.appendingPathComponent("missing").path, "--data", dir.path],
            ["serve", "--models", dir.path, "--data", dir.path],
            ["serve", "--models", dir.path, "--listen", "no-port"],
            ["serve", "--models", dir.path, "--database", "mysql://hef@127.0.0.1/hef"],
            ["serve", "--models", dir.path, "--key-ttl", "soon"],
            ["serve", "--models", dir.path, "--max-key-bytes-per-client", "lots"],
            ["serve", "--models", dir.path, "--expiry-sweep", "0"],
            ["serve", "--models", dir.path, "--database-password-file", dir.appendingPathComponent("pw").path],
            [
                "serve", "--models", dir.path, "--database", "postgres://hef:secret@127.0.0.1/hef",
                "--database-password-file", dir.appendingPathComponent("pw").path,
            ],
            [
                "serve", "--models", dir.path, "--database", "postgres://hef@127.0.0.1/hef",
                "--database-password-file", dir.appendingPathComponent("missing-pw").path,
            ],
        ] {
            let process = Process()
            process.executableURL = try hefctlURL()
            process.arguments = arguments
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 1, "\(arguments): \(text)")
            #expect(text.contains("hefctl: error:"), "\(arguments): \(text)")
        }
    }
}
