public import Foundation
public import HefML

/// Reads a model file in either format: ONNX (`.onnx`, through ``ONNXImporter``) or Hef JSON
/// (anything else, through `MLPModel.load(contentsOf:)`).
public enum ModelFile {
    /// Reads a model in either format, by the file's extension.
    /// - Parameter url: An `.onnx` file or a Hef JSON model.
    /// - Throws: ``ONNXImportError`` for ONNX files (see ``ONNXImporter/load(contentsOf:)``);
    ///   `ModelError/unsupportedFormat(_:)` or `ModelError/invalidModel(_:)` for JSON models
    ///   (see `MLPModel.load(contentsOf:)`).
    public static func load(contentsOf url: URL) throws -> MLPModel {
        if url.pathExtension.lowercased() == "onnx" { return try ONNXImporter.load(contentsOf: url) }
        return try MLPModel.load(contentsOf: url)
    }
}
