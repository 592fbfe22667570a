import Foundation
import HefCKKS
import HefTestSupport
import Testing

private struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

@discardableResult
private func hefctl(_ arguments: [String], in directory: URL) throws -> Run {
    let process = Process()
    process.executableURL = try hefctlURL()
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting so large outputs cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}

private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hefctl-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A clean failure: non-zero exit, one message on stderr, no crash or stack trace.
private func expectFailure(_ run: Run, mentioning text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(run.status == 1, "exit status \(run.status); stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.contains("error"), sourceLocation: sourceLocation)
    #expect(run.stderr.contains(text), "stderr: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Backtrace"), sourceLocation: sourceLocation)
}

/// The per-value standard deviation hefctl reports on stderr for --flood ("≈ 2^x").
private func reportedFloodDeviation(_ stderr: String) -> Double? {
    guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("flooding:") }),
        let range = line.range(of: "≈ 2^", options: .backwards),
        let exponent = Double(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
    else { return nil }
    return pow(2, exponent)
}

private func parseRows(_ text: String) -> [[Double]] {
    text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map { Double($0)! } }
}

@Suite("hefctl", .serialized)
struct HefctlTests {
    @Test func paramsListAndShow() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let list = try hefctl(["params", "list"], in: dir)
        #expect(list.status == 0)
        for preset in ParametersPreset.allCases { #expect(list.stdout.contains(preset.rawValue)) }
        let show = try hefctl(["params", "show", "n8192", "--json"], in: dir)
        #expect(show.status == 0)
        let literal = try JSONDecoder().decode(ParametersLiteral.self, from: Data(show.stdout.utf8))
        #expect(literal == ParametersPreset.n8192.literal)
        let human = try hefctl(["params", "show", "n4096"], in: dir)
        #expect(human.status == 0 && human.stdout.contains("128 bits"))
        // A JSON file round-trips through --params.
        try Data(show.stdout.utf8).write(to: dir.appendingPathComponent("p.json"))
        let fromFile = try hefctl(["params", "show", "p.json"], in: dir)
        let id = hex(try CKKSParameters(preset: .n8192).id)
        #expect(fromFile.status == 0 && fromFile.stdout.contains(id))
        let help = try hefctl(["keygen", "--help"], in: dir)
        #expect(help.status == 0 && help.stdout.contains("Example"))
    }

