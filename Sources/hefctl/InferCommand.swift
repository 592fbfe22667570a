import ArgumentParser
import Foundation
import HefCKKS
import HefML

struct Infer: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a compiled model on encrypted inputs with the evaluation keys only (the server's step).",
        discussion: """
            Never reads a secret key.
            Example:
              hefctl infer --model digits.hef --eval-key keys/eval.key --in x.ct --out y.ct
            """)

    @Option(help: "The compiled model (MODEL.hef).")
    var model: String

    @Option(name: .customLong("eval-key"), help: "The evaluation keys (DIR/eval.key).")
    var evalKey: String

    @Option(name: .customLong("in"), help: "Encrypted inputs (from hefctl encrypt --model).")
    var input: String

    @Option(help: "Encrypted results.")
    var out: String

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    func run() throws {
        try reportingErrors {
            let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
            let keyBytes = try readFile(evalKey)
            try ModelFlow.checkKeyFile(keyBytes, path: evalKey, model: compiled)
            let keys = try withFile(evalKey) { try EvaluationKeys(deserializing: keyBytes, context: context) }
            let inputBytes = try readFile(input)
            let inputs = try withFile(input) { try ModelCiphertexts(deserializing: inputBytes, context: context) }
            let mlp = try EncryptedMLP(model: compiled, context: context, evaluationKeys: keys)
            let progress = Progress()
            let start = Date()
            // The server's one call: it checks the model id, the stage and every batch's shape.
            let results = try withFile(input) {
                try mlp.evaluate(inputs) { done, total in progress.update("batch \(done)/\(total)") }
            }
            progress.finish()
            let elapsed = Date().timeIntervalSince(start)
            let bytes = try results.serialized(context: context)
            try HefFile.write(bytes, to: out)
            let samples = inputs.sampleCount
            print(
                String(
                    format: "evaluated %d sample%@ in %.3f s (%.2f ms per sample); wrote %@ (%d bytes)",
                    samples, samples == 1 ? "" : "s", elapsed, 1000 * elapsed / Double(max(samples, 1)), out,
                    bytes.count))
        }
    }
}
