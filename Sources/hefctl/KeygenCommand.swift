import ArgumentParser
import Foundation
import HefCKKS
import HefML
import HefRing

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate a secret key, a public key and evaluation keys into a directory.",
        discussion: """
            Writes DIR/secret.key (mode 0600: keep it private), DIR/public.key and DIR/eval.key (relinearization key plus one Galois key per rotation step; steps rotate full N/2-slot vectors, negative steps rotate right).
            Example:
              hefctl keygen --params n4096 --out keys --rotations=1,2,-4
              hefctl keygen --model digits.hef --out keys     (the model's parameters and rotations)
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

    func run() throws {
        try reportingErrors {
            var steps = try parseSteps(rotations)
            var parameters = try params.load()
            if let model {
                let (compiled, context) = try ModelFlow.loadCompiled(model, backend: backend)
                parameters = context.parameters
                steps = Array(Set(steps + compiled.plan.rotationSteps)).sorted()
            }
            let fm = FileManager.default
            var isDirectory: ObjCBool = false
            if fm.fileExists(atPath: out, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw UserError("\(out) exists and is not a directory") }
            } else {
                do { try fm.createDirectory(atPath: out, withIntermediateDirectories: true) } catch {
                    throw UserError("cannot create directory \(out)")
                }
            }
            let paths = ["secret.key", "public.key", "eval.key"].map { (out as NSString).appendingPathComponent($0) }
            if !force {
                for path in paths where fm.fileExists(atPath: path) {
                    throw UserError("\(path) exists; pass --force to overwrite it")
                }
            }
            let context = CKKSContext(parameters: parameters, backend: backend.backend)
            let generator = KeyGenerator(context: context)
            let progress = Progress()
            var stream = RandomStream.secure()
            defer { stream.wipe() }
            progress.update("secret key")
            let secretKey = generator.secretKey(stream: &stream)
            progress.update("public key")
            let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
            progress.update("relinearization key")
            let relin = try generator.relinearizationKey(for: secretKey, stream: &stream)
            var elements: [Int] = []
            for step in steps {
                let g = context.encoder.galoisElement(forStep: step, slots: parameters.maxSlots)
                if g != 1 && !elements.contains(g) { elements.append(g) }
            }
            if conjugation && !elements.contains(context.encoder.conjugationElement) {
                elements.append(context.encoder.conjugationElement)
            }
            var galois: [Int: KeySwitchingKey] = [:]
            for (i, g) in elements.enumerated() {
                progress.update("Galois key \(i + 1)/\(elements.count)")
                galois[g] = try generator.galoisKey(for: secretKey, galoisElement: g, stream: &stream)
            }
            let keys = EvaluationKeys(
                relinearization: relin, galois: galois, parametersID: parameters.id, keyID: secretKey.keyID)
            progress.update("writing keys")
            try HefFile.writeSecretKey(secretKey, context: context, to: paths[0])
            try HefFile.write(try publicKey.serialized(context: context), to: paths[1])
            try HefFile.write(try keys.serialized(context: context), to: paths[2])
            progress.finish()
            print(
                "key id \(hex16(secretKey.keyID)), parameters \(hex16(parameters.id)): \(literalDescription(parameters.literal))"
            )
            print(
                "wrote \(paths[0]) (keep private), \(paths[1]), \(paths[2]) (\(elements.count) Galois key\(elements.count == 1 ? "" : "s"))"
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