    /// The secret key is written 0600 even over an existing, world-readable file.
    @Test func keygenNarrowsAnExistingSecretKeyFileTo0600() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keys = dir.appendingPathComponent("keys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let secretPath = keys.appendingPathComponent("secret.key").path
        #expect(
            FileManager.default.createFile(
                atPath: secretPath, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
        let keygen = try hefctl(["keygen", "--params", "n4096", "--out", "keys", "--force"], in: dir)
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let mode = (try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? NSNumber)?
            .intValue
        #expect(mode == 0o600)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: secretPath)))
        let parameters = try HefFile.parameters(of: bytes)
        #expect(try HefFile.parametersLiteral(of: bytes).kind == .secretKey)
        #expect(parameters.id == (try CKKSParameters(preset: .n4096)).id)
    }

    @Test func keygenEncryptDecryptInspect() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keygen = try hefctl(["keygen", "--params", "n4096", "--out", "keys", "--rotations=1,2,-4"], in: dir)
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let secretPath = dir.appendingPathComponent("keys/secret.key").path
        let mode = (try FileManager.default.attributesOfItem(atPath: secretPath)[.posixPermissions] as? NSNumber)?
            .intValue
        #expect(mode == 0o600)
        let rows: [[Double]] = [[1, 2, 3], [0.5, -0.25], [3.75, 0, -1e3, 42.125]]
        let csv = rows.map { $0.map { "\($0)" }.joined(separator: ", ") }.joined(separator: "\n") + "\n"
        try Data(csv.utf8).write(to: dir.appendingPathComponent("x.csv"))
        let encrypt = try hefctl(
            ["encrypt", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"], in: dir)
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let decrypt = try hefctl(
            ["decrypt", "--secret-key", "keys/secret.key", "--in", "x.ct", "--out", "y.csv"], in: dir)
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        let output = try String(contentsOf: dir.appendingPathComponent("y.csv"), encoding: .utf8)
        let lines = output.split(separator: "\n")
        #expect(lines.count == rows.count)
        for (line, row) in zip(lines, rows) {
            let values = line.split(separator: ",").map { Double($0)! }
            #expect(values.count == row.count)
            for (a, b) in zip(values, row) { #expect(abs(a - b) < 1e-3, "\(a) vs \(b)") }
        }
        // Rounded output to stdout.
        let rounded = try hefctl(
            ["decrypt", "--secret-key", "keys/secret.key", "--in", "x.ct", "--round-bits", "8"], in: dir)
        #expect(rounded.status == 0 && rounded.stdout.hasPrefix("1.0,2.0,3.0\n"))

        let inspectCt = try hefctl(["inspect", "x.ct"], in: dir)
        #expect(inspectCt.status == 0)
        #expect(inspectCt.stdout.contains("ciphertexts   3") && inspectCt.stdout.contains("scale 2^30.00"))
        let inspectEval = try hefctl(["inspect", "keys/eval.key"], in: dir)
        #expect(inspectEval.status == 0 && inspectEval.stdout.contains("1, 2, -4"))
        for file in ["keys/public.key", "keys/secret.key"] {
            #expect(try hefctl(["inspect", file], in: dir).status == 0)
        }
    }

    @Test func badInput() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try hefctl(["keygen", "--params", "n4096", "--out", "keys"], in: dir).status == 0)
        // Refuses to overwrite keys.
        expectFailure(try hefctl(["keygen", "--params", "n4096", "--out", "keys"], in: dir), mentioning: "--force")
        try Data("1,2,3\n4,x,6\n".utf8).write(to: dir.appendingPathComponent("bad.csv"))
        expectFailure(
            try hefctl(["encrypt", "--public-key", "keys/public.key", "--in", "bad.csv", "--out", "b.ct"], in: dir),
            mentioning: "bad.csv:2:2")
        try Data((Array(repeating: "1", count: 2049).joined(separator: ",") + "\n").utf8).write(
            to: dir.appendingPathComponent("big.csv"))
        expectFailure(
            try hefctl(["encrypt", "--public-key", "keys/public.key", "--in", "big.csv", "--out", "b.ct"], in: dir),
            mentioning: "2049 values")
        expectFailure(
            try hefctl(["encrypt", "--public-key", "missing.key", "--in", "big.csv", "--out", "b.ct"], in: dir),
            mentioning: "no such file")
        // Wrong kind: a secret key where a public key is expected, and the reverse.
        expectFailure(
            try hefctl(["encrypt", "--public-key", "keys/secret.key", "--in", "bad.csv", "--out", "b.ct"], in: dir),
            mentioning: "expected a public key")
        try Data("1,2\n".utf8).write(to: dir.appendingPathComponent("x.csv"))
        #expect(
            try hefctl(["encrypt", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"], in: dir).status
                == 0)
        expectFailure(
            try hefctl(["decrypt", "--secret-key", "keys/public.key", "--in", "x.ct"], in: dir),
            mentioning: "expected a secret key")
        // Truncated and garbage files.
        let ct = try Data(contentsOf: dir.appendingPathComponent("x.ct"))
        for length in [0, 3, 10, 30, 60, 200, ct.count - 1] {
            try ct.prefix(length).write(to: dir.appendingPathComponent("t.ct"))
            let inspect = try hefctl(["inspect", "t.ct"], in: dir)
            #expect(inspect.status == 1 && !inspect.stderr.contains("Fatal"), "length \(length): \(inspect.stderr)")
            let decrypt = try hefctl(["decrypt", "--secret-key", "keys/secret.key", "--in", "t.ct"], in: dir)
            #expect(decrypt.status == 1 && !decrypt.stderr.contains("Fatal"), "length \(length): \(decrypt.stderr)")
        }
        expectFailure(try hefctl(["inspect", "bad.csv"], in: dir), mentioning: "not a Hef file")
        // A key of another key pair cannot decrypt.
        #expect(try hefctl(["keygen", "--params", "n4096", "--out", "other"], in: dir).status == 0)
        expectFailure(
            try hefctl(["decrypt", "--secret-key", "other/secret.key", "--in", "x.ct"], in: dir),
            mentioning: "another key")
        // Unknown preset, bad JSON.
        expectFailure(try hefctl(["params", "show", "n1234"], in: dir), mentioning: "preset")
        try Data("{\"logN\": 13}".utf8).write(to: dir.appendingPathComponent("p.json"))
        expectFailure(try hefctl(["keygen", "--params", "p.json", "--out", "k3"], in: dir), mentioning: "logQ")
        // Argument errors are reported by the parser with a non-zero exit.
        #expect(try hefctl(["encrypt"], in: dir).status != 0)
    }

    @Test func floodedDecrypt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try hefctl(["keygen", "--params", "n4096", "--out", "keys"], in: dir).status == 0)
        let rows: [[Double]] = [[1, 2, 3], [0.5, -0.25]]
        try Data("1,2,3\n0.5,-0.25\n".utf8).write(to: dir.appendingPathComponent("x.csv"))
        #expect(
            try hefctl(["encrypt", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"], in: dir).status
                == 0)
        let args = [
            "decrypt", "--secret-key", "keys/secret.key", "--in", "x.ct", "--flood", "--flood-precision", "32",
            "--flood-queries", "3",
        ]
        let one = try hefctl(args, in: dir)
        let two = try hefctl(args, in: dir)
        #expect(one.status == 0 && two.status == 0, "\(one.stderr)")
        // σ = √36 · 2^15 · 2^30 · 2^-32 = 2^15.58; per value σ·√2048/2^30 = 2^-8.92.
        let deviation = try #require(reportedFloodDeviation(one.stderr), "stderr: \(one.stderr)")
        #expect(abs(log2(deviation) + 8.92) < 0.06)
        let a = parseRows(one.stdout)
        let b = parseRows(two.stdout)
        #expect(a.count == 2 && b.count == 2)
        for (got, want) in zip(a, rows) {
            #expect(got.count == want.count)
            for (x, y) in zip(got, want) { #expect(abs(x - y) < 8 * deviation, "\(x) vs \(y)") }
        }
        // Fresh noise on every run.
        #expect(one.stdout != two.stdout)
        // A flooding that cannot fit the modulus is a clean error.
        expectFailure(
            try hefctl(
                [
                    "decrypt", "--secret-key", "keys/secret.key", "--in", "x.ct", "--flood", "--flood-bits", "128",
                    "--flood-precision=-40",
                ], in: dir),
            mentioning: "noise flooding does not fit")
        #expect(
            try hefctl(
                ["decrypt", "--secret-key", "keys/secret.key", "--in", "x.ct", "--flood", "--flood-queries", "0"],
                in: dir
            ).status != 0)
    }

    @Test func benchJSON() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = try hefctl(
            ["bench", "--params", "n4096", "--backend", "both", "--json", "--iterations", "1"], in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        let backends = object?["backends"] as? [String: [String: Double]]
        #expect(object?["params"] != nil)
        #expect(["scalar", "avx2", "avx512", "ifma"].contains(object?["kernelPath"] as? String ?? ""))
        #expect(object?["threads"] as? Int == 1)
        for name in ["native", "swift"] {
            let timings = backends?[name] ?? [:]
            for op in [
                "encode", "encrypt", "decrypt", "add", "mul_plain", "mul_relin", "rescale", "rotate", "relin_keygen",
                "ntt_forward",
            ] {
                #expect((timings[op] ?? -1) >= 0, "\(name) \(op)")
            }
        }
        let table = try hefctl(["bench", "--params", "n4096", "--backend", "both", "--iterations", "1"], in: dir)
        #expect(table.status == 0 && table.stdout.contains("native/swift"))
    }
}

private func hex(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

/// The model flow through the real binary: ONNX files written by skl2onnx and in torch.onnx's
/// shape, compiled, keyed, encrypted, evaluated with the evaluation keys only, decrypted.
@Suite(.serialized) struct HefctlModelFlowTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    struct Case: Sendable, CustomStringConvertible {
        var model: String
        var file: String
        var input: String
        var packing: String
        var description: String { "\(model)/\(file) (\(packing))" }
    }

    static let cases = [
        Case(
            model: "breast-cancer-square", file: "model_torch.onnx", input: "test_X_standardized.csv",
            packing: "latency"),
        Case(model: "digits-square", file: "model_torch.onnx", input: "test_X_standardized.csv", packing: "throughput"),
        Case(model: "breast-cancer-relu", file: "model_skl2onnx.onnx", input: "test_X.csv", packing: "throughput"),
        Case(model: "digits-tanh", file: "model_skl2onnx.onnx", input: "test_X.csv", packing: "throughput"),
    ]

    @Test(arguments: cases)
    func onnxThroughTheCommandLine(_ c: Case) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = Self.repository.appendingPathComponent("Models/\(c.model)")
        // 12 samples; their expected labels from the reference scores of the JSON model.
        let rows = try String(contentsOf: models.appendingPathComponent(c.input), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(12)
        try (rows.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let reference = try String(contentsOf: models.appendingPathComponent("reference_scores.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(12).map { $0.split(separator: ",").map { Double($0)! } }

        var compile = [
            "model", "compile", models.appendingPathComponent(c.file).path, "--packing", c.packing, "--out", "m.hef",
        ]
        if c.input == "test_X.csv" {
            compile += ["--calibrate", models.appendingPathComponent("calibration_X.csv").path]
        }
        let compiled = try hefctl(compile, in: dir)
        #expect(compiled.status == 0, "\(compiled.stderr)")
        #expect(try hefctl(["model", "show", "m.hef"], in: dir).stdout.contains("parameters"))
        #expect(try hefctl(["keygen", "--model", "m.hef", "--out", "keys"], in: dir).status == 0)
        #expect(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"],
                in: dir
            ).status == 0)
        let infer = try hefctl(
            ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", "x.ct", "--out", "y.ct"], in: dir)
        #expect(infer.status == 0, "\(infer.stderr)")
        let decrypt = try hefctl(
            ["decrypt", "--model", "m.hef", "--secret-key", "keys/secret.key", "--in", "y.ct", "--output", "scores"],
            in: dir)
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        let scores = decrypt.stdout.split(whereSeparator: \.isNewline).map {
            $0.split(separator: ",").map { Double($0)! }
        }
        #expect(scores.count == reference.count)
        for (got, want) in zip(scores, reference) {
            // Same predicted class as the plaintext model.
            let g = got.count == 1 ? (got[0] > 0 ? 1 : 0) : got.indices.max { got[$0] < got[$1] }!
            let w = want.count == 1 ? (want[0] > 0 ? 1 : 0) : want.indices.max { want[$0] < want[$1] }!
            #expect(g == w, "scores \(got) vs plaintext \(want)")
        }
        let labels = try hefctl(
            ["decrypt", "--model", "m.hef", "--secret-key", "keys/secret.key", "--in", "y.ct", "--output", "labels"],
            in: dir)
        #expect(labels.stdout.split(whereSeparator: \.isNewline).count == 12)
    }

    /// A model compiled with refreshes, through the file flow: infer stops with a refresh
    /// request (inspect says so), refresh answers it, infer goes on, until the outputs; the
    /// labels are the plaintext model's. A round trip is used once, and a request is not
    /// something the server evaluates.
    @Test func refreshLoopThroughTheCommandLine() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = Self.repository.appendingPathComponent("Models/digits-tanh")
        let rows = try String(contentsOf: models.appendingPathComponent("test_X.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(3)
        try (rows.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let reference = try String(contentsOf: models.appendingPathComponent("reference_scores.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(3).map { $0.split(separator: ",").map { Double($0)! } }
        let compile = try hefctl(
            [
                "model", "compile", models.appendingPathComponent("model_skl2onnx.onnx").path, "--calibrate",
                models.appendingPathComponent("calibration_X.csv").path, "--refresh", "client", "--out", "m.hef",
            ], in: dir)
        #expect(compile.status == 0, "\(compile.stderr)")
        #expect(compile.stdout.contains("refresh      client-aided") && compile.stdout.contains("segment 1:"))
        #expect(try hefctl(["keygen", "--model", "m.hef", "--out", "keys"], in: dir).status == 0)
        #expect(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"],
                in: dir
            ).status == 0)
        #expect(try hefctl(["inspect", "x.ct"], in: dir).stdout.contains("stage: inputs"))
        var current = "x.ct"
        var rounds = 0
        while true {
            let next = "step\(rounds).ct"
            let infer = try hefctl(
                ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", current, "--out", next], in: dir)
            #expect(infer.status == 0, "\(infer.stderr)")
            let stage = try hefctl(["inspect", next], in: dir).stdout
            if stage.contains("stage: outputs") {
                current = next
                break
            }
            #expect(stage.contains("stage: refresh-request"), "\(stage)")
            if rounds == 0 {
                // A refresh request is the key holder's, not something to evaluate.
                expectFailure(
                    try hefctl(
                        ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", next, "--out", "bad.ct"],
                        in: dir), mentioning: "hefctl refresh")
            }
            let refresh = try hefctl(
                [
                    "refresh", "--model", "m.hef", "--secret-key", "keys/secret.key", "--in", next, "--out",
                    "refreshed\(rounds).ct",
                ], in: dir)
            #expect(refresh.status == 0, "\(refresh.stderr)")
            current = "refreshed\(rounds).ct"
            rounds += 1
            guard rounds < 5 else {
                Issue.record("no outputs after 5 round trips")
                return
            }
        }
        #expect(rounds >= 1)
        // Every round trip's mask is gone: the first refreshed file cannot be answered twice.
        expectFailure(
            try hefctl(
                ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", "refreshed0.ct", "--out", "z.ct"],
                in: dir), mentioning: "used once")
        let decrypt = try hefctl(
            ["decrypt", "--model", "m.hef", "--secret-key", "keys/secret.key", "--in", current, "--output", "scores"],
            in: dir)
        #expect(decrypt.status == 0, "\(decrypt.stderr)")
        let scores = parseRows(decrypt.stdout)
        #expect(scores.count == 3)
        for (got, want) in zip(scores, reference) {
            #expect(got.indices.max { got[$0] < got[$1] } == want.indices.max { want[$0] < want[$1] })
            #expect(zip(got, want).allSatisfy { abs($0 - $1) < 0.2 }, "\(got) vs \(want)")
        }
    }

    /// Compiles the bundled model `name` to `m.hef` in `dir` (calibrated on its
    /// `calibration_X.csv` when `calibrated`, with `options` added); returns the model's folder
    /// and what `model compile` printed.
    @discardableResult
    func compileBundledModel(_ name: String, in dir: URL, calibrated: Bool = false, options: [String] = []) throws
        -> (folder: URL, stdout: String)
    {
        let models = Self.repository.appendingPathComponent("Models/\(name)")
        let calibration =
            calibrated ? ["--calibrate", models.appendingPathComponent("calibration_X.csv").path] : []
        let result = try hefctl(
            ["model", "compile", models.appendingPathComponent("model.json").path] + calibration + options
                + ["--out", "m.hef"], in: dir)
        #expect(result.status == 0, "\(result.stderr)")
        return (models, result.stdout)
    }

    /// The file flow with a client part on the data owner's side: keygen, encrypt and decrypt
    /// take it, infer refuses it, and the full model's answer decrypts to the same labels.
    @Test func clientPartFileFlow() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = try compileBundledModel(
            "digits-square", in: dir, calibrated: true, options: ["--packing", "latency"]
        ).folder
        let cut = try hefctl(["model", "client-part", "m.hef", "--out", "c.hef"], in: dir)
        #expect(cut.status == 0 && cut.stdout.contains("weights      withheld"), "\(cut.stderr)")
        let text = try String(contentsOf: models.appendingPathComponent("test_X.csv"), encoding: .utf8)
        try (text.split(whereSeparator: \.isNewline).prefix(2).joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        #expect(try hefctl(["keygen", "--model", "c.hef", "--out", "keys"], in: dir).status == 0)
        let encrypt = try hefctl(
            ["encrypt", "--model", "c.hef", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"],
            in: dir)
        #expect(encrypt.status == 0, "\(encrypt.stderr)")
        let refused = try hefctl(
            ["infer", "--model", "c.hef", "--eval-key", "keys/eval.key", "--in", "x.ct", "--out", "y.ct"], in: dir)
        #expect(refused.status != 0 && refused.stderr.contains("client part"), "\(refused.stderr)")
        let infer = try hefctl(
            ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", "x.ct", "--out", "y.ct"], in: dir)
        #expect(infer.status == 0, "\(infer.stderr)")
        let decrypt = ["decrypt", "--secret-key", "keys/secret.key", "--in", "y.ct", "--output", "labels"]
        let withPart = try hefctl(decrypt + ["--model", "c.hef"], in: dir)
        let withModel = try hefctl(decrypt + ["--model", "m.hef"], in: dir)
        #expect(withPart.status == 0 && withPart.stdout == withModel.stdout, "\(withPart.stderr)")
        #expect(parseRows(withPart.stdout).count == 2)
    }

    /// `--fit-box` guarantees the whole calibration box (half of the box with margin).
    @Test func fitBoxGuaranteesTheCalibrationBox() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let printed = try compileBundledModel(
            "breast-cancer-relu", in: dir, calibrated: true, options: ["--fit-box"]
        ).stdout
        #expect(printed.contains("(50% of the calibration box with margin"), "\(printed)")
    }

    @Test func floodedModelDecrypt() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = try compileBundledModel("breast-cancer-square", in: dir).folder
        #expect(try hefctl(["keygen", "--model", "m.hef", "--out", "keys"], in: dir).status == 0)
        let rows = try String(contentsOf: models.appendingPathComponent("test_X_standardized.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(3)
        try (rows.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        #expect(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"],
                in: dir
            ).status == 0)
        #expect(
            try hefctl(
                ["infer", "--model", "m.hef", "--eval-key", "keys/eval.key", "--in", "x.ct", "--out", "y.ct"], in: dir
            ).status == 0)
        let base = [
            "decrypt", "--model", "m.hef", "--secret-key", "keys/secret.key", "--in", "y.ct", "--output", "scores",
        ]
        let plain = try hefctl(base, in: dir)
        let flooded = try hefctl(base + ["--flood", "--flood-precision", "30"], in: dir)
        #expect(plain.status == 0 && flooded.status == 0, "\(flooded.stderr)")
        let deviation = try #require(reportedFloodDeviation(flooded.stderr), "stderr: \(flooded.stderr)")
        #expect(!plain.stderr.contains("flooding:"))
        let p = parseRows(plain.stdout)
        let f = parseRows(flooded.stdout)
        #expect(p.count == 3 && f.count == 3)
        for (x, y) in zip(p, f) {
            #expect(x.count == y.count)
            for (u, v) in zip(x, y) { #expect(abs(u - v) < 8 * deviation, "\(u) vs \(v)") }
        }
        #expect(p != f)
    }

    /// Files written before this version: a compiled model without a stored slot layout and a
    /// version 2 model ciphertext file (a whole ciphertext file per batch) still go through
    /// infer and decrypt, with the same labels as the current formats.
    @Test func olderModelAndCiphertextFilesStillWork() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = try compileBundledModel("breast-cancer-square", in: dir).folder
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("m.hef")))
                as? [String: Any])
        var plan = try #require(object["plan"] as? [String: Any])
        #expect(plan["layout"] != nil)
        plan["layout"] = nil
        object["plan"] = plan
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(
            to: dir.appendingPathComponent("old.hef"))
        #expect(try hefctl(["keygen", "--model", "old.hef", "--out", "keys"], in: dir).status == 0)
        let rows = try String(contentsOf: models.appendingPathComponent("test_X_standardized.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).prefix(3)
        try (rows.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        #expect(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "x.csv", "--out", "x.ct"],
                in: dir
            ).status == 0)
        let inspect = try hefctl(["inspect", "x.ct"], in: dir)
        #expect(inspect.status == 0 && inspect.stdout.contains("ciphertexts   3 ciphertexts"), "\(inspect.stdout)")

        // The same request as version 2: the batch table and one ciphertext file become one
        // ciphertext file per batch.
        let v3 = Array(try Data(contentsOf: dir.appendingPathComponent("x.ct")))
        func word(_ at: Int, _ count: Int) -> Int { (0..<count).reduce(0) { $0 | Int(v3[at + $1]) << (8 * $1) } }
        #expect(word(4, 2) == 3)
        let batches = word(15, 4)
        var at = 19
        var table: [(samples: Int, flags: UInt8, count: Int)] = []
        for _ in 0..<batches {
            table.append((word(at, 4), v3[at + 4], word(at + 5, 4)))
            at += 9
        }
        let length = word(at, 8)
        let inner = Array(v3[(at + 8)..<(at + 8 + length)])
        let context = CKKSContext(parameters: try HefFile.parameters(of: inner))
        let stored = try HefFile.deserializeCiphertexts(inner, context: context)
        var v2 = Array(v3[0..<4]) + [2, 0] + Array(v3[6..<19])
        func put(_ v: Int, _ count: Int) { for i in 0..<count { v2.append(UInt8(truncatingIfNeeded: v >> (8 * i))) } }
        var next = 0
        for entry in table {
            let file = try HefFile.serialize(Array(stored[next..<(next + entry.count)]), context: context)
            next += entry.count
            put(entry.samples, 4)
            v2.append(entry.flags)
            put(file.count, 8)
            v2 += file
        }
        try Data(v2).write(to: dir.appendingPathComponent("x2.ct"))
        #expect(v2.count > v3.count)

        for (model, input) in [("m.hef", "x.ct"), ("old.hef", "x2.ct")] {
            let infer = try hefctl(
                ["infer", "--model", model, "--eval-key", "keys/eval.key", "--in", input, "--out", "y-\(input)"],
                in: dir)
            #expect(infer.status == 0, "\(model) \(input): \(infer.stderr)")
        }
        let labels = try ["x.ct", "x2.ct"].map { input in
            try hefctl(
                [
                    "decrypt", "--model", "old.hef", "--secret-key", "keys/secret.key", "--in", "y-\(input)",
                    "--output", "labels",
                ], in: dir)
        }
        #expect(labels.allSatisfy { $0.status == 0 })
        #expect(labels[0].stdout == labels[1].stdout && labels[0].stdout.split(whereSeparator: \.isNewline).count == 3)
    }

    @Test func badModelInputIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let models = try compileBundledModel("breast-cancer-square", in: dir).folder
        #expect(try hefctl(["keygen", "--model", "m.hef", "--out", "keys"], in: dir).status == 0)
        try "1,2,3\n".write(to: dir.appendingPathComponent("short.csv"), atomically: true, encoding: .utf8)
        expectFailure(
            try hefctl(
                [
                    "encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "short.csv", "--out",
                    "x.ct",
                ], in: dir), mentioning: "30 features")
        let wide = (0..<30).map { $0 == 4 ? "abc" : "1" }.joined(separator: ",")
        try (wide + "\n").write(to: dir.appendingPathComponent("nan.csv"), atomically: true, encoding: .utf8)
        expectFailure(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "nan.csv", "--out", "x.ct"],
                in: dir), mentioning: "not a finite number")
        // Ciphertexts for another model (same parameters, other weights).
        let other = models.deletingLastPathComponent().appendingPathComponent("digits-square/model.json")
        #expect(try hefctl(["model", "compile", other.path, "--out", "other.hef"], in: dir).status == 0)
        let ok = (0..<30).map { _ in "0.5" }.joined(separator: ",")
        try (ok + "\n").write(to: dir.appendingPathComponent("ok.csv"), atomically: true, encoding: .utf8)
        #expect(
            try hefctl(
                ["encrypt", "--model", "m.hef", "--public-key", "keys/public.key", "--in", "ok.csv", "--out", "x.ct"],
                in: dir
            ).status == 0)
        expectFailure(
            try hefctl(
                ["infer", "--model", "other.hef", "--eval-key", "keys/eval.key", "--in", "x.ct", "--out", "y.ct"],
                in: dir), mentioning: "error")
        // A missing model file is refused (unsupported operators: ONNXImporterTests).
        let bad = try hefctl(
            [
                "model", "compile",
                Self.repository.appendingPathComponent("Tests/HefMLTests/Fixtures").path + "/does-not-exist.onnx",
                "--out", "z.hef",
            ], in: dir)
        #expect(bad.status == 1)
    }
}
