import ArgumentParser
import Foundation
import HefCKKS
import HefML

struct Encrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Encrypt each row of a CSV file of real numbers under a public key.",
        discussion: """
            Each non-blank line is one vector of at most N/2 comma-separated reals; it becomes one ciphertext over all N/2 slots (unused slots are zero). The output file holds every row's ciphertext, in order.
            Example:
              hefctl encrypt --public-key keys/public.key --in data.csv --out data.ct
              hefctl encrypt --model digits.hef --public-key keys/public.key --in X.csv --out X.ct
            With --model, each row is one sample's raw features (the model's input width), packed as the model's plan says. Every row is first checked against the range the compiled model guarantees (model show prints the input box); a row outside is refused with its row and feature (exit 1) unless --out-of-range says otherwise:
              refuse   (default) error naming the row and the feature
              clamp    clamp the row's features into the guaranteed box, reported per row on stderr
              isolate  encrypt the row in a batch of its own so it cannot affect others; decrypt reports it invalid
            """)

    @Option(help: "A compiled model (MODEL.hef): encrypt samples for it.")
    var model: String?

    @Option(name: .customLong("public-key"), help: "The public key file (it names its parameters).")
    var publicKey: String

    @Option(name: .customLong("in"), help: "Input CSV file.")
    var input: String

    @Option(help: "Output ciphertext file.")
    var out: String

    @Option(
        name: .customLong("out-of-range"),
        help: "With --model: refuse, clamp or isolate rows outside the model's guaranteed range.")
    var outOfRange: OutOfRangeChoice = .refuse

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    func run() throws {
        try reportingErrors {
            if let model {
                try encryptForModel(model)
                return
            }
            let (context, keyBytes) = try context(forFile: publicKey, backend: backend)
            let key = try withFile(publicKey) { try PublicKey(deserializing: keyBytes, context: context) }
            let data = try readFile(input)
            guard let text = String(validating: data, as: UTF8.self) else {
                throw UserError("\(input) is not UTF-8 text")
            }
            let slots = context.parameters.maxSlots
            let rows = try CSV.parse(text, name: input, maxValues: slots)
            guard !rows.isEmpty else { throw UserError("\(input) holds no rows") }
            let encryptor = Encryptor(context: context)
            let progress = Progress()
            var stored: [StoredCiphertext] = []
            stored.reserveCapacity(rows.count)
            for (i, row) in rows.enumerated() {
                if rows.count > 1 { progress.update("encrypting row \(i + 1)/\(rows.count)") }
                let plaintext: Plaintext
                do {
                    plaintext = try context.encode(row.values, slots: slots)
                } catch {
                    throw UserError("\(input):\(row.line): \(error)")
                }
                stored.append(
                    StoredCiphertext(try encryptor.encrypt(plaintext, publicKey: key), valueCount: row.values.count))
            }
            progress.finish()
            let bytes = try HefFile.serialize(stored, context: context)
            try HefFile.write(bytes, to: out)
            print("encrypted \(rows.count) row\(rows.count == 1 ? "" : "s") into \(out) (\(bytes.count) bytes)")
        }
    }

    private func encryptForModel(_ path: String) throws {
        let (compiled, context) = try ModelFlow.loadCompiled(path, backend: backend)
        let keyBytes = try readFile(publicKey)
        try ModelFlow.checkKeyFile(keyBytes, path: publicKey, model: compiled)
        let key = try withFile(publicKey) { try PublicKey(deserializing: keyBytes, context: context) }
        let rows = try ModelFlow.readRows(input, width: compiled.inputSize)
        let progress = Progress()
        let client = InferenceClient(model: compiled, context: context)
        let prepared = try withFile(input) { try client.prepare(rows, outOfRange: outOfRange.policy) }
        for report in prepared.reports { printError("hefctl: \(input): \(report)") }
        let encrypted = try client.encrypt(prepared, publicKey: key) { done, total in
            progress.update("encrypting batch \(done)/\(total)")
        }
        progress.finish()
        let bytes = try encrypted.serialized(context: context)
        try HefFile.write(bytes, to: out)
        print(
            "encrypted \(rows.count) sample\(rows.count == 1 ? "" : "s") for \(compiled.source.name) (\(compiled.packing.rawValue) packing) into \(out) (\(bytes.count) bytes)"
        )
    }
}

enum OutOfRangeChoice: String, ExpressibleByArgument, CaseIterable {
    case refuse, clamp, isolate
    var policy: OutOfRangePolicy { OutOfRangePolicy(rawValue: rawValue)! }
}
