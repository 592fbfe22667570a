import Foundation

extension CompiledModel {
    /// The model as pretty-printed, sorted-keys JSON (what `hefctl model compile` writes).
    /// - Throws: `EncodingError` only if a number cannot be encoded (never for a validated model).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return try encoder.encode(self)
    }

    public static func load(contentsOf url: URL) throws -> CompiledModel {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.unsupportedFormat("cannot read \(url.path)")
        }
        let model: CompiledModel
        do { model = try JSONDecoder().decode(CompiledModel.self, from: data) } catch {
            throw ModelError.unsupportedFormat("\(url.lastPathComponent) is not a compiled Hef model (hefctl model compile makes one)")
        }
        try model.validate()
        return model
    }

    /// The CKKS context of the plan.
    public func makeContext(backend: any RingBackend = NativeBackend()) throws -> CKKSContext {
        CKKSContext(parameters: try CKKSParameters(plan.parameters), backend: backend)
    }
}

extension MLPModel {
    /// Reads a Hef JSON model (ONNX files: `ONNXImporter` or `ModelFile` in HefONNX).
    public static func load(contentsOf url: URL) throws -> MLPModel {
        if url.pathExtension.lowercased() == "onnx" {
            throw ModelError.unsupportedFormat("\(url.lastPathComponent): ONNX files are read by the HefONNX module (ONNXImporter.load(contentsOf:), or ModelFile.load(contentsOf:) for either format)")
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ModelError.unsupportedFormat("cannot read \(url.path)")
        }
        let model: MLPModel
        do { model = try JSONDecoder().decode(MLPModel.self, from: data) } catch let error as DecodingError {
            throw ModelError.unsupportedFormat("\(url.lastPathComponent): \(Self.describe(error))")
        }
        try model.validate()
        return model
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c): return c.debugDescription + Self.path(c.codingPath)
        case .keyNotFound(let key, let c): return "missing field \"\(key.stringValue)\"" + Self.path(c.codingPath)
        case .typeMismatch(_, let c): return c.debugDescription + Self.path(c.codingPath)
        case .valueNotFound(_, let c): return c.debugDescription + Self.path(c.codingPath)
        @unknown default: return "\(error)"
        }
    }

    private static func path(_ codingPath: [CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "" }
        return " at " + codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
}
