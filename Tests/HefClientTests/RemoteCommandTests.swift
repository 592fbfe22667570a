import Foundation
import HefClient
import HefTestSupport
import Testing

@Suite("hefctl remote and keygen --protect", .serialized)
struct RemoteCommandTests {
    /// `hefctl remote models` and `hefctl remote infer` against a `hefctl serve` process: the
    /// labels are the local flow's, written as `hefctl decrypt --output labels` writes them.
    @Test func remoteInferAgainstServeProcess() async throws {
        let f = try ClientFixture.get()
        let dir = try temporaryDirectory("remote")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tokens = dir.appendingPathComponent("tokens.txt")
        try "alice \(ClientFixture.alice.token)\n".write(to: tokens, atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = try hefctlURL()
        server.arguments = [
            "serve", "--models", f.modelsDirectory.path, "--data", dir.appendingPathComponent("data").path,
            "--listen", "127.0.0.1:0", "--tokens", tokens.path, "--idle-timeout", "3600",
        ]
        let err = Pipe()
        server.standardError = err
        server.standardOutput = FileHandle.nullDevice
        let captured = Captured()
        err.fileHandleForReading.readabilityHandler = { captured.append($0.availableData) }
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        let port = await listeningPort(in: captured, of: server)
        let bound = try #require(port, "no port in stderr: \(captured.text)")
        let url = "http://127.0.0.1:\(bound)"
        let keys = dir.appendingPathComponent("keys").path

        let models = try runHefctl(["remote", "models", "--server", url, "--keys", keys])
        #expect(models.status == 0, "\(models.err)")
        #expect(models.out.contains("digits-square") && models.out.contains("weights withheld, manifest verified"))

        let input = dir.appendingPathComponent("x.csv")
        try writeCSV(f.rows, to: input)
        let output = dir.appendingPathComponent("y.csv")
        let infer = try runHefctl(
            [
                "remote", "infer", "--server", url, "--model", "digits-square", "--in", input.path, "--out",
                output.path, "--output", "labels", "--keys", keys,
            ], environment: ["HEF_TOKEN": ClientFixture.alice.token])
        #expect(infer.status == 0, "\(infer.err)")
        #expect(infer.err.contains("verified"))
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == f.localLabels.map { $0 ?? "invalid" })

        // Key rotation: forget removes the registration on the server and the local set (the
        // secret key erased); the next infer makes and uploads a new set, with the same labels.
        func keyIDs() throws -> Set<String> {
            var found: Set<String> = []
            let enumerator = FileManager.default.enumerator(atPath: keys)
            while let path = enumerator?.nextObject() as? String {
                guard path.hasSuffix("registration.json") else { continue }
                let data = try Data(contentsOf: URL(fileURLWithPath: keys).appendingPathComponent(path))
                if let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let id = object["keyID"] as? String
                {
                    found.insert(id)
                }
            }
            return found
        }
        let before = try keyIDs()
        #expect(before.count == 1)
        let forget = try runHefctl(
            ["remote", "forget", "--server", url, "--model", "digits-square", "--keys", keys],
            environment: ["HEF_TOKEN": ClientFixture.alice.token])
        #expect(forget.status == 0, "\(forget.err)")
        #expect(
            forget.out.contains("deleted on the server") && forget.out.contains("local key set erased"),
            "\(forget.out)")
        #expect(try keyIDs().isEmpty)
        let again = try runHefctl(
            ["remote", "forget", "--server", url, "--model", "digits-square", "--keys", keys],
            environment: ["HEF_TOKEN": ClientFixture.alice.token])
        #expect(again.status == 0 && again.out.contains("no registration on the server"), "\(again.out)\(again.err)")
        try FileManager.default.removeItem(at: output)
        let rotated = try runHefctl(
            [
                "remote", "infer", "--server", url, "--model", "digits-square", "--in", input.path, "--out",
                output.path, "--output", "labels", "--keys", keys,
            ], environment: ["HEF_TOKEN": ClientFixture.alice.token])
        #expect(rotated.status == 0, "\(rotated.err)")
        let after = try keyIDs()
        #expect(after.count == 1 && after != before)
        #expect(
            try String(contentsOf: output, encoding: .utf8).split(separator: "\n").map(String.init)
                == f.localLabels.map { $0 ?? "invalid" })
        let unpin = try runHefctl(["remote", "forget", "--server", url, "--pin", "--keys", keys])
        #expect(unpin.status == 0 && unpin.out.contains("pin dropped"), "\(unpin.out)\(unpin.err)")
        let pinsFile = URL(fileURLWithPath: keys).appendingPathComponent("pins.json")
        let pins = try String(contentsOf: pinsFile, encoding: .utf8)
        #expect(!pins.contains("127.0.0.1"))
        #expect(try runHefctl(["remote", "forget", "--server", url, "--keys", keys]).status != 0)

        // Without the token: the server's refusal, as a one-line error and exit 1.
        let refused = try runHefctl(
            ["remote", "infer", "--server", url, "--model", "digits-square", "--in", input.path, "--keys", keys])
        #expect(refused.status == 1)
        #expect(refused.err.contains("unauthorized"), "\(refused.err)")

        server.interrupt()
        server.waitUntilExit()
        err.fileHandleForReading.readabilityHandler = nil
        #expect(!captured.text.contains(ClientFixture.alice.token), "a token reached the log")
    }

    /// `keygen --protect` seals the secret key; decrypt opens it with the passphrase (file or
    /// environment) and gives the plain flow's labels; a wrong or missing passphrase is a clear
    /// error with a non-zero exit and no output.
    @Test func keygenProtectRoundTripAndWrongPassphrase() throws {
        let f = try ClientFixture.get()
        let dir = try temporaryDirectory("protect")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = f.modelsDirectory.appendingPathComponent("digits-square.hef").path
        let keys = dir.appendingPathComponent("keys").path
        let pass = dir.appendingPathComponent("pass.txt")
        try "a long passphrase for tests\n".write(to: pass, atomically: true, encoding: .utf8)
        let keygen = try runHefctl([
            "keygen", "--model", model, "--out", keys, "--protect", "--passphrase-file", pass.path,
        ])
        #expect(keygen.status == 0, "\(keygen.err)")
        let secret = (keys as NSString).appendingPathComponent("secret.key")
        let sealed = Array(try Data(contentsOf: URL(fileURLWithPath: secret)))
        #expect(SealedSecretKey.isSealed(sealed))
        let mode = try FileManager.default.attributesOfItem(atPath: secret)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let input = dir.appendingPathComponent("x.csv")
        try writeCSV(f.rows, to: input)
        let x = dir.appendingPathComponent("x.ct").path
        let y = dir.appendingPathComponent("y.ct").path
        #expect(
            try runHefctl([
                "encrypt", "--model", model, "--public-key", (keys as NSString).appendingPathComponent("public.key"),
                "--in", input.path, "--out", x,
            ]).status == 0)
        #expect(
            try runHefctl([
                "infer", "--model", model, "--eval-key", (keys as NSString).appendingPathComponent("eval.key"), "--in",
                x, "--out", y,
            ]).status == 0)
        let out = dir.appendingPathComponent("y.csv")
        let decrypt = [
            "decrypt", "--model", model, "--secret-key", secret, "--in", y, "--out", out.path, "--output", "labels",
        ]
        let viaFile = try runHefctl(decrypt + ["--passphrase-file", pass.path])
        #expect(viaFile.status == 0, "\(viaFile.err)")
        let lines = try String(contentsOf: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == f.localLabels.map { $0 ?? "invalid" })
        try FileManager.default.removeItem(at: out)
        let viaEnv = try runHefctl(decrypt, environment: ["HEF_PASSPHRASE": "a long passphrase for tests"])
        #expect(viaEnv.status == 0, "\(viaEnv.err)")
        try FileManager.default.removeItem(at: out)

        let wrong = try runHefctl(decrypt, environment: ["HEF_PASSPHRASE": "not the passphrase"])
        #expect(wrong.status == 1)
        #expect(wrong.err.contains("wrong passphrase"), "\(wrong.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let missing = try runHefctl(decrypt)
        #expect(missing.status == 1)
        #expect(missing.err.contains("--passphrase-file"), "\(missing.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
