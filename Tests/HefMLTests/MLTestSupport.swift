import Foundation
import HefCKKS
import HefRing
import HefTestSupport
import Testing

@testable import HefML

/// The repository's `Models/` folder (bundled models), from this file's location.
func modelsDirectory() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models")
}

func readLines(_ url: URL) throws -> [String] {
    try String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).map { String($0) }
}

/// A tiny model: 4 → 3 (square) → 2, softmax.
func tinyModel() -> MLPModel {
    MLPModel(
        name: "tiny", task: .classification, inputSize: 4,
        scaler: Scaler(mean: [0.5, -1, 2, 0], scale: [2, 1, 4, 0.5]),
        layers: [
            DenseLayer(
                weights: [[0.5, -0.25, 0.1, 0.3], [-0.2, 0.4, 0.3, -0.1], [0.3, 0.2, -0.5, 0.25]],
                bias: [0.1, -0.2, 0.05], activation: .square),
            DenseLayer(weights: [[1, -0.5, 0.25], [-0.75, 0.5, 1]], bias: [0.2, -0.1], activation: .none),
        ],
        output: OutputTail(probabilities: .softmax, labels: ["a", "b"]))
}

/// A data owner's key material for `model`: a fresh secret key, its public key and the model's
/// evaluation keys, in the context of the model's plan.
struct OwnerKeys {
    let context: CKKSContext
    let secretKey: SecretKey
    let publicKey: PublicKey
    let evaluation: EvaluationKeys

    init(for model: CompiledModel) throws {
        context = try model.makeContext()
        let generator = KeyGenerator(context: context)
        var stream = RandomStream.secure()
        secretKey = generator.secretKey(stream: &stream)
        publicKey = try generator.publicKey(for: secretKey, stream: &stream)
        evaluation = try generator.modelKeys(for: secretKey, model: model, stream: &stream).evaluation
    }
}

/// Runs `request` through `server` segment by segment, `owner` refreshing at each stop: the
/// outputs and the number of round trips.
func runSegments(
    _ request: ModelCiphertexts, server: EncryptedMLP, owner: InferenceClient, publicKey: PublicKey,
    secretKey: SecretKey
) throws -> (outputs: ModelCiphertexts, roundTrips: Int) {
    var message = request
    var state: RefreshState?
    var trips = 0
    while true {
        switch try server.run(message, publicKey: publicKey, state: state) {
        case .outputs(let done): return (done, trips)
        case .refresh(let masked, let next):
            message = try owner.refresh(masked, secretKey: secretKey)
            state = next
            trips += 1
        }
    }
}
