import ArgumentParser
import Foundation
import HefCKKS
import HefML
import HefRing

struct Refresh: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Refresh a model's masked intermediate ciphertexts with the secret key (the key holder's step of a client-aided refresh).",
        discussion: """
            A model compiled with --refresh client (or auto, when it pays) stops at its refresh points: hefctl infer writes a refresh request there. The key holder decrypts each masked ciphertext to its integers and encrypts them again at the top level; the server's mask hides the values (docs/refresh.md). Run hefctl infer on the output to go on; hefctl inspect prints the stage of a file (refresh-request or outputs).
            Example:
              hefctl infer   --model m.hef --eval-key keys/eval.key --in x.ct --out r1.ct       (stage: refresh-request)
              hefctl refresh --model m.hef --secret-key keys/secret.key --in r1.ct --out r1r.ct
              hefctl infer   --model m.hef --eval-key keys/eval.key --in r1r.ct --out y.ct      (stage: outputs)
            """)

    @Option(help: "The compiled model (MODEL.hef).")
    var model: String

    @Option(name: .customLong("secret-key"), help: "The secret key file (plain, or sealed by keygen --protect).")
    var secretKey: String

    @OptionGroup var passphrase: PassphraseOptions

    @Option(name: .customLong("in"), help: "The refresh request (from hefctl infer).")
    var input: String

    @Option(help: "The refreshed ciphertexts, for hefctl infer.")
    var out: String

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    func run() throws {
        try reportingErrors {
            let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
            var keyBytes = try passphrase.readSecretKey(secretKey)
            defer { secureZero(&keyBytes) }
            try ModelFlow.checkKeyFile(keyBytes, path: secretKey, model: compiled)
            let key = try withFile(secretKey) { try SecretKey(deserializing: keyBytes, context: context) }
            let requestBytes = try readFile(input)
            let request = try withFile(input) { try ModelCiphertexts(deserializing: requestBytes, context: context) }
            let start = Date()
            let refreshed = try withFile(input) {
                try InferenceClient(model: compiled, context: context).refresh(request, secretKey: key)
            }
            let elapsed = Date().timeIntervalSince(start)
            let bytes = try refreshed.serialized(context: context)
            try HefFile.write(bytes, to: out)
            let count = request.batches.reduce(0) { $0 + $1.ciphertexts.count }
            print(
                String(
                    format:
                        "refreshed %d ciphertext%@ in %.3f s (%d bytes in, %d out); wrote %@: run hefctl infer on it",
                    count, count == 1 ? "" : "s", elapsed, requestBytes.count, bytes.count, out))
        }
    }
}
