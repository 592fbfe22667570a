import Benchmark
import Foundation
import HefCKKS
import HefCircuits
import HefRing

// Bootstrapping on the boot16 preset (N = 2^16, 128-bit): `bootstrap/boot16/slots<S>` times one
// Bootstrapper.bootstrap call on a ciphertext of S slots at level 0. Key generation and the
// bootstrapper's setup (about 15 s and 1–2 GB) happen in the setup hook, outside the
// measurement. Filter with `--filter bootstrap` to run them alone; they take minutes.

struct BootstrapFixture {
    let bootstrapper: Bootstrapper
    let input: Ciphertext

    init(slots: Int) throws {
        let preset = BootstrapPreset.boot16
        let context = CKKSContext(parameters: try CKKSParameters(preset.literal))
        let generator = KeyGenerator(context: context)
        let secretKey = generator.secretKey()
        let keys = try generator.bootstrappingKeys(for: secretKey, slots: slots, configuration: preset.configuration)
        bootstrapper = try Bootstrapper(
            context: context, keys: keys, slots: slots, configuration: preset.configuration)
        var g = SystemRandomNumberGenerator()
        let values = (0..<slots).map { _ in Double.random(in: -1...1, using: &g) }
        input = try Encryptor(context: context).encrypt(
            try context.encode(values, level: 0, slots: slots), publicKey: try generator.publicKey(for: secretKey))
    }
}

nonisolated(unsafe) var bootstrapFixture: BootstrapFixture!

func registerBootstrapping() {
    for slots in [8, 64] {
        Benchmark(
            "bootstrap/boot16/slots\(slots)",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 0,
                maxDuration: .seconds(30), maxIterations: 3),
            closure: { benchmark in
                let f: BootstrapFixture = bootstrapFixture
                for _ in benchmark.scaledIterations { blackHole(try f.bootstrapper.bootstrap(f.input)) }
            },
            setup: { bootstrapFixture = try BootstrapFixture(slots: slots) },
            teardown: { bootstrapFixture = nil })
    }
}
