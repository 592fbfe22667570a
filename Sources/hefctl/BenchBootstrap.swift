import Foundation
import HefCKKS
import HefCircuits
import HefRing

extension Bench {
    /// What `hefctl bench --bootstrap --json` prints under "bootstrap".
    struct BootstrapFigures: Encodable {
        /// Median milliseconds of `Bootstrapper.bootstrap` alone.
        var ms: Double
        /// −log2 of the largest error over the slots (real and imaginary parts).
        var bits: Double
        /// The mean over the slots of −log2|error|.
        var meanBits: Double
        var levelsLeft: Int
        var slots: Int
        /// Bootstrapping keys as sent: the evaluation and encapsulation key files (seeded,
        /// residues packed to their primes' widths).
        var keyBytes: Int
        /// The same keys in memory without their a parts (8 bytes per residue; the figure
        /// reported as keyBytes before the files were counted).
        var keyWordBytes: Int
        var keyCount: Int
        /// Peak resident memory of the process (VmHWM), bytes.
        var peakMemoryBytes: Int
        var keygenMs: Double
        /// Encoding the DFT factors (once per bootstrapper).
        var setupMs: Double
        var runs: Int
        /// Median seconds of each step (modRaise, trace, coeffsToSlots, evalMod, slotsToCoeffs).
        var steps: [String: Double]
    }

    struct BootstrapReport: Encodable {
        var params: ParametersLiteral
        var bootstrap: BootstrapFigures
        var kernelPath: String
        var threads: Int
    }

    func runBootstrap(_ source: ParametersSource) throws {
        let parameters = try source.load()
        let configuration = source.bootstrapConfiguration
        let threads = Parallelism.operationThreads
        let progress = Progress()
        progress.update("bootstrap: keys")
        let context = CKKSContext(parameters: parameters)
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey()
        let publicKey = try generator.publicKey(for: secretKey)
        let start = Date()
        let keys = try generator.bootstrappingKeys(for: secretKey, slots: slots, configuration: configuration)
        let keygenMs = Date().timeIntervalSince(start) * 1000
        progress.update("bootstrap: encoding the DFT factors")
        let setupStart = Date()
        let bootstrapper = try Bootstrapper(context: context, keys: keys, slots: slots, configuration: configuration)
        let setupMs = Date().timeIntervalSince(setupStart) * 1000

        var rng = SystemRandomNumberGenerator()
        let re = (0..<slots).map { _ in Double.random(in: -1...1, using: &rng) }
        let im = (0..<slots).map { _ in Double.random(in: -1...1, using: &rng) }
        let ct = try Encryptor(context: context).encrypt(
            try context.encode(re, imaginary: im, level: 0, slots: slots), publicKey: publicKey)
        var output: Ciphertext?
        var run = 0
        var stepTimes: [String: [Double]] = [:]
        let ms = try Timing.medianMilliseconds(iterations: iterations) {
            run += 1
            progress.update("bootstrap: run \(run) of \(iterations + 1)")
            output = try bootstrapper.bootstrap(ct) { step, seconds in
                if run > 1 { stepTimes[step.rawValue, default: []].append(seconds) }
            }
        }
        progress.finish()
        let decoded = try context.decode(try Decryptor(context: context, secretKey: secretKey).decrypt(output!))
        var worst = 0.0
        var sumBits = 0.0
        for i in 0..<slots {
            for err in [abs(decoded.real[i] - re[i]), abs(decoded.imag[i] - im[i])] {
                worst = max(worst, err)
                sumBits += -log2(max(err, 1e-300))
            }
        }
        let figures = BootstrapFigures(
            ms: ms, bits: -log2(max(worst, 1e-300)), meanBits: sumBits / Double(2 * slots),
            levelsLeft: output!.level, slots: slots, keyBytes: try keys.serializedByteCount(context: context),
            keyWordBytes: keys.seededByteCount, keyCount: keys.keyCount,
            peakMemoryBytes: peakMemoryBytes(), keygenMs: keygenMs, setupMs: setupMs, runs: iterations,
            steps: stepTimes.mapValues { Timing.median($0) })
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let report = BootstrapReport(
                params: parameters.literal, bootstrap: figures, kernelPath: NativeBackend.kernelPath, threads: threads)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("parameters: \(literalDescription(parameters.literal))")
        print(
            "native kernels: \(NativeBackend.kernelPath), \(threads) thread\(threads == 1 ? "" : "s") per operation; \(slots) slots, values uniform in [-1,1] + i[-1,1]"
        )
        print(String(format: "bootstrap     %.0f ms (median of %d after one warm-up)", figures.ms, iterations))
        print(String(format: "precision     %.1f bits (worst slot), %.1f bits (mean)", figures.bits, figures.meanBits))
        let stepLine = Bootstrapper.Step.allCases.compactMap { step in
            figures.steps[step.rawValue].map { String(format: "%@ %.0f ms", step.rawValue, $0 * 1000) }
        }
        print("steps         \(stepLine.joined(separator: ", "))")
        print("levels left   \(figures.levelsLeft)")
        print(
            String(
                format: "keys          %.1f MiB in the key files, seeded (%d keys), generated in %.1f s",
                Double(figures.keyBytes) / 1_048_576,
                figures.keyCount, figures.keygenMs / 1000))
        print(String(format: "setup         %.1f s (encoding the DFT factors)", figures.setupMs / 1000))
        print(String(format: "peak memory   %.2f GiB", Double(figures.peakMemoryBytes) / 1_073_741_824))
    }

    /// VmHWM from /proc/self/status (0 where it cannot be read).
    func peakMemoryBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").compactMap { Int($0) }
            if let kb = digits.first { return kb * 1024 }
        }
        return 0
    }
}
