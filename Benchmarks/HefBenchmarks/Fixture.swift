import Benchmark
import HefCKKS
import HefRing
import HefTestSupport

/// The ring degrees benchmarked. 2^13 and 2^14 are the presets the peers (SEAL, OpenFHE) were
/// run at (P1, P2); 2^15 is the n32768 preset; 2^16 is a custom literal that passes the
/// 128-bit check (log2 QP = 60 + 20·40 + 2·60 = 980 ≤ 1747).
enum RingSize: CaseIterable {
    case n8192, n16384, n32768, n65536

    var label: String {
        switch self {
        case .n8192: return "N8192"
        case .n16384: return "N16384"
        case .n32768: return "N32768"
        case .n65536: return "N65536"
        }
    }

    var literal: ParametersLiteral {
        switch self {
        case .n8192: return ParametersPreset.n8192.literal
        case .n16384: return ParametersPreset.n16384.literal
        case .n32768: return ParametersPreset.n32768.literal
        case .n65536:
            return ParametersLiteral(
                logN: 16, logQ: [60] + Array(repeating: 40, count: 20), logP: [60, 60], logScale: 40)
        }
    }

    /// Wall-clock budget per benchmark: the small sets get many samples, the 2^16 set only a
    /// handful so that the whole run stays around ten minutes.
    var configuration: Benchmark.Configuration {
        switch self {
        case .n8192, .n16384:
            return .init(warmupIterations: 2, maxDuration: .seconds(1), maxIterations: 500)
        case .n32768:
            return .init(warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 100)
        case .n65536:
            // Cheap operations get up to 30 samples; key switching stops after the 2 s budget
            // (1-5 samples).
            return .init(warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 30)
        }
    }
}

enum BackendKind: String, CaseIterable {
    case native, swift

    var backend: any RingBackend {
        switch self {
        case .native: return NativeBackend()
        case .swift: return SwiftBackend()
        }
    }
}

/// What a benchmark needs prepared before measuring (keys are expensive at 2^16: one
/// key-switching key is 11 digits × 2 × 23 primes × 2^16 words ≈ 265 MB).
struct Needs: OptionSet {
    let rawValue: Int
    static let ciphertexts = Needs(rawValue: 1)
    static let relinearization = Needs(rawValue: 2)
    static let rotations = Needs(rawValue: 4)
    static let product = Needs(rawValue: 8)
}

/// Rotation steps of the hoisting benchmark (and the keys made for it).
let hoistedSteps = Array(1...8)

/// Everything a benchmark uses, built in the benchmark's setup hook (outside the measurement).
/// Each ordo-one benchmark runs in its own process, so one fixture per process.
final class Fixture {
    let context: CKKSContext
    let keyGenerator: KeyGenerator
    let secretKey: SecretKey
    let publicKey: PublicKey
    let encryptor: Encryptor
    let decryptor: Decryptor
    let evaluator: Evaluator
    let values: [Double]
    let plaintext: Plaintext
    let a: Ciphertext?
    let b: Ciphertext?
    /// a·b relinearized (scale 2^80), the input of the rescale benchmark.
    let product: Ciphertext?

    init(size: RingSize, backend kind: BackendKind, needs: Needs) throws {
        let parameters = try CKKSParameters(size.literal)
        context = CKKSContext(parameters: parameters, backend: kind.backend)
        var stream = RandomStream(seed: [UInt8](repeating: 42, count: 32))
        keyGenerator = KeyGenerator(context: context)
        secretKey = keyGenerator.secretKey(stream: &stream)
        publicKey = try keyGenerator.publicKey(for: secretKey, stream: &stream)
        encryptor = Encryptor(context: context)
        decryptor = try Decryptor(context: context, secretKey: secretKey)
        var keys: EvaluationKeys?
        if !needs.isDisjoint(with: [.relinearization, .rotations, .product]) {
            keys = try keyGenerator.evaluationKeys(
                for: secretKey, rotations: needs.contains(.rotations) ? hoistedSteps : [], stream: &stream)
        }
        evaluator = try Evaluator(context: context, keys: keys)
        values = randomValues(parameters.maxSlots, seed: 1)
        plaintext = try context.encode(values)
        if needs.contains(.ciphertexts) || needs.contains(.product) {
            let x = try encryptor.encrypt(plaintext, publicKey: publicKey, stream: &stream)
            let y = try encryptor.encrypt(
                try context.encode(randomValues(parameters.maxSlots, seed: 2)), publicKey: publicKey, stream: &stream)
            a = x
            b = y
            product = needs.contains(.product) ? try evaluator.multiplyRelinearize(x, y) : nil
        } else {
            a = nil
            b = nil
            product = nil
        }
    }
}

/// The one fixture of this benchmark process (set in the setup hook).
nonisolated(unsafe) var fixture: Fixture!
