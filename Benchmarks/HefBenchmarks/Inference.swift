import Benchmark
import Foundation
import HefCKKS
import HefML
import HefRing

// Encrypted inference of the bundled digits square model (64-32-10), server side only:
// `mlp_digits/<packing>/<backend>` times one call of EncryptedMLP.evaluate on one request
// (latency: one sample; throughput: a full batch of N/2 samples).

struct InferenceFixture {
    let server: EncryptedMLP
    let request: [Ciphertext]

    init(packing: Packing, backend kind: BackendKind) throws {
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models/digits-square")
        let source = try MLPModel.load(contentsOf: models.appendingPathComponent("model.json"))
        let model = try ModelCompiler(options: .init(packing: packing)).compile(source)
        let context = try model.makeContext(backend: kind.backend)
        let keygen = KeyGenerator(context: context)
        let secretKey = keygen.secretKey()
        let keys = try keygen.evaluationKeys(for: secretKey, rotations: model.plan.rotationSteps)
        let rows = try String(contentsOf: models.appendingPathComponent("test_X.csv"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map { $0.split(separator: ",").map { Double($0)! } }
        let batch =
            packing == .latency ? [rows[0]] : (0..<model.plan.samplesPerCiphertext).map { rows[$0 % rows.count] }
        let client = InferenceClient(model: model, context: context)
        let encrypted = try client.encrypt(batch, publicKey: try keygen.publicKey(for: secretKey))
        server = try EncryptedMLP(model: model, context: context, evaluationKeys: keys)
        request = encrypted.batches[0].ciphertexts
    }
}

nonisolated(unsafe) var inferenceFixture: InferenceFixture!

func registerInference() {
    for packing in Packing.allCases {
        for kind in BackendKind.allCases {
            Benchmark(
                "mlp_digits/\(packing.rawValue)/\(kind.rawValue)",
                configuration: .init(
                    metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(3), maxIterations: 50),
                closure: { benchmark in
                    let f: InferenceFixture = inferenceFixture
                    for _ in benchmark.scaledIterations { blackHole(try f.server.evaluate(f.request)) }
                },
                setup: { inferenceFixture = try InferenceFixture(packing: packing, backend: kind) },
                teardown: { inferenceFixture = nil })
        }
    }
}
