import ArgumentParser
import Foundation
import HefCKKS
import HefML

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt a ciphertext file into CSV rows with the secret key.",
        discussion: """
            Writes one line per ciphertext with as many values as the encrypted row had.
            Example:
              hefctl decrypt --secret-key keys/secret.key --in data.ct --out result.csv --round-bits 20
              hefctl decrypt --model digits.hef --secret-key keys/secret.key --in y.ct --out y.csv --output labels
            With --model: one line per input sample, in order: the scores of the encrypted part, or the model's own probabilities or labels.
            """)

    @Option(help: "A compiled model (MODEL.hef): decrypt its results.")
    var model: String?

    @Option(help: "With --model: scores, probabilities or labels.")
    var output: OutputKind = .scores

    @Option(name: .customLong("secret-key"), help: "The secret key file.")
    var secretKey: String

    @Option(name: .customLong("in"), help: "Input ciphertext file.")
    var input: String

    @Option(help: "Output CSV file (standard output when omitted).")
    var out: String?

    @Option(name: .customLong("round-bits"), help: "Round each value to this many bits after the binary point.")
    var roundBits: Int?

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    func validate() throws {
        if let roundBits, !(0...52).contains(roundBits) {
            throw ValidationError("--round-bits must be between 0 and 52")
        }
    }

    func run() throws {
        try reportingErrors {
            var (context, keyBytes) = try context(forFile: secretKey, backend: backend)
            defer { secureZero(&keyBytes) }
            if let model {
                let compiled = try ModelFlow.loadCompiled(model)
                try ModelFlow.checkKeyFile(keyBytes, path: secretKey, model: compiled)
            }
            let key = try withFile(secretKey) { try SecretKey(deserializing: keyBytes, context: context) }
            secureZero(&keyBytes)
            if let model {
                try decryptForModel(model, key: key, context: context)
                return
            }
            let ctBytes = try readFile(input)
            let stored = try withFile(input) { try HefFile.deserializeCiphertexts(ctBytes, context: context) }
            let decryptor = try Decryptor(context: context, secretKey: key)
            let progress = Progress()
            var lines: [String] = []
            for (i, entry) in stored.enumerated() {
                if stored.count > 1 { progress.update("decrypting \(i + 1)/\(stored.count)") }
                let values = try withFile(input) { try decryptor.decryptValues(entry.ciphertext, roundingBits: roundBits) }
                lines.append(CSV.format(values.prefix(entry.valueCount)))
            }
            progress.finish()
            let text = lines.map { $0 + "\n" }.joined()
            if let out {
                try HefFile.write(Array(text.utf8), to: out)
            } else {
                print(text, terminator: "")
            }
        }
    }

    private func decryptForModel(_ path: String, key: SecretKey, context: CKKSContext) throws {
        let compiled = try ModelFlow.loadCompiled(path)
        let bytes = try readFile(input)
        let results = try withFile(input) { try ModelCiphertexts(deserializing: bytes, context: context) }
        let client = InferenceClient(model: compiled, context: context)
        let scores = try withFile(input) { try client.decryptScores(results, secretKey: key, roundingBits: roundBits) }
        let tail = compiled.source.output
        let lines: [String] = scores.map { row in
            switch output {
            case .scores: return CSV.format(row[...])
            case .probabilities: return CSV.format(tail.probabilities(row)[...])
            case .labels: return tail.label(row)
            }
        }
        let text = lines.map { $0 + "\n" }.joined()
        if let out { try HefFile.write(Array(text.utf8), to: out) } else { print(text, terminator: "") }
    }
}
