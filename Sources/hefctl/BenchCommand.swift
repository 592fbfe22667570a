import ArgumentParser
import Foundation
import HefCKKS
import HefCircuits
import HefRing

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time the CKKS operations on one or both ring backends (median milliseconds).",
        discussion: """
            Operations: encode, encrypt (public key), decrypt (decrypt + decode), add, mul_plain, mul_relin, rescale, rotate, relin_keygen, ntt_forward (one NTT of one residue).
            With --bootstrap: one bootstrap of a level-0 ciphertext of --slots slots with a bootstrapping preset (default boot16), the median time of the bootstrap alone, its precision (−log2 of the largest error over the slots, real and imaginary parts), the levels left, the bootstrapping keys' seeded size and the peak memory.
            Examples:
              hefctl bench --params n8192 --backend both
              hefctl bench --params n4096 --json --iterations 10
              hefctl bench --bootstrap --slots 8 --params boot16 --iterations 3 --json
              hefctl bench --bootstrap --slots 1024 --threads 2
            """)

    enum Choice: String, ExpressibleByArgument, CaseIterable {
        case native, swift, both
    }

    static let operations = [
        "encode", "encrypt", "decrypt", "add", "mul_plain", "mul_relin", "rescale", "rotate", "relin_keygen",
        "ntt_forward",
    ]

    @Option(
        help: ArgumentHelp(
            "Parameters (default n16384; boot16 with --bootstrap).", discussion: ParametersSource.help))
    var params: ParametersSource?

    @Flag(help: "Time bootstrapping instead of the primitives (native backend).")
    var bootstrap = false

    @Option(help: "Slots of the bootstrapped ciphertext (with --bootstrap): a power of two in 2...N/2.")
    var slots = 8

    @Option(help: "Threads inside each operation. Default: HEF_OP_THREADS, else 1.")
    var threads: Int?

    @Option(help: "Ring backend(s) to time.")
    var backend: Choice = .both

    @Flag(help: "Print JSON: {\"params\": {...}, \"backends\": {\"native\": {\"encode\": ms, ...}, ...}}.")
    var json = false

    @Option(help: "Timed runs per operation (after one warm-up run).")
    var iterations = 5

    func validate() throws {
        guard (threads ?? 1) >= 1 && (threads ?? 1) <= 64 else { throw ValidationError("--threads must be in 1...64") }
        guard iterations >= 1 && iterations <= 10_000 else {
            throw ValidationError("--iterations must be in 1...10000")
        }
    }

    func run() throws {
        try reportingErrors {
            if let threads { Parallelism.setOperationThreads(threads) }
            if bootstrap {
                try runBootstrap(params ?? ParametersSource(argument: BootstrapPreset.boot16.rawValue)!)
                return
            }
            let parameters = try (params ?? ParametersSource(argument: ParametersPreset.defaultPreset.rawValue)!).load()
            let choices: [BackendChoice] =
                backend == .both ? [.native, .swift] : [BackendChoice(rawValue: backend.rawValue)!]
            var results: [String: [String: Double]] = [:]
            let progress = Progress()
            for choice in choices {
                results[choice.rawValue] = try measure(parameters, choice, progress: progress)
            }
            progress.finish()
            if json {
                let report = Report(
                    params: parameters.literal, backends: results, kernelPath: NativeBackend.kernelPath,
                    threads: Parallelism.operationThreads)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                printTable(parameters, choices, results)
            }
        }
    }

    struct Report: Encodable {
        var params: ParametersLiteral
        var backends: [String: [String: Double]]
        /// The native backend's C kernel path (HEF_SIMD) and the threads the figures used.
        var kernelPath: String
        var threads: Int
    }

    func measure(_ parameters: CKKSParameters, _ choice: BackendChoice, progress: Progress) throws -> [String: Double] {
        progress.update("\(choice.rawValue): setting up")
        let context = CKKSContext(parameters: parameters, backend: choice.backend)
        let generator = KeyGenerator(context: context)
        var stream = RandomStream(seed: [UInt8](repeating: 42, count: 32))
        let secretKey = generator.secretKey(stream: &stream)
        let publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        let keys = try generator.evaluationKeys(for: secretKey, rotations: [1], stream: &stream)
        let encryptor = Encryptor(context: context)
        let decryptor = try Decryptor(context: context, secretKey: secretKey)
        let evaluator = try Evaluator(context: context, keys: keys)
        let slots = parameters.maxSlots
        let values = (0..<slots).map { sin(Double($0)) }
        let plaintext = try context.encode(values)
        let ct = try encryptor.encrypt(plaintext, publicKey: publicKey)
        let product = try evaluator.multiplyRelinearize(ct, ct)
        var residue = Array(plaintext.poly.data[0..<parameters.n])
        let tables = context.basisQ.tables[0]

        var out: [String: Double] = [:]
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            progress.update("\(choice.rawValue): \(name)")
            out[name] = try Timing.medianMilliseconds(iterations: iterations, body)
        }
        try time("encode") { blackHole(try context.encode(values)) }
        try time("encrypt") { blackHole(try encryptor.encrypt(plaintext, publicKey: publicKey)) }
        try time("decrypt") { blackHole(try decryptor.decryptValues(ct)) }
        try time("add") { blackHole(try evaluator.add(ct, ct)) }
        try time("mul_plain") { blackHole(try evaluator.multiply(ct, plaintext)) }
        try time("mul_relin") { blackHole(try evaluator.multiplyRelinearize(ct, ct)) }
        try time("rescale") { blackHole(try evaluator.rescale(product)) }
        try time("rotate") { blackHole(try evaluator.rotate(ct, by: 1)) }
        try time("relin_keygen") { blackHole(try generator.relinearizationKey(for: secretKey, stream: &stream)) }
        time("ntt_forward") {
            residue.withUnsafeMutableBufferPointer { context.backend.forwardNTT($0.baseAddress!, tables: tables) }
        }
        blackHole(residue)
        return out
    }

    func printTable(_ parameters: CKKSParameters, _ choices: [BackendChoice], _ results: [String: [String: Double]]) {
        print("parameters: \(literalDescription(parameters.literal))")
        print("native kernels: \(NativeBackend.kernelPath) (HEF_SIMD=scalar|avx2|avx512|ifma), one thread")
        print("median of \(iterations) run\(iterations == 1 ? "" : "s") (after one warm-up), milliseconds")
        let both = choices.count == 2
        var header = "operation".padding(toLength: 14, withPad: " ", startingAt: 0)
        for c in choices { header += pad(c.rawValue, 12) }
        if both { header += pad("native/swift", 14) }
        print(header)
        for op in Self.operations {
            var line = op.padding(toLength: 14, withPad: " ", startingAt: 0)
            for c in choices { line += pad(format(results[c.rawValue]?[op]), 12) }
            if both, let n = results["native"]?[op], let s = results["swift"]?[op], s > 0 {
                line += pad(String(format: "%.2f", n / s), 14)
            }
            print(line)
        }
    }

    func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(1, width - s.count)) + s
    }

    func format(_ ms: Double?) -> String {
        guard let ms else { return "-" }
        return ms < 0.1 ? String(format: "%.4f", ms) : ms < 10 ? String(format: "%.3f", ms) : String(format: "%.1f", ms)
    }
}
