import Foundation
import HefCKKS
import HefML
import Testing

/// The README's encrypted-inference snippet, verbatim.
@Test func readmeInferenceSnippet() throws {
    let modelsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")
    let rows: [[Double]] = try String(
        contentsOf: modelsDirectory.appendingPathComponent("digits-square/test_X.csv"), encoding: .utf8
    )
    .split(separator: "\n").prefix(3).map { $0.split(separator: ",").map { Double($0)! } }
    // --- README inference snippet begins ---
    // Model provider: compile once (scaler folded, plan chosen) and publish the compiled model.
    let source = try MLPModel.load(contentsOf: modelsDirectory.appendingPathComponent("digits-square/model.json"))
    let model = try ModelCompiler(options: .init(packing: .latency)).compile(source)

    // Data owner: keys for exactly this model, then encrypted samples.
    let context = try model.makeContext()
    let keygen = KeyGenerator(context: context)
    let secretKey = keygen.secretKey()
    let evalKeys = try keygen.evaluationKeys(for: secretKey, rotations: model.plan.rotationSteps)
    let client = InferenceClient(model: model, context: context)
    let request = try client.encrypt(rows, publicKey: try keygen.publicKey(for: secretKey))

    // Server: evaluation keys only; it checks that the request was made for this model.
    let server = try EncryptedMLP(model: model, context: context, evaluationKeys: evalKeys)
    let response = try server.evaluate(request)

    // Data owner: decrypt and apply the model's own output tail (nil for a row the plan's
    // guarantees report invalid).
    let labels = try client.decryptLabels(response, secretKey: secretKey)
    // --- README inference snippet ends ---
    #expect(labels == rows.map { Optional(source.output.label(source.scores($0))) })
}
