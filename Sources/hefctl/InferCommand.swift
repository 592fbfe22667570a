import ArgumentParser
import Foundation
import HefCKKS
import HefML
import HefRing

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a compiled model on encrypted inputs with the evaluation keys only (the server's step).",
        discussion: """
            Never reads a secret key.
            Example:
              hefctl infer --model digits.hef --eval-key keys/eval.key --in x.ct --out y.ct
            A model compiled with refreshes (model compile --refresh client|auto) stops at each refresh point and writes a refresh request to --out (hefctl inspect prints "stage: refresh-request"); the server's mask for it is kept in --state. After the key holder's hefctl refresh, run infer on the refreshed file: it goes on from where it stopped. Loop until the stage is outputs:
              hefctl infer   --model m.hef --eval-key keys/eval.key --in x.ct --out r.ct
              hefctl refresh --model m.hef --secret-key keys/secret.key --in r.ct --out r2.ct
              hefctl infer   --model m.hef --eval-key keys/eval.key --in r2.ct --out y.ct
            A model compiled with --refresh bootstrap runs to its outputs in one call: the server bootstraps at the cuts itself, with the encapsulation keys (keys/encaps.key, written by hefctl keygen --model).
            """)

    @Option(help: "The compiled model (MODEL.hef).")
    var model: String

    @Option(name: .customLong("eval-key"), help: "The evaluation keys (DIR/eval.key).")
    var evalKey: String

    @Option(
        name: .customLong("encaps-key"),
        help: "The encapsulation keys, for models that bootstrap. Default: encaps.key beside --eval-key.")
    var encapsKey: String?

    @Option(
        name: .customLong("public-key"),
        help:
            "The key holder's public key, for models with refreshes (re-randomizes the masked ciphertexts). Default: public.key beside --eval-key."
    )
    var publicKey: String?

    @Option(
        help:
            "Directory of the server's refresh masks (one secret file per round trip, mode 0600, removed when used). Default: .hef-refresh beside --out."
    )
    var state: String?

    @Option(
        name: .customLong("in"),
        help: "Encrypted inputs (from hefctl encrypt --model) or refreshed ciphertexts (from hefctl refresh).")
    var input: String

    @Option(help: "Encrypted results, or a refresh request for the key holder.")
    var out: String

    @Option(help: "Batches (samples, in latency packing) evaluated at once. Default: HEF_THREADS, else every core.")
    var threads: Int?

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    func run() throws {
        try reportingErrors {
            guard (threads ?? 1) >= 1 else { throw UserError("--threads must be at least 1") }
            let threadCount = threads ?? Parallelism.threads
            let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
            let keyBytes = try readFile(evalKey)
            try ModelFlow.checkKeyFile(keyBytes, path: evalKey, model: compiled)
            let keys = try withFile(evalKey) { try EvaluationKeys(deserializing: keyBytes, context: context) }
            let inputBytes = try readFile(input)
            let inputs = try withFile(input) { try ModelCiphertexts(deserializing: inputBytes, context: context) }
            var encapsulation: EncapsulationKeys?
            if compiled.plan.refresh?.bootstrap != nil {
                let path =
                    encapsKey
                    ?? ((evalKey as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                        "encaps.key")
                guard FileManager.default.fileExists(atPath: path) else {
                    throw UserError(
                        "\(path): this model bootstraps and needs the key holder's encapsulation keys (hefctl keygen --model writes encaps.key; or pass --encaps-key)"
                    )
                }
                let bytes = try readFile(path)
                encapsulation = try withFile(path) { try EncapsulationKeys(deserializing: bytes, context: context) }
            }
            let mlp = try EncryptedMLP(
                model: compiled, context: context, evaluationKeys: keys, encapsulationKeys: encapsulation)
            let stateDirectory =
                state
                ?? ((out as NSString).deletingLastPathComponent as NSString).appendingPathComponent(".hef-refresh")
            var roundTrip: RefreshState?
            var statePath: String?
            if inputs.stage == .refreshed {
                let name = RefreshState.name(of: inputs.requestID)
                let path = (stateDirectory as NSString).appendingPathComponent(name + ".json")
                guard FileManager.default.fileExists(atPath: path) else {
                    throw UserError(
                        "\(input): no server state for refresh round trip \(name) in \(stateDirectory) (each round trip is used once; pass --state if it was written elsewhere)"
                    )
                }
                roundTrip = try withFile(path) { try RefreshState(deserializing: Data(try readFile(path))) }
                statePath = path
            }
            var key: PublicKey?
            if compiled.plan.refresh != nil && compiled.plan.refresh?.bootstrap == nil {
                let path =
                    publicKey
                    ?? ((evalKey as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
                        "public.key")
                let bytes = try readFile(path)
                key = try withFile(path) { try PublicKey(deserializing: bytes, context: context) }
            }
            let progress = Progress()
            let start = Date()
            // The server's one call: it checks the model id, the stage and every batch's shape.
            let step = try withFile(input) {
                try mlp.run(inputs, publicKey: key, state: roundTrip, threads: threadCount) { done, total in
                    progress.update("batch \(done)/\(total)")
                }
            }
            progress.finish()
            // The mask of the round trip just answered is never used again.
            if let statePath { try? FileManager.default.removeItem(atPath: statePath) }
            let elapsed = Date().timeIntervalSince(start)
            let samples = inputs.sampleCount
            let timing = String(
                format: "%d sample%@ in %.3f s (%.2f ms per sample, %d thread%@)", samples, samples == 1 ? "" : "s",
                elapsed, 1000 * elapsed / Double(max(samples, 1)), threadCount, threadCount == 1 ? "" : "s")
            switch step {
            case .outputs(let results):
                let bytes = try results.serialized(context: context)
                try HefFile.write(bytes, to: out)
                print("evaluated \(timing); wrote \(out) (\(bytes.count) bytes)")
            case .refresh(let request, let next):
                try FileManager.default.createDirectory(
                    atPath: stateDirectory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
                let path = (stateDirectory as NSString).appendingPathComponent(next.requestName + ".json")
                try HefFile.write(Array(try next.serialized()), to: path, secret: true)
                let bytes = try request.serialized(context: context)
                try HefFile.write(bytes, to: out)
                let segments = (compiled.plan.refresh?.cuts.count ?? 0) + 1
                print(
                    "evaluated segment \(next.segment) of \(segments): \(timing); wrote refresh request \(out) (\(bytes.count) bytes): the key holder runs hefctl refresh on it, then hefctl infer on the result"
                )
            }
        }
    }
}
