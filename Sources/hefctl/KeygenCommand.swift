import ArgumentParser
import Foundation
import HefCKKS
import HefClient
import HefML
import HefRing

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a secret key, a public key and evaluation keys into a directory.",
        discussion: """
            Writes DIR/secret.key (mode 0600: keep it private), DIR/public.key and DIR/eval.key (relinearization key plus one Galois key per rotation step; steps rotate full N/2-slot vectors, negative steps rotate right).
            For a model compiled with --refresh bootstrap, eval.key also holds the bootstrapper's keys and DIR/encaps.key the encapsulation keys (about 1 GB in all at N = 65536).
            Example:
              hefctl keygen --params n4096 --out keys --rotations=1,2,-4
              hefctl keygen --model digits.hef --out keys     (the model's parameters and rotations)
              hefctl keygen --model digits.hef --out keys --protect --passphrase-file pass.txt
            With --protect the secret key is sealed under a passphrase (from --passphrase-file, HEF_PASSPHRASE or a prompt); decrypt and remote infer ask for it.
            """)

    @Option(help: ArgumentHelp("Parameters.", discussion: ParametersSource.help))
    var params = ParametersSource(argument: ParametersPreset.defaultPreset.rawValue)!

    @Option(help: "A compiled model (MODEL.hef): use its parameters and exactly the rotations it needs.")
    var model: String?

    @Option(help: "Output directory (created if missing).")
    var out: String

    @Option(help: "Comma-separated rotation steps for Galois keys, e.g. --rotations=1,2,-4.")
    var rotations: String?

    @Flag(help: "Also generate the conjugation key.")
    var conjugation = false

    @Option(help: "Ring backend.")
    var backend: BackendChoice = .native

    @Flag(help: "Overwrite existing key files.")
    var force = false

    @Flag(help: "Seal the secret key under a passphrase (scrypt + AES-256-GCM; see docs/service.md).")
    var protect = false

    @OptionGroup var passphrase: PassphraseOptions

    func run() throws {
        try reportingErrors {
            var steps = try parseSteps(rotations)
            var parameters = try params.load()
            var compiledModel: CompiledModel?
            if let model {
                let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
                parameters = context.parameters
                steps = Array(Set(steps + compiled.plan.rotationSteps)).sorted()
                compiledModel = compiled
            }
            let bootstraps = compiledModel?.plan.refresh?.bootstrap != nil
            let fm = FileManager.default
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: out, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw UserError("\(out) exists and is not a directory") }
            } else {
                do { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                    throw UserError("cannot create directory \(out)")
                }
            }
            let paths = (["secret.key", "public.key", "eval.key"] + (bootstraps ? ["encaps.key"] : [])).map {
                (out as NSString).appendingPathComponent($0)
            }
            if !force {
                for path in paths where fm.fileExists(atPath: path) {
                    throw UserError("\(path) exists; pass --force to overwrite it")
                }
            }
            let context = CKKSContext(parameters: parameters, backend: backend.backend)
            let phrase: String? = protect ? try passphrase.passphrase(confirm: true) : nil
            let progress = Progress()
            // Keys for the model alone reach only the levels its segments use; keys for extra
            // rotations or conjugation are whole.
            let extra = !(try parseSteps(rotations)).isEmpty || conjugation
            let generated = try GeneratedKeys.generate(
                context: context, rotationSteps: steps, conjugation: conjugation,
                galoisMaxLevel: extra ? nil : compiledModel?.maxOperationLevel, progress: progress.update)
            let secretKey = generated.secretKey
            var keys = generated.evaluationKeys
            var encapsulation: EncapsulationKeys?
            if let compiledModel, bootstraps {
                var stream = RandomStream.secure()
                defer { stream.wipe() }
                let completed = try KeyGenerator(context: context).completing(
                    keys, for: secretKey, model: compiledModel,
                    progress: { done, total in progress.update("bootstrapping key \(done)/\(total)") }, stream: &stream)
                keys = completed.evaluation
                encapsulation = completed.encapsulation
            }
            let elements = keys.galois
            progress.update("writing keys")
            try SecureFile.writeSecretKey(secretKey, context: context, to: paths[0], passphrase: phrase)
            try HefFile.write(try generated.publicKey.serialized(context: context), to: paths[1])
            try HefFile.write(try keys.serialized(context: context), to: paths[2])
            if let encapsulation { try HefFile.write(try encapsulation.serialized(context: context), to: paths[3]) }
            progress.finish()
            print(
                "key id \(hex16(secretKey.keyID)), parameters \(hex16(parameters.id)): \(literalDescription(parameters.literal))"
            )
            print(
                "wrote \(paths[0]) (\(protect ? "sealed with the passphrase; " : "")keep private), \(paths[1]), \(paths[2]) (\(elements.count) Galois key\(elements.count == 1 ? "" : "s"))\(bootstraps ? ", \(paths[3]) (encapsulation keys for the model's bootstraps)" : "")"
            )
        }
    }
}

func parseSteps(_ text: String?) throws -> [Int] {
    guard let text, !text.trimmingCharacters(in: .whitespaces).isEmpty else { return [] }
    return try text.split(separator: ",").map { field in
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard let step = Int(trimmed) else { throw UserError("rotation step '\(trimmed)' is not an integer") }
        return step
    }
}
