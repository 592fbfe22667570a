import Foundation
import HefCKKS
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
