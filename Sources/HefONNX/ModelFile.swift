public import Foundation
public import HefML

/// Reads a model file in either format: ONNX (`.onnx`, through ``ONNXImporter``) or Hef JSON
/// (anything else, through `MLPModel.load(contentsOf:)`).
public enum ModelFile {
    /// - Throws: `ONNXImportError` for ONNX files, `ModelError` for JSON models.
    public static func load(contentsOf url: URL) throws -> MLPModel {
        if url.pathExtension.lowercased() == "onnx" { return try ONNXImporter.load(contentsOf: url) }
        return try MLPModel.load(contentsOf: url)
    }
}
