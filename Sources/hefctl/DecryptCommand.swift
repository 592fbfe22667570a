import ArgumentParser
import Foundation
import HefCKKS
import HefML
import HefRing

struct Decrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Decrypt a ciphertext file into CSV rows with the secret key.",
        discussion: """
            Writes one line per ciphertext with as many values as the encrypted row had.
            Example:
              hefctl decrypt --secret-key keys/secret.key --in data.ct --out result.csv --round-bits 20
              hefctl decrypt --model digits.hef --secret-key keys/secret.key --in y.ct --out y.csv --output labels
            With --model: one line per input sample, in order: the scores of the encrypted part, or the model's own probabilities or labels. Each row is checked against the compiled model's guarantees: a row that was isolated as out of range, or whose scores leave the interval the plan guarantees, is written as the line "invalid" and named on stderr, and the exit code is 3. Rows whose top scores are closer than the model's error bound (model show prints it) keep their label and are counted on stderr as undecided.
            With --flood, every decryption adds fresh noise-flooding noise before decoding (IND-CPA^D security, see docs/flooding.md):
            σ = √(12·Q)·2^(λ/2)·Δ·2^-p with Q = --flood-queries, λ = --flood-bits, p = --flood-precision (the precision the
            results are known to have, in bits). The expected noise per value is printed on standard error.
              hefctl decrypt --secret-key keys/secret.key --in data.ct --flood --flood-precision 25 --flood-queries 10
            A secret key sealed by keygen --protect is opened with the passphrase from --passphrase-file, HEF_PASSPHRASE or a prompt; a wrong passphrase is an error (exit 1).
            """)

    @Option(help: "A compiled model (MODEL.hef): decrypt its results.")
    var model: String?

    @Option(help: "With --model: scores, probabilities or labels.")
    var output: OutputKind = .scores

    @Option(name: .customLong("secret-key"), help: "The secret key file (plain, or sealed by keygen --protect).")
    var secretKey: String

    @OptionGroup var passphrase: PassphraseOptions

    @Option(name: .customLong("in"), help: "Input ciphertext file.")
    var input: String

    @Option(help: "Output CSV file (standard output when omitted).")
    var out: String?

    @Option(name: .customLong("round-bits"), help: "Round each value to this many bits after the binary point.")
    var roundBits: Int?

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    @OptionGroup var flooding: FloodOptions

    func validate() throws {
        if let roundBits, !(0...52).contains(roundBits) {
            throw ValidationError("--round-bits must be between 0 and 52")
        }
    }

    func run() throws {
        try reportingErrors {
            if let model {
                // The model's context (parameters derived once); the key must be for them.
                let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
                var keyBytes = try passphrase.readSecretKey(secretKey)
                defer { secureZero(&keyBytes) }
                try ModelFlow.checkKeyFile(keyBytes, path: secretKey, model: compiled)
                let key = try withFile(secretKey) { try SecretKey(deserializing: keyBytes, context: context) }
                secureZero(&keyBytes)
                try decryptForModel(compiled, key: key, context: context)
                return
            }
            var keyBytes = try passphrase.readSecretKey(secretKey)
            defer { secureZero(&keyBytes) }
            let parameters = try withFile(secretKey) { try HefFile.parameters(of: keyBytes) }
            let context = CKKSContext(parameters: parameters, backend: backend.backend)
            let key = try withFile(secretKey) { try SecretKey(deserializing: keyBytes, context: context) }
            secureZero(&keyBytes)
            let ctBytes = try readFile(input)
            let stored = try withFile(input) { try HefFile.deserializeCiphertexts(ctBytes, context: context) }
            let decryptor = try Decryptor(context: context, secretKey: key)
            let policy = try flooding.policy()
            if let policy, let first = stored.first {
                flooding.report(policy, context: context, scale: first.ciphertext.scale)
            }
            let progress = Progress()
            var lines: [String] = []
            for (i, entry) in stored.enumerated() {
                if stored.count > 1 { progress.update("decrypting \(i + 1)/\(stored.count)") }
                let values = try withFile(input) {
                    if let policy {
                        return try decryptor.decryptValues(
                            entry.ciphertext, flooding: policy, roundingBits: roundBits)
                    }
                    return try decryptor.decryptValues(entry.ciphertext, roundingBits: roundBits)
                }
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

    private func decryptForModel(_ compiled: CompiledModel, key: SecretKey, context: CKKSContext) throws {
        let bytes = try readFile(input)
        let results = try withFile(input) { try ModelCiphertexts(deserializing: bytes, context: context) }
        let client = InferenceClient(model: compiled, context: context)
        let policy = try flooding.policy()
        if let policy, let first = results.batches.first?.ciphertexts.first {
            flooding.report(policy, context: context, scale: first.scale)
        }
        let decrypted = try withFile(input) {
            try client.decrypt(results, secretKey: key, roundingBits: roundBits, flooding: policy)
        }
        // The model's own output tail, applied by the client (nil for invalid rows).
        let labels = client.labels(of: decrypted)
        let probabilities = client.probabilities(of: decrypted)
        var lines: [String] = []
        for (i, result) in decrypted.rows.enumerated() {
            if case .invalid = result.status {
                lines.append("invalid")
                continue
            }
            switch output {
            case .scores: lines.append(CSV.format(result.scores[...]))
            case .probabilities: lines.append(CSV.format((probabilities[i] ?? [])[...]))
            case .labels: lines.append(labels[i] ?? "invalid")
            }
        }
        try writeModelOutputs(lines, results: decrypted, to: out)
    }
}

/// Writes one output line per row (to `out`, or standard output), names invalid rows and
/// counts undecided ones on stderr, and exits 3 when a row is invalid: decrypt --model and
/// remote infer alike.
func writeModelOutputs(_ lines: [String], results: InferenceResults, to out: String?) throws {
    var invalid = 0
    for (i, result) in results.rows.enumerated() {
        if case .invalid(let why) = result.status {
            invalid += 1
            printError("hefctl: row \(i + 1) is invalid: \(why)")
        }
    }
    let undecided = results.undecidedRows.count
    let text = lines.map { $0 + "\n" }.joined()
    if let out { try HefFile.write(Array(text.utf8), to: out) } else { print(text, terminator: "") }
    if undecided > 0 {
        let rows = results.undecidedRows.prefix(20).map { String($0 + 1) }.joined(separator: ",")
        printError(
            "hefctl: note: \(undecided) row\(undecided == 1 ? "" : "s") (\(rows)\(undecided > 20 ? ",…" : "")) have top scores closer than the model's error bound: their labels may differ from the plaintext model's"
        )
    }
    if invalid > 0 {
        printError("hefctl: \(invalid) of \(results.rows.count) rows are invalid (written as \"invalid\")")
        throw ExitCode(3)
    }
}

/// `--flood` and its parameters, shared by decrypt and remote infer.
struct FloodOptions: ParsableArguments {
    @Flag(help: "Noise-flood each decryption (IND-CPA^D): adds fresh Gaussian noise before decoding.")
    var flood = false

    @Option(name: .customLong("flood-queries"), help: "With --flood: decryptions an adversary may see (Q).")
    var floodQueries: Int = 1

    @Option(name: .customLong("flood-bits"), help: "With --flood: security bits λ (divergence 2^-λ/24).")
    var floodBits: Double = 30

    @Option(
        name: .customLong("flood-precision"),
        help: "With --flood: bits of precision the results are known to have (every value within 2^-p).")
    var floodPrecision: Double = 20

    func validate() throws {
        if floodQueries < 1 { throw ValidationError("--flood-queries must be at least 1") }
        if !(1...128).contains(floodBits) { throw ValidationError("--flood-bits must be between 1 and 128") }
        if !floodPrecision.isFinite || !(-64...64).contains(floodPrecision) {
            throw ValidationError("--flood-precision must be between -64 and 64")
        }
    }

    /// The flooding policy, or nil without --flood.
    func policy() throws -> FloodingPolicy? {
        guard flood else { return nil }
        return try FloodingPolicy(
            noiseBound: .precisionBits(floodPrecision), queries: floodQueries, securityBits: floodBits)
    }

    /// One line on standard error: what the flooding costs for a ciphertext at `scale`.
    func report(_ policy: FloodingPolicy, context: CKKSContext, scale: Double) {
        let n = context.parameters.n
        let sigma = policy.sigma(n: n, scale: scale)
        let deviation = policy.slotDeviation(n: n, scale: scale)
        let line = String(
            format:
                "flooding: σ = 2^%.1f per coefficient (Q = %d, λ = %.0f, p = %.1f); each value carries noise of standard deviation ≈ 2^%.1f\n",
            log2(sigma), policy.queries, policy.securityBits, floodPrecision, log2(deviation))
        FileHandle.standardError.write(Data(line.utf8))
    }
}
