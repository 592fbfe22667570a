import ArgumentParser
import Foundation
import HefDemoHarness
import HefML
import HefONNX

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run encrypted inference end to end on a bundled model and its test split.",
        discussion: """
            Compiles the model, generates keys, encrypts the test samples, evaluates them with the evaluation keys only, decrypts, and prints accuracy (plaintext vs encrypted), label agreement, the worst score error, per-stage times and the bytes sent each way.
            Examples:
              hefctl demo
              hefctl demo --model breast-cancer-square --packing throughput
              hefctl demo --model digits-tanh --limit 50
              hefctl demo --model digits-tanh --packing latency --refresh client --limit 20
            """)

    @Option(help: "A bundled model (a folder of Models/).")
    var model: String = "digits-square"

    @Option(help: "latency, throughput, or both.")
    var packing: String = "both"

    @Option(help: "Use only the first N test samples in latency packing (throughput always takes all).")
    var limit: Int?

    @Option(
        name: .customLong("models-dir"),
        help: "Where the bundled models are (default: ./Models, or next to the executable's package).")
    var modelsDir: String?

    @Option(help: "Refreshes: none, client, auto or bootstrap (see hefctl model compile --help).")
    var refresh: RefreshMode = .none

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    @Option(
        help:
            "Server threads: samples at once in latency packing, a batch's neurons in throughput packing. Default: 1, so that latency figures are one sample's (HEF_THREADS is not read here)."
    )
    var threads: Int = 1

    func run() throws {
        try reportingErrors {
            guard threads >= 1 else { throw UserError("--threads must be at least 1") }
            let dir = try locateModel()
            let modelPath = (dir as NSString).appendingPathComponent("model.json")
            let source = try withFile(modelPath) { try ModelFile.load(contentsOf: URL(fileURLWithPath: modelPath)) }
            let rows = try ModelFlow.readRows(
                (dir as NSString).appendingPathComponent("test_X.csv"), width: source.inputSize)
            let labelsPath = (dir as NSString).appendingPathComponent("test_y.csv")
            let labels = (try? String(contentsOfFile: labelsPath, encoding: .utf8))?
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            let calibrationPath = (dir as NSString).appendingPathComponent("calibration_X.csv")
            let calibration =
                FileManager.default.fileExists(atPath: calibrationPath)
                ? try ModelFlow.readRows(calibrationPath, width: source.inputSize) : rows
            let packings: [Packing] =
                packing == "both"
                ? Packing.allCases
                : try [Packing(rawValue: packing)].map {
                    guard let p = $0 else { throw UserError("--packing must be latency, throughput or both") }
                    return p
                }
            print(
                "model \(source.name): \(source.inputSize) features, layers "
                    + ([source.inputSize] + source.layers.map(\.outputSize)).map(String.init).joined(separator: "-")
                    + ", \(rows.count) test samples")
            let progress = Progress()
            for p in packings {
                let compiled = try ModelCompiler(options: .init(packing: p, refresh: refresh)).compile(
                    source, calibration: calibration)
                let layout = try compiled.layout
                // One sample per batch (latency): --limit applies; batched layouts take every row.
                let sample = layout.samplesPerBatch == 1 ? Array(rows.prefix(limit ?? rows.count)) : rows
                let session = try InferenceSession(model: compiled, backend: backend.backend)
                let report = try session.run(sample, threads: threads) { progress.update("\(p.rawValue): \($0)") }
                progress.finish()
                let stats = AgreementStats(
                    model: source, rows: sample, encryptedScores: report.scores,
                    trueLabels: labels.map { Array($0.prefix(sample.count)) })
                print("")
                print(
                    "== \(p.rawValue) packing: \(literalDescription(compiled.plan.parameters)), depth \(compiled.plan.depth)"
                )
                if let plain = stats.plainAccuracy, let enc = stats.encryptedAccuracy {
                    print(
                        String(
                            format: "accuracy        plaintext %.2f%%, encrypted %.2f%% (%d samples)", 100 * plain,
                            100 * enc, stats.samples))
                }
                print(
                    String(
                        format: "agreement       %.2f%% of labels equal to the plaintext model's",
                        100 * stats.labelAgreement))
                print(String(format: "worst score err %.3g", stats.worstScoreError))
                let n = Double(max(report.samples, 1))
                if report.roundTrips > 0 {
                    print(
                        String(
                            format:
                                "refresh         %d round trips per request; key holder %.2f ms per sample; %.1f KB per sample to the key holder, %.1f KB back",
                            report.roundTrips, 1000 * report.refreshSeconds / n,
                            Double(report.refreshBytesDown) / n / 1000, Double(report.refreshBytesUp) / n / 1000))
                }
                print(
                    String(
                        format:
                            "time            keygen %.2f s; per sample: encrypt %.2f ms, infer %.2f ms, decrypt %.2f ms%@",
                        report.keygenSeconds, 1000 * report.encryptSeconds / n, 1000 * report.inferSeconds / n,
                        1000 * report.decryptSeconds / n, threads > 1 ? " (server: \(threads) threads)" : ""))
                if layout.samplesPerBatch > 1 {
                    // A batch costs the same however many of its slots are used: time a full one.
                    let capacity = layout.samplesPerBatch
                    let full = (0..<capacity).map { rows[$0 % rows.count] }
                    let fullReport = try session.run(full, threads: threads) {
                        progress.update("throughput: full batch, \($0)")
                    }
                    progress.finish()
                    print(
                        String(
                            format:
                                "throughput      %.0f samples/s (server, %d thread%@; a full batch of %d samples in %.3f s)",
                            Double(capacity) / max(fullReport.inferSeconds, 1e-9), threads, threads == 1 ? "" : "s",
                            capacity, fullReport.inferSeconds))
                    print(
                        String(
                            format: "bytes (full)    up %.1f KB, down %.2f KB per sample",
                            Double(fullReport.bytesUp) / Double(capacity) / 1000,
                            Double(fullReport.bytesDown) / Double(capacity) / 1000))
                } else {
                    let rate = n / max(report.inferSeconds, 1e-9)
                    print(
                        String(
                            format: rate < 10
                                ? "throughput      %.3g samples/s (server)" : "throughput      %.0f samples/s (server)",
                            rate))
                }
                print(
                    String(
                        format:
                            "bytes           up %d (%.1f KB per sample), down %d (%.1f KB per sample), evaluation keys %.1f MB once",
                        report.bytesUp, Double(report.bytesUp) / n / 1000, report.bytesDown,
                        Double(report.bytesDown) / n / 1000,
                        Double(report.evaluationKeyBytes) / 1e6))
            }
        }
    }

    private func locateModel() throws -> String {
        var candidates: [String] = []
        if let modelsDir { candidates.append(modelsDir) }
        candidates.append("Models")
        // Next to the package: <package>/.build/<config>/hefctl → <package>/Models.
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(dir.appendingPathComponent("Models").path)
            dir = dir.deletingLastPathComponent()
        }
        for base in candidates {
            let path = (base as NSString).appendingPathComponent(model)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue { return path }
        }
        throw UserError("no bundled model \"\(model)\" (looked in \(candidates.first ?? "Models")); pass --models-dir")
    }
}
